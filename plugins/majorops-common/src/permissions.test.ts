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
  RESPONDER_RESOURCE_TYPE,
  runbookReadPermission,
  runbookWritePermission,
  TEAM_RESOURCE_TYPE,
} from './permissions';

describe('majoropsPermissions', () => {
  it.each(majoropsPermissions.map(p => [p.name, p] as const))('%s is named under majorops.', name => {
    expect(name).toMatch(/^majorops\.[a-z]+\.[a-z]+$/);
  });

  it.each([
    ['majorops.postmortem.read', postmortemReadPermission, POSTMORTEM_RESOURCE_TYPE],
    ['majorops.reputation.read', reputationReadPermission, RESPONDER_RESOURCE_TYPE],
    ['majorops.responder.manage', responderManagePermission, RESPONDER_RESOURCE_TYPE],
    ['majorops.ranking.read', rankingReadPermission, TEAM_RESOURCE_TYPE],
  ] as const)('makes %s a resource permission of %s, so policies can restrict it per resource', (_name, permission, resourceType) => {
    expect(isResourcePermission(permission, resourceType)).toBe(true);
  });

  it('keeps every other permission basic', () => {
    const resource = new Set<unknown>([postmortemReadPermission, reputationReadPermission, responderManagePermission, rankingReadPermission]);
    const basic = majoropsPermissions.filter(p => !resource.has(p));
    expect(basic).toHaveLength(majoropsPermissions.length - 4);
    for (const p of basic) expect(p.type).toBe('basic');
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
