import { computeWorkload } from '../reputation/workload';
import { AssignmentComponent, DEFAULT_ASSIGNMENT_CONFIG, mergeAssignmentConfig } from './config';
import { suggestAssignments } from './suggestAssignments';
import {
  ADA,
  baseInput,
  BILLING,
  BO,
  CHECKOUT,
  CY,
  DAY,
  daysAgo,
  DEE,
  HOUR,
  LEDGER,
  level,
  NOW,
  PAYMENTS_GROUP,
  pastIncident,
  plus,
  PLATFORM_GROUP,
} from './testFixtures';
import type { AssignmentInput } from './types';

const withUser = (input: AssignmentInput, userRef: string, memberOf: string[]): AssignmentInput => ({
  ...input,
  users: input.users.map(u => (u.userRef === userRef ? { ...u, memberOf } : u)),
});

const sevenPagesThisWeek = computeWorkload(
  { userRef: BO, pages: Array.from({ length: 7 }, (_, i) => plus('2026-11-16T09:00:00.000Z', i * HOUR)), engagements: [] },
  { from: daysAgo(28), to: NOW },
);

const openIncident = (role: 'incident-commander' | 'operations-chief' | 'technical-lead', overrides = {}) =>
  pastIncident('inc-9', BO, plus(NOW, -2 * HOUR), {
    title: 'Queue backlog',
    resolvedAt: undefined,
    roles: [{ role, userRef: BO, assignedAt: plus(NOW, -HOUR) }],
    ...overrides,
  });

describe('suggestAssignments: each rule on and off', () => {
  // With every rule off ADA and BO tie and ADA wins by userRef. Turning a rule
  // on for BO moves BO up (a bonus) or leaves BO lower (a penalty).
  it.each<[string, AssignmentComponent, (input: AssignmentInput) => AssignmentInput, number, RegExp]>([
    ['reputation score', 'reputation', () => baseInput({ [BO]: { score: 800 } }), 24, /Reputation score 800 of 1000/],
    ['SRE Champion badge', 'champion', () => baseInput({ [BO]: { badge: { holds: true } } }), 10, /SRE Champion/],
    ['owner of the affected entity', 'ownership', i => withUser(i, BO, [PAYMENTS_GROUP]), 15, /Member of group:default\/payments, which owns component:default\/checkout-api/],
    ['owner of its system only', 'ownership', i => withUser(i, BO, [PLATFORM_GROUP]), 9, /Member of group:default\/platform, which owns system:default\/payments, the system of component:default\/checkout-api/],
    ['user owning the entity directly', 'ownership', i => ({ ...i, entities: i.entities.map(e => (e.entityRef === CHECKOUT ? { ...e, ownerRef: BO } : e)) }), 15, /^Owns component:default\/checkout-api/],
    ['expertise on the same entity', 'expertise', i => ({ ...i, incidents: [pastIncident('inc-1', BO, daysAgo(10), { entities: [{ entityRef: CHECKOUT }], tech: [] })] }), 6.1, /Commanded 1 SEV1\/SEV2 incident on component:default\/checkout-api in the last year/],
    ['expertise in the same system', 'expertise', i => ({ ...i, incidents: [pastIncident('inc-1', BO, daysAgo(10), { entities: [{ entityRef: LEDGER }], tech: [] })] }), 3.5, /in system:default\/payments/],
    ['expertise with the same type', 'expertise', i => ({ ...i, incidents: [pastIncident('inc-1', BO, daysAgo(10), { incidentType: 'Database' })] }), 3.5, /of type database/],
    ['expertise with shared tech', 'expertise', i => ({ ...i, incidents: [pastIncident('inc-1', BO, daysAgo(10), { tech: ['Kafka', 'postgres', 'redis'] })] }), 3.5, /involving kafka/],
    ['peer preference 10/10', 'peerPreference', () => baseInput({ [BO]: { peerPreference: 10 } }), 15, /10\/10 on average/],
  ])('%s', (_case, component, turnOn, points, reason) => {
    const off = suggestAssignments(baseInput(), NOW);
    expect(off.incidentCommander.map(c => c.userRef)).toEqual([ADA, BO]);
    const on = suggestAssignments(turnOn(baseInput()), NOW);
    expect(on.incidentCommander.map(c => c.userRef)).toEqual([BO, ADA]);
    const bo = on.incidentCommander[0];
    expect(bo.breakdown[component].points).toBeCloseTo(points, 1);
    expect(bo.breakdown[component].points).toBeGreaterThan(off.incidentCommander[1].breakdown[component].points);
    expect(bo.reasons.some(r => reason.test(r))).toBe(true);
    expect(bo.score).toBeCloseTo(off.incidentCommander[1].score + points - off.incidentCommander[1].breakdown[component].points, 1);
  });

  it.each<[string, AssignmentComponent, (input: AssignmentInput) => AssignmentInput, number, RegExp]>([
    ['hours in incidents', 'workload', () => baseInput({ [BO]: { workload: { ...sevenPagesThisWeek, weeks: [], flaggedPeriods: [], totals: { ...sevenPagesThisWeek.totals, incidentHoursPerWeek: 5 } } } }), -5, /5 hours in incidents per week/],
    ['burnout flag this week', 'burnout', () => baseInput({ [BO]: { workload: sevenPagesThisWeek } }), -20, /^Burnout flag: 7 pages in the week of 2026-11-16, more than 5$/],
    ['busy elsewhere, not excluded', 'busy', i => ({ ...i, incidents: [openIncident('incident-commander')] }), -50, /Already commanding inc-9 'Queue backlog'/],
  ])('penalty: %s', (_case, component, turnOn, points, reason) => {
    const config = mergeAssignmentConfig({ excludeBusy: false });
    const off = suggestAssignments(baseInput(), NOW, config);
    expect(off.incidentCommander[1].breakdown[component].points).toBe(0);
    const on = suggestAssignments(turnOn(baseInput()), NOW, config);
    expect(on.incidentCommander.map(c => c.userRef)).toEqual([ADA, BO]);
    const bo = on.incidentCommander[1];
    expect(bo.breakdown[component].points).toBeCloseTo(points, 1);
    expect(bo.reasons.some(r => reason.test(r))).toBe(true);
  });

  it('time of day: someone usually engaged on Friday afternoons ranks above someone without a pattern', () => {
    const fridays = [1, 2, 3, 4].map(w => pastIncident(`inc-${w}`, BO, plus(NOW, -w * 7 * DAY - 10 * 60_000)));
    const mondays = [1, 2, 3, 4].map(w => pastIncident(`inc-m${w}`, ADA, plus(NOW, -w * 7 * DAY - 4 * DAY)));
    const result = suggestAssignments({ ...baseInput(), incidents: [...fridays, ...mondays] }, NOW);
    const [first, second] = result.incidentCommander;
    expect(first.userRef).toBe(BO);
    expect(first.breakdown.timeOfDay.value).toBeGreaterThan(0.5);
    expect(first.breakdown.timeOfDay.reasons[0]).toBe('Engaged 4 of 4 past incidents around Fri 14:00 ±1 h (UTC), 2.3× the even rate');
    expect(second.breakdown.timeOfDay.value).toBeLessThan(0.5);
    const none = suggestAssignments(baseInput(), NOW).incidentCommander[0];
    expect(none.breakdown.timeOfDay.value).toBe(0.5);
    expect(none.breakdown.timeOfDay.points).toBe(5);
  });

  it('the peer preference is used only as an aggregate 1–10, absent counts as neutral', () => {
    const low = suggestAssignments(baseInput({ [BO]: { peerPreference: 1 } }), NOW).incidentCommander;
    expect(low.find(c => c.userRef === BO)!.breakdown.peerPreference.points).toBe(0);
    expect(low.find(c => c.userRef === ADA)!.breakdown.peerPreference).toMatchObject({ value: 0.5, points: 7.5 });
    expect(() => suggestAssignments(baseInput({ [BO]: { peerPreference: 11 } }), NOW)).toThrow(/peerPreference must be an average from 1 to 10/);
  });
});

describe('suggestAssignments: who is never suggested', () => {
  it('suspended people are never suggested, whatever their fit, and the UI sees why', () => {
    const input = baseInput({ [DEE]: { level: level(5, true), score: 1000, badge: { holds: true }, peerPreference: 10 } });
    const withHistory = {
      ...withUser(input, DEE, [PAYMENTS_GROUP]),
      incidents: [1, 2, 3].map(n => pastIncident(`inc-${n}`, DEE, daysAgo(10 * n), { entities: [{ entityRef: CHECKOUT }], incidentType: 'database' })),
    };
    const result = suggestAssignments(withHistory, NOW);
    expect(result.incidentCommander.map(c => c.userRef)).not.toContain(DEE);
    expect(result.operationsChief?.userRef).not.toBe(DEE);
    expect(result.experts.flatMap(t => t.experts.map(e => e.userRef))).not.toContain(DEE);
    const why = result.excluded.filter(e => e.userRef === DEE);
    expect(why.map(e => e.slot)).toEqual(['incident-commander', 'operations-chief', 'expert']);
    expect(why[0].reasons[0]).toMatch(/^Suspended/);
    expect(why[2].reasons[0]).toMatch(/^Suspended: not flagged as an expert despite a track record \(of type database; involving kafka; involving postgres\)/);
  });

  it.each<[string, 'SEV1' | 'SEV2', boolean, boolean]>([
    ['level 4 on a SEV1: operations chief only', 'SEV1', false, true],
    ['level 4 on a SEV2: commander too', 'SEV2', true, true],
  ])('%s', (_case, severity, commander, chief) => {
    const input = baseInput({ [CY]: { score: 1000 } });
    const result = suggestAssignments({ ...input, incident: { ...input.incident, severity } }, NOW);
    expect(result.incidentCommander.some(c => c.userRef === CY)).toBe(commander);
    if (commander) expect(result.incidentCommander[0].userRef).toBe(CY);
    const exclusion = result.excluded.find(e => e.userRef === CY && e.slot === 'incident-commander');
    if (!commander) expect(exclusion?.reasons).toEqual(['Incident Commander on a SEV1 needs level 5 (Certified MIM); this responder is level 4.']);
    else expect(exclusion).toBeUndefined();
    expect(result.operationsChief?.userRef === CY || result.incidentCommander[0].userRef === CY).toBe(chief);
  });

  it('someone without a level on record is excluded with the reason', () => {
    const result = suggestAssignments(baseInput(), NOW);
    expect(result.excluded.find(e => e.userRef === DEE && e.slot === 'incident-commander')?.reasons).toEqual([
      'No level on record: Incident Commander on a SEV1 needs a level.',
    ]);
  });

  it.each<[string, AssignmentInput['incidents'], string[] | undefined]>([
    ['commanding another open incident', [openIncident('incident-commander')], ["Already commanding inc-9 'Queue backlog'"]],
    ['running operations on another open incident', [openIncident('operations-chief')], ["Already running operations on inc-9 'Queue backlog'"]],
    ['technical lead elsewhere is not busy', [openIncident('technical-lead')], undefined],
    ['the other incident is resolved', [openIncident('incident-commander', { resolvedAt: plus(NOW, -10 * 60_000) })], undefined],
    ['the role was handed over', [openIncident('incident-commander', { roles: [{ role: 'incident-commander', userRef: BO, assignedAt: plus(NOW, -HOUR), releasedAt: plus(NOW, -60_000) }] })], undefined],
    ['the other incident resolves only later', [openIncident('incident-commander', { resolvedAt: plus(NOW, HOUR) })], ["Already commanding inc-9 'Queue backlog'"]],
    ['a role taken after now does not count', [openIncident('incident-commander', { roles: [{ role: 'incident-commander', userRef: BO, assignedAt: plus(NOW, 60_000) }] })], undefined],
  ])('already busy: %s', (_case, incidents, reasons) => {
    const result = suggestAssignments({ ...baseInput(), incidents }, NOW);
    const exclusion = result.excluded.find(e => e.userRef === BO && e.slot === 'incident-commander');
    expect(exclusion?.reasons).toEqual(reasons);
    expect(result.incidentCommander.some(c => c.userRef === BO)).toBe(reasons === undefined);
  });
});

describe('suggestAssignments: the suggestions', () => {
  it('suggests the top N commanders and an operations chief who is not the top commander', () => {
    const input = baseInput({ [ADA]: { score: 900 }, [BO]: { score: 800 }, [CY]: { score: 850 } });
    const result = suggestAssignments(input, NOW);
    expect(result.incidentCommander.map(c => [c.rank, c.userRef])).toEqual([[1, ADA], [2, BO]]);
    expect(result.operationsChief?.userRef).toBe(CY);
    expect(result.excluded.find(e => e.userRef === ADA && e.slot === 'operations-chief')?.reasons[0]).toMatch(/^Suggested as Incident Commander/);
    const one = suggestAssignments(input, NOW, mergeAssignmentConfig({ topN: 1 }));
    expect(one.incidentCommander.map(c => c.userRef)).toEqual([ADA]);
    expect(result.explanation).toMatch(/A suggestion, not an assignment/);
  });

  it('explains every point: the breakdown adds up to the score, with weights', () => {
    const input = { ...withUser(baseInput({ [ADA]: { score: 734, peerPreference: 8.2 } }), ADA, [PAYMENTS_GROUP]) };
    const ada = suggestAssignments(input, NOW).incidentCommander[0];
    const sum = Object.values(ada.breakdown).reduce((s, c) => s + c.points, 0);
    expect(ada.score).toBeCloseTo(sum, 5);
    expect(ada.breakdown.reputation).toEqual({ value: 0.734, weight: 30, points: 22, reasons: ['Reputation score 734 of 1000'] });
    expect(ada.breakdown.busy.weight).toBe(0);
    expect(ada.reasons[0]).toBe('Reputation score 734 of 1000');
    expect(ada.level).toEqual({ level: 5, name: 'Level 5' });
  });

  it('recency: an incident over a year old counts less than a recent one, halving each half-life', () => {
    const input = {
      ...baseInput(),
      incidents: [
        pastIncident('inc-old', ADA, daysAgo(400), { entities: [{ entityRef: CHECKOUT }] }),
        pastIncident('inc-recent', BO, daysAgo(2), { entities: [{ entityRef: CHECKOUT }] }),
      ],
    };
    const [first, second] = suggestAssignments(input, NOW, mergeAssignmentConfig({ expertiseSaturation: 1 })).incidentCommander;
    expect(first.userRef).toBe(BO);
    expect(second.evidence[0].weight / first.evidence[0].weight).toBeCloseTo(Math.pow(0.5, (400 - 2) / 180), 2);
    expect(second.reasons).toContain('Commanded 1 SEV1/SEV2 incident on component:default/checkout-api (1 resolved without reopen or repeat)');
  });

  it.each<[string, Partial<AssignmentInput['incidents'][number]>, 'clean' | 'reopened-or-repeated' | 'unresolved', number]>([
    ['resolved cleanly', {}, 'clean', 1],
    ['reopened', { reopenedAt: daysAgo(8) }, 'reopened-or-repeated', 0.4],
    ['repeated', { repeatLinkedAt: daysAgo(5) }, 'reopened-or-repeated', 0.4],
    ['reopened only after now', { reopenedAt: plus(NOW, DAY) }, 'clean', 1],
    ['still open', { resolvedAt: undefined, roles: [{ role: 'incident-commander', userRef: BO, assignedAt: daysAgo(10), releasedAt: daysAgo(9) }] }, 'unresolved', 0.3],
  ])('outcome: %s', (_case, overrides, outcome, factor) => {
    const input = { ...baseInput(), incidents: [pastIncident('inc-1', BO, daysAgo(10), { entities: [{ entityRef: CHECKOUT }], tech: [], ...overrides })] };
    const bo = suggestAssignments(input, NOW).incidentCommander.find(c => c.userRef === BO)!;
    expect(bo.evidence[0].outcome).toBe(outcome);
    expect(bo.evidence[0].weight).toBeCloseTo(factor * Math.pow(0.5, 10 / 180), 3);
  });

  it('burnout: a flag older than the lookback no longer counts', () => {
    const old = computeWorkload(
      { userRef: BO, pages: Array.from({ length: 7 }, (_, i) => plus('2026-10-19T09:00:00.000Z', i * HOUR)), engagements: [] },
      { from: daysAgo(60), to: NOW },
    );
    const bo = suggestAssignments(baseInput({ [BO]: { workload: old } }), NOW).incidentCommander.find(c => c.userRef === BO)!;
    expect(bo.breakdown.burnout.points).toBe(0);
    const withoutWeeks = suggestAssignments(baseInput({ [BO]: { workload: { ...sevenPagesThisWeek, weeks: [] } } }), NOW).incidentCommander.find(c => c.userRef === BO)!;
    expect(withoutWeeks.breakdown.burnout.reasons).toEqual(['Burnout flag: 7 pages this week, more than 5 (2026-11-16 to 2026-11-23)']);
  });

  it('flags experts per incident type and tech, regardless of level', () => {
    const input = baseInput({ [CY]: { level: level(1) } });
    input.incidents = [
      pastIncident('inc-1', CY, daysAgo(20), { incidentType: 'database', roles: [{ role: 'scribe', userRef: CY, assignedAt: daysAgo(20) }] }),
      pastIncident('inc-2', CY, daysAgo(40), { incidentType: 'database', entities: [{ entityRef: LEDGER }] }),
      pastIncident('inc-3', BO, daysAgo(30), { incidentType: 'network' }),
      pastIncident('inc-4', ADA, daysAgo(30), { incidentType: 'database' }),
    ];
    const result = suggestAssignments(input, NOW);
    expect(result.experts.map(t => `${t.kind}:${t.value}`)).toEqual(['type:database', 'tech:kafka', 'tech:postgres']);
    expect(result.experts[0].experts.map(e => e.userRef)).toEqual([CY]);
    expect(result.experts[0].experts[0].reason).toBe('2 past incidents of type database, 2 resolved without reopen or repeat, the last on 2026-10-31');
    expect(result.experts[2].experts).toEqual([]);
    expect(suggestAssignments(input, NOW, mergeAssignmentConfig({ expertMinIncidents: 1 })).experts[0].experts.map(e => e.userRef)).toEqual([CY, ADA]);
    expect(result.incidentCommander.some(c => c.userRef === CY)).toBe(false);
  });

  it('uses the tech of the affected entities when the incident names none', () => {
    const input = baseInput();
    input.incident = { ...input.incident, tech: ['Redis'], entities: [{ entityRef: CHECKOUT }, { entityRef: BILLING }] };
    expect(suggestAssignments(input, NOW).experts.map(t => t.value)).toEqual(['database', 'redis']);
    input.incident = { ...input.incident, tech: undefined };
    expect(suggestAssignments(input, NOW).experts.map(t => t.value)).toEqual(['database', 'java', 'kafka', 'postgres']);
  });

  it('is deterministic: the same facts in any order give the same suggestions', () => {
    const input = withUser(baseInput({ [ADA]: { score: 700, peerPreference: 7 }, [BO]: { score: 700, peerPreference: 7 }, [CY]: { score: 650 } }), CY, [PAYMENTS_GROUP]);
    input.incidents = [
      pastIncident('inc-1', ADA, daysAgo(30), { entities: [{ entityRef: CHECKOUT }] }),
      pastIncident('inc-2', BO, daysAgo(30), { entities: [{ entityRef: CHECKOUT }] }),
      pastIncident('inc-3', CY, daysAgo(90), { incidentType: 'database' }),
    ];
    const first = suggestAssignments(input, NOW);
    const reversed = suggestAssignments(
      { ...input, users: [...input.users].reverse(), entities: [...input.entities].reverse(), incidents: [...input.incidents].reverse(), reputation: [...input.reputation].reverse() },
      NOW,
    );
    expect(reversed).toEqual(first);
    expect(suggestAssignments(input, NOW)).toEqual(first);
    expect(first.incidentCommander.map(c => c.userRef)).toEqual([ADA, BO]);
    expect(first.incidentCommander[0].score).toBe(first.incidentCommander[1].score);
  });

  it('ignores the target incident and incidents declared after now', () => {
    const input = baseInput();
    input.incidents = [
      pastIncident('inc-new', BO, daysAgo(1), { entities: [{ entityRef: CHECKOUT }] }),
      pastIncident('inc-later', BO, plus(NOW, HOUR), { entities: [{ entityRef: CHECKOUT }] }),
    ];
    expect(suggestAssignments(input, NOW)).toEqual(suggestAssignments(baseInput(), NOW));
  });

  it('uses the default config when none is given', () => {
    expect(suggestAssignments(baseInput(), NOW)).toEqual(suggestAssignments(baseInput(), NOW, DEFAULT_ASSIGNMENT_CONFIG));
  });
});
