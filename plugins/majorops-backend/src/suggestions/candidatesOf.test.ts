import type { AssignmentIncident, AssignmentUser } from '@majorops/plugin-majorops-common';
import { candidatesOf, whoCanMatter } from './SuggestionService';

const user = (name: string, ...memberOf: string[]): AssignmentUser => ({ userRef: `user:default/${name}`, memberOf });
const incident = (id: string, ...userRefs: string[]): AssignmentIncident => ({
  id,
  severity: 'SEV2',
  declaredAt: '2026-11-01T00:00:00.000Z',
  entities: [],
  roles: userRefs.map(userRef => ({ role: 'incident-commander', userRef, assignedAt: '2026-11-01T00:00:00.000Z' })),
});

describe('candidatesOf', () => {
  const users = [
    user('owner-member', 'group:default/payments'),
    user('system-owner-member', 'group:default/platform'),
    user('owns-directly'),
    user('past-commander', 'group:default/other'),
    user('busy-elsewhere'),
    user('stranger', 'group:default/other'),
  ];
  const entities = new Map([['system:default/shop', { entityRef: 'system:default/shop', ownerRef: 'group:default/platform' }]]);

  it('keeps owning teams, system owners, direct owners and everyone with a role on a loaded incident; no one else', () => {
    const affected = [
      { ownerRef: 'group:default/payments', systemRef: 'system:default/shop' },
      { ownerRef: 'User:default/Owns-Directly' },
    ];
    const incidents = [incident('past', 'user:default/past-commander'), incident('open', 'User:default/busy-elsewhere')];
    expect(candidatesOf(users, affected, entities, incidents).map(u => u.userRef)).toEqual([
      'user:default/owner-member',
      'user:default/system-owner-member',
      'user:default/owns-directly',
      'user:default/past-commander',
      'user:default/busy-elsewhere',
    ]);
  });

  it('is empty for an incident nobody owns and nobody has history on', () => {
    expect(candidatesOf(users, [{}], entities, [])).toEqual([]);
  });

  it('names what the catalog is asked for: owners of the entities and their systems, and everyone engaged, in lower case', () => {
    const { owners, engaged } = whoCanMatter(
      [{ ownerRef: 'Group:default/Payments', systemRef: 'System:default/Shop' }, { ownerRef: 'User:default/Owns-Directly' }, {}],
      entities,
      [incident('past', 'User:default/Past-Commander', 'user:default/busy-elsewhere')],
    );
    expect([...owners].sort()).toEqual(['group:default/payments', 'group:default/platform', 'user:default/owns-directly']);
    expect([...engaged].sort()).toEqual(['user:default/busy-elsewhere', 'user:default/past-commander']);
  });
});
