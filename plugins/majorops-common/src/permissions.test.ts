import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  incidentCreatePermission,
  incidentReadPermission,
  incidentUpdatePermission,
  majoropsPermissions,
  reputationReadPermission,
  runbookReadPermission,
  runbookWritePermission,
} from './permissions';

describe('majoropsPermissions', () => {
  it.each(majoropsPermissions.map(p => [p.name, p] as const))('%s is named under majorops.', (name, permission) => {
    expect(name).toMatch(/^majorops\.[a-z]+\.[a-z]+$/);
    expect(permission.type).toBe('basic');
    expect(isResourcePermission(permission)).toBe(false);
  });

  it('has unique names', () => {
    const names = majoropsPermissions.map(p => p.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('lists every exported permission exactly once', () => {
    const exported = [
      incidentReadPermission,
      incidentCreatePermission,
      incidentUpdatePermission,
      runbookReadPermission,
      runbookWritePermission,
      reputationReadPermission,
    ];
    expect(majoropsPermissions).toHaveLength(exported.length);
    for (const p of exported) expect(majoropsPermissions.filter(q => q === p)).toHaveLength(1);
  });

  it.each([
    ['majorops.incident.read', incidentReadPermission, 'read'],
    ['majorops.incident.create', incidentCreatePermission, 'create'],
    ['majorops.incident.update', incidentUpdatePermission, 'update'],
    ['majorops.runbook.read', runbookReadPermission, 'read'],
    ['majorops.runbook.write', runbookWritePermission, 'update'],
    ['majorops.reputation.read', reputationReadPermission, 'read'],
  ] as const)('%s is named so, with the expected action', (name, permission, action) => {
    expect(permission.name).toBe(name);
    expect(permission.attributes.action).toBe(action);
  });
});
