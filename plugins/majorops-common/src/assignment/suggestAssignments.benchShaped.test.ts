import type { Severity } from '../severity';
import { AssignmentConfig, DEFAULT_ASSIGNMENT_CONFIG, mergeAssignmentConfig } from './config';
import { referenceSuggestAssignments } from './referenceSuggestAssignments';
import { suggestAssignments } from './suggestAssignments';
import {
  DAY,
  NOW,
  baseInput,
  level,
  plus,
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
 * Shaped like the benchmark's input: large owning teams (most candidates
 * only counted among the exclusions), a few people doing most of the work,
 * people holding two roles on one incident, open incidents keeping people
 * busy (one of them declared after `now`), reopens, repeats, tech on
 * entities and incidents, time zones, burnout flags, suspended people with
 * a track record, and people without any reputation.
 */
function generatedInput(seed: number, options: { users: number; incidents: number; severity: Severity; targetTech?: string[] }): AssignmentInput {
  const r = random(seed);
  const teams = 6;
  const entityCount = 40;
  const users: AssignmentUser[] = Array.from({ length: options.users }, (_, i) => ({
    userRef: user(i),
    ...(i % 3 ? { displayName: `Person ${i}` } : {}),
    memberOf: i % 11 === 0 ? [group(i % teams), group((i + 1) % teams)] : [group(i % teams)],
    ...(i % 13 === 0 ? { timeZone: 'Europe/Berlin' } : {}),
  }));
  const entities = [
    ...Array.from({ length: entityCount }, (_, e) => ({
      entityRef: entity(e),
      ...(e % 9 ? { ownerRef: e % 10 === 0 ? user(e) : group(e % teams) } : {}),
      systemRef: system(e % 5),
      ...(e % 3 ? { tech: [TECH[e % TECH.length], TECH[(e * 3) % TECH.length].toUpperCase()] } : {}),
    })),
    ...Array.from({ length: 5 }, (_, s) => ({ entityRef: system(s), ownerRef: group((s * 5) % teams) })),
  ];
  const nowMs = Date.parse(NOW);
  const incidents: AssignmentIncident[] = [];
  for (let n = 0; n < options.incidents; n++) {
    const open = n >= options.incidents - 12;
    const declared = open ? nowMs - r.int(-30, 600) * 60_000 : nowMs - r.int(1, 500) * DAY + r.int(0, 1439) * 60_000;
    const declaredAt = new Date(declared).toISOString();
    const person = () => Math.floor(Math.pow(r.next(), 3) * options.users);
    const roles = Array.from({ length: r.int(1, 3) }, () => ({
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
      entities: Array.from({ length: r.int(1, 2) }, () => {
        const e = Math.floor(Math.pow(r.next(), 2) * entityCount);
        return { entityRef: entity(e), ...(r.chance(0.3) ? { systemRef: system((e + 1) % 5) } : {}) };
      }),
      ...(r.chance(0.1) ? { tech: [r.pick(TECH)] } : {}),
      roles,
    });
  }
  const reputation: AssignmentReputation[] = [];
  for (let i = 0; i < options.users; i++) {
    if (!r.chance(0.7)) continue;
    const flagged = r.chance(0.05);
    reputation.push({
      userRef: user(i),
      score: r.int(0, 1000),
      level: level(r.int(0, 5) as 0 | 1 | 2 | 3 | 4 | 5, r.chance(0.04)),
      ...(r.chance(0.1) ? { badge: { holds: true } } : {}),
      ...(r.chance(0.3) ? { peerPreference: r.int(10, 100) / 10 } : {}),
      workload: {
        weeks: flagged
          ? [{ weekOf: '2026-11-16', from: plus(NOW, -4 * DAY), to: plus(NOW, 3 * DAY), flagged: true, reasons: ['12 hours in incidents this week.'] }]
          : [],
        flaggedPeriods: r.chance(0.03) ? [{ from: plus(NOW, -20 * DAY), to: plus(NOW, -5 * DAY), reasons: ['Paged at night three times.'] }] : [],
        totals: { incidentHoursPerWeek: r.chance(0.5) ? r.int(0, 20) : 0 },
      } as unknown as AssignmentReputation['workload'],
    });
  }
  return {
    incident: {
      id: 'target',
      title: 'Target',
      severity: options.severity,
      incidentType: 'Database',
      declaredAt: NOW,
      entities: [{ entityRef: entity(0) }, { entityRef: entity(7), ownerRef: group(3) }],
      ...(options.targetTech ? { tech: options.targetTech } : {}),
    },
    users,
    entities,
    incidents,
    reputation,
  };
}

const CONFIGS: Array<[string, AssignmentConfig]> = [
  ['the defaults (excluded list capped)', DEFAULT_ASSIGNMENT_CONFIG],
  ['busy people marked down, a tight cap, more commanders', mergeAssignmentConfig({ excludeBusy: false, excludedListLimit: 15, topN: 5, expertMinIncidents: 1 })],
  ['no cap', mergeAssignmentConfig({ excludedListLimit: 100_000 })],
  ['a cap of zero, no time-of-day window', mergeAssignmentConfig({ excludedListLimit: 0, timeOfDay: { windowHours: 0 } })],
];

/**
 * The same answer as the plain reference implementation, which lists every
 * exclusion: the engine lists at most the configured number of them (each as
 * the reference has it) and counts the others in its summary.
 */
function same(input: AssignmentInput, config: AssignmentConfig) {
  const { excluded, excludedSummary, ...rest } = suggestAssignments(input, NOW, config);
  const { excluded: allExcluded, excludedSummary: _none, ...expectedRest } = referenceSuggestAssignments(input, NOW, config);
  expect(rest).toEqual(expectedRest);
  expect(excluded.length).toBeLessThanOrEqual(config.excludedListLimit);
  const key = (e: { userRef: string; slot: string }) => `${e.userRef} ${e.slot}`;
  const reference = new Map(allExcluded.map(e => [key(e), e]));
  for (const e of excluded) expect(e).toEqual(reference.get(key(e)));
  expect((excludedSummary ?? []).reduce((n, s) => n + s.count, 0) + excluded.length).toBe(allExcluded.length);
}

describe('suggestAssignments against the reference implementation on benchmark-shaped input', () => {
  it.each(CONFIGS)('gives the same answer on the base fixture with %s', (_name, config) => {
    same(baseInput(), config);
  });

  const cases: Array<[number, Severity, string[] | undefined]> = [
    [1, 'SEV1', undefined],
    [2, 'SEV2', undefined],
    [3, 'SEV3', ['Postgres', 'kafka']],
    [4, 'SEV4', []],
  ];
  describe.each(CONFIGS)('with %s', (_name, config) => {
    it.each(cases)('gives the same answer on generated input %i (%s, 400 users, 1,500 incidents)', (seed, severity, targetTech) => {
      const input = generatedInput(seed, { users: 400, incidents: 1500, severity, targetTech });
      const expected = referenceSuggestAssignments(input, NOW, config);
      // The generated data exercise what the rework touched: exclusions counted and listed, experts, burnout.
      expect(expected.excluded.length + (expected.excludedSummary ?? []).reduce((n, s) => n + s.count, 0)).toBeGreaterThan(300);
      expect(expected.experts.some(t => t.experts.length > 0)).toBe(true);
      same(input, config);
    });
  });

  it('gives the same answer when a person is listed twice, incidents come in another order, and the target is in the history', () => {
    const input = generatedInput(9, { users: 300, incidents: 800, severity: 'SEV2' });
    const shuffled: AssignmentInput = {
      ...input,
      users: [...input.users].reverse().concat(input.users.slice(0, 20)),
      incidents: [...input.incidents].reverse().concat([{ ...input.incidents[0], id: 'target' }]),
    };
    same(shuffled, DEFAULT_ASSIGNMENT_CONFIG);
    expect(suggestAssignments(shuffled, NOW)).toEqual(suggestAssignments(input, NOW));
  });

  it('reads an incident changed in place again: the timestamps kept per object are used only while they are the same', () => {
    const input = generatedInput(6, { users: 200, incidents: 400, severity: 'SEV2' });
    same(input, DEFAULT_ASSIGNMENT_CONFIG);
    const before = suggestAssignments(input, NOW);
    // The same objects, changed: a commander's role released long ago, others declared or resolved at other times.
    for (const incident of input.incidents.slice(-40)) {
      incident.declaredAt = plus(incident.declaredAt, -3 * DAY);
      if (incident.resolvedAt) incident.resolvedAt = plus(incident.resolvedAt, 5 * DAY);
      else incident.resolvedAt = plus(NOW, -DAY);
      incident.roles[0].releasedAt = plus(incident.declaredAt, 60_000);
      incident.roles[0].assignedAt = plus(incident.declaredAt, 1000);
      incident.roles.push({ role: 'scribe', userRef: incident.roles[0].userRef, assignedAt: incident.declaredAt });
    }
    const after = suggestAssignments(input, NOW);
    expect(after).not.toEqual(before);
    same(input, DEFAULT_ASSIGNMENT_CONFIG);
  });

  it('raises an error for a bad release time only where it is read, with the numbering of each call', () => {
    const input = generatedInput(7, { users: 50, incidents: 60, severity: 'SEV2' });
    const incident = input.incidents[30];
    // Taken after `now`: the release is never read.
    incident.roles = [{ ...incident.roles[0], assignedAt: plus(NOW, DAY), releasedAt: 'later' }];
    same(input, DEFAULT_ASSIGNMENT_CONFIG);
    incident.roles = [{ ...incident.roles[0], assignedAt: plus(NOW, -DAY), releasedAt: 'later' }];
    expect(() => suggestAssignments(input, NOW)).toThrow(/incidents\[30\]\.roles\[0\]\.releasedAt/);
    // The same object elsewhere in the list: its own number in the error.
    const moved = { ...input, incidents: [incident, ...input.incidents.filter(i => i !== incident)] };
    expect(() => suggestAssignments(moved, NOW)).toThrow(/incidents\[0\]\.roles\[0\]\.releasedAt/);
  });

  it('names the bad field of a bad input, numbering the incidents without the target', () => {
    const input = generatedInput(5, { users: 50, incidents: 100, severity: 'SEV2' });
    // The target listed first: the incidents are numbered without it.
    const badRole = {
      ...input,
      incidents: [{ ...input.incidents[0], id: 'target' }, ...input.incidents.map((i, n) => (n === 7 ? { ...i, roles: [{ ...i.roles[0], assignedAt: 'yesterday' }] } : i))],
    };
    expect(() => suggestAssignments(badRole, NOW)).toThrow(/incidents\[7\]\.roles\[0\]\.assignedAt/);
  });
});
