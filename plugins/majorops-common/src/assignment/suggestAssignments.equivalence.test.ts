import { DEFAULT_ASSIGNMENT_CONFIG } from './config';
import { referenceSuggestAssignments } from './referenceSuggestAssignments';
import { suggestAssignments } from './suggestAssignments';
import {
  DAY,
  NOW,
  baseInput,
  level,
  pastIncident,
  plus,
  ADA,
  BO,
  CY,
  DEE,
  CHECKOUT,
  LEDGER,
  random,
  TYPES,
  TECH,
  ROLES,
  SEVERITIES,
  user,
  group,
  entity,
  system,
} from './testFixtures';
import type { AssignmentIncident, AssignmentInput, AssignmentReputation, AssignmentUser } from './types';

/**
 * Users in teams, entities in systems, past incidents with several roles
 * (some people holding two roles on one incident), reopens, repeats, open
 * incidents keeping people busy, and reputation for part of the users.
 */
function generatedInput(options: { users: number; incidents: number; seed: number }): AssignmentInput {
  const r = random(options.seed);
  const teams = 12;
  const entityCount = 60;
  const users: AssignmentUser[] = Array.from({ length: options.users }, (_, i) => ({
    userRef: user(i),
    ...(i % 3 ? { displayName: `Person ${i}` } : {}),
    memberOf: [group(i % teams)],
    ...(i % 17 === 0 ? { timeZone: 'Europe/Berlin' } : {}),
  }));
  const entities = [
    ...Array.from({ length: entityCount }, (_, e) => ({
      entityRef: entity(e),
      ownerRef: group(e % teams),
      systemRef: system(e % 8),
      ...(e % 4 ? { tech: [TECH[e % TECH.length], TECH[(e * 3) % TECH.length]] } : {}),
    })),
    ...Array.from({ length: 8 }, (_, s) => ({ entityRef: system(s), ownerRef: group((s * 5) % teams) })),
  ];
  const nowMs = Date.parse(NOW);
  const incidents: AssignmentIncident[] = [];
  for (let n = 0; n < options.incidents; n++) {
    const open = n >= options.incidents - 15;
    const declared = open ? nowMs - r.int(1, 600) * 60_000 : nowMs - r.int(1, 700) * DAY + r.int(0, 1439) * 60_000;
    const declaredAt = new Date(declared).toISOString();
    // A few people do most of the work, so that some have many engagements.
    const person = () => Math.floor(Math.pow(r.next(), 3) * options.users);
    const roles = Array.from({ length: r.int(1, 4) }, () => ({
      role: r.pick(ROLES),
      userRef: user(person()),
      assignedAt: plus(declaredAt, r.int(0, 120) * 60_000),
      ...(r.chance(0.1) ? { releasedAt: plus(declaredAt, r.int(121, 600) * 60_000) } : {}),
    }));
    const resolved = !open && r.chance(0.95);
    incidents.push({
      id: `inc-${String(n).padStart(6, '0')}`,
      ...(r.chance(0.8) ? { title: `Incident ${n}` } : {}),
      severity: r.pick(SEVERITIES),
      ...(r.chance(0.9) ? { incidentType: r.pick(TYPES) } : {}),
      declaredAt,
      ...(resolved ? { resolvedAt: plus(declaredAt, r.int(10, 900) * 60_000) } : {}),
      ...(resolved && r.chance(0.05) ? { reopenedAt: plus(declaredAt, DAY) } : {}),
      ...(resolved && r.chance(0.05) ? { repeatLinkedAt: plus(declaredAt, 2 * DAY) } : {}),
      entities: Array.from({ length: r.int(1, 2) }, () => ({ entityRef: entity(Math.floor(Math.pow(r.next(), 2) * entityCount)) })),
      ...(r.chance(0.1) ? { tech: [r.pick(TECH)] } : {}),
      roles,
    });
  }
  const reputation: AssignmentReputation[] = [];
  for (let i = 0; i < options.users; i++) {
    if (!r.chance(0.6)) continue;
    reputation.push({
      userRef: user(i),
      score: r.int(0, 1000),
      level: level(r.int(0, 5) as 0 | 1 | 2 | 3 | 4 | 5, r.chance(0.03)),
      ...(r.chance(0.1) ? { badge: { holds: true } } : {}),
      ...(r.chance(0.3) ? { peerPreference: r.int(10, 100) / 10 } : {}),
      ...(r.chance(0.2) ? { workload: { totals: { incidentHoursPerWeek: r.int(0, 20) } } as AssignmentReputation['workload'] } : {}),
    });
  }
  return {
    incident: {
      id: 'target',
      title: 'Target',
      severity: 'SEV2',
      incidentType: 'database',
      declaredAt: NOW,
      entities: [{ entityRef: entity(0) }, { entityRef: entity(9) }],
    },
    users,
    entities,
    incidents,
    reputation,
  };
}

const UNCAPPED = { ...DEFAULT_ASSIGNMENT_CONFIG, excludedListLimit: Number.MAX_SAFE_INTEGER };

describe('suggestAssignments against the straightforward reference', () => {
  const fixtures: Array<[string, AssignmentInput]> = [
    ['the base fixture', baseInput()],
    [
      'a fixture with history, busy people and a suspended expert',
      {
        ...baseInput({ [CY]: { level: level(4, true) }, [DEE]: { level: level(3) } }),
        incidents: [
          pastIncident('h1', ADA, plus(NOW, -10 * DAY), { entities: [{ entityRef: CHECKOUT }], incidentType: 'database' }),
          pastIncident('h2', ADA, plus(NOW, -400 * DAY), { entities: [{ entityRef: LEDGER }], incidentType: 'database', reopenedAt: plus(NOW, -398 * DAY) }),
          pastIncident('h3', CY, plus(NOW, -30 * DAY), { incidentType: 'database', tech: ['postgres'] }),
          pastIncident('h4', CY, plus(NOW, -60 * DAY), { incidentType: 'database', tech: ['postgres'] }),
          {
            ...pastIncident('h5', BO, plus(NOW, -2 * DAY), { resolvedAt: undefined }),
            roles: [
              { role: 'scribe', userRef: DEE, assignedAt: plus(NOW, -2 * DAY) },
              { role: 'operations-chief', userRef: BO, assignedAt: plus(NOW, -2 * DAY) },
              { role: 'scribe', userRef: BO, assignedAt: plus(NOW, -2 * DAY) },
            ],
          },
        ],
      },
    ],
  ];

  it.each(fixtures)('gives the same answer on %s', (_name, input) => {
    expect(suggestAssignments(input, NOW)).toEqual(referenceSuggestAssignments(input, NOW));
  });

  it.each([1, 2, 3])('gives the same answer on generated input %i (300 users, 3,000 incidents), uncapped', seed => {
    const input = generatedInput({ users: 300, incidents: 3000, seed });
    const expected = referenceSuggestAssignments(input, NOW, UNCAPPED);
    expect(expected.incidentCommander.length).toBeGreaterThan(0);
    expect(expected.experts.some(t => t.experts.length > 0)).toBe(true);
    expect(suggestAssignments(input, NOW, UNCAPPED)).toEqual(expected);
  });

  it('caps the excluded list only in how many are listed; the rest is the reference', () => {
    const input = generatedInput({ users: 300, incidents: 3000, seed: 4 });
    const expected = referenceSuggestAssignments(input, NOW);
    const actual = suggestAssignments(input, NOW);
    const { excluded, excludedSummary, ...rest } = actual;
    const { excluded: allExcluded, ...expectedRest } = expected;
    expect(rest).toEqual(expectedRest);
    expect(allExcluded.length).toBeGreaterThan(DEFAULT_ASSIGNMENT_CONFIG.excludedListLimit);
    expect(excluded.length).toBeLessThanOrEqual(DEFAULT_ASSIGNMENT_CONFIG.excludedListLimit);
    // Every listed entry is one of the reference's; the summary counts all the others.
    const key = (e: { userRef: string; slot: string }) => `${e.userRef} ${e.slot}`;
    const reference = new Map(allExcluded.map(e => [key(e), e]));
    for (const e of excluded) expect(e).toEqual(reference.get(key(e)));
    expect(excludedSummary!.reduce((n, s) => n + s.count, 0) + excluded.length).toBe(allExcluded.length);
  });

  it('at 5,000 users and 20,000 incidents, a sample of users scores as in the reference', () => {
    const input = generatedInput({ users: 5000, incidents: 20000, seed: 42 });
    const actual = suggestAssignments(input, NOW, UNCAPPED);
    const r = random(7);
    const sample = new Set([...actual.incidentCommander.map(c => c.userRef), ...Array.from({ length: 30 }, () => user(r.int(0, 4999)))]);
    // A person's score does not depend on who else is a user: the reference over the sample alone.
    const expected = referenceSuggestAssignments({ ...input, users: input.users.filter(u => sample.has(u.userRef)) }, NOW, {
      ...UNCAPPED,
      topN: sample.size,
    });
    const bySample = new Map(expected.incidentCommander.map(c => [c.userRef, c]));
    for (const c of actual.incidentCommander) expect({ ...c, rank: 0 }).toEqual({ ...bySample.get(c.userRef), rank: 0 });
    // Who is left out of the Operations Chief slot for being the top commander depends on everyone.
    const ownReasons = (e: { reasons: string[] }) => !e.reasons[0].startsWith('Suggested as Incident Commander');
    const excluded = actual.excluded.filter(e => sample.has(e.userRef) && ownReasons(e));
    expect(excluded).toEqual(expected.excluded.filter(ownReasons));
    expect(excluded.length).toBeGreaterThan(0);
  });
});
