import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  incidentCreatePermission,
  incidentReadPermission,
  incidentUpdatePermission,
  majoropsPermissions,
  POSTMORTEM_RESOURCE_TYPE,
  postmortemReadPermission,
  postmortemWritePermission,
  rankingReadPermission,
  reputationReadPermission,
  responderManagePermission,
  runbookReadPermission,
  runbookWritePermission,
} from './permissions';

describe('majoropsPermissions', () => {
  it.each(majoropsPermissions.map(p => [p.name, p] as const))('%s is named under majorops.', name => {
    expect(name).toMatch(/^majorops\.[a-z]+\.[a-z]+$/);
  });

  it('makes only post-mortem reads a resource permission, so policies can restrict them per post-mortem', () => {
    const resource = majoropsPermissions.filter(p => isResourcePermission(p));
    expect(resource).toEqual([postmortemReadPermission]);
    expect(isResourcePermission(postmortemReadPermission, POSTMORTEM_RESOURCE_TYPE)).toBe(true);
    for (const p of majoropsPermissions.filter(q => q !== postmortemReadPermission)) {
      expect(p.type).toBe('basic');
    }
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
      postmortemReadPermission,
      postmortemWritePermission,
      reputationReadPermission,
      rankingReadPermission,
      responderManagePermission,
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
    ['majorops.postmortem.read', postmortemReadPermission, 'read'],
    ['majorops.postmortem.write', postmortemWritePermission, 'update'],
    ['majorops.reputation.read', reputationReadPermission, 'read'],
    ['majorops.ranking.read', rankingReadPermission, 'read'],
    ['majorops.responder.manage', responderManagePermission, 'update'],
  ] as const)('%s is named so, with the expected action', (name, permission, action) => {
    expect(permission.name).toBe(name);
    expect(permission.attributes.action).toBe(action);
  });
});
