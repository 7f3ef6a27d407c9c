import { DEFAULT_REPUTATION_CONFIG } from './config';
import type { LedgerEvent } from './ledger';
import {
  deriveCommunicationQuality,
  deriveEscalationQuality,
  deriveIncidentEvents,
  deriveKnowledgeContribution,
  derivePeerFeedback,
  deriveResolutionQuality,
  deriveResponseSpeed,
  KnowledgeContributionFact,
  ResponderIncidentFacts,
} from './metrics';
import { aggregateFeedback, PeerFeedbackResponse, quarterWindow } from './peerFeedback';
import { ADA, BO, DAY, MINUTE, plus } from './testUtils';

const T0 = '2026-10-01T10:00:00.000Z';
/** `m` minutes after declaration. */
const at = (m: number) => plus(T0, m * MINUTE);
const config = DEFAULT_REPUTATION_CONFIG.derivation;

/** A resolved SEV2 (declared T0, resolved 120 min later, verified) where ADA held no role yet. */
function facts(overrides: Partial<ResponderIncidentFacts> = {}): ResponderIncidentFacts {
  return {
    userRef: ADA,
    incidentId: 'inc-1',
    severity: 'SEV2',
    externalCause: false,
    milestones: { declaredAt: T0, resolvedAt: at(120) },
    roles: [],
    hadCommunicationsLead: false,
    statusUpdates: [],
    escalations: [],
    reopens: [],
    passedMonitoring: true,
    repeats: [],
    ...overrides,
  };
}

const only = (events: LedgerEvent[]) => {
  expect(events).toHaveLength(1);
  return events[0];
};

describe('deriveResponseSpeed', () => {
  // SEV2 response time is 15 minutes: 100 up to 15, 0 from 60.
  it.each<[string, Partial<ResponderIncidentFacts>, number | undefined, string?]>([
    ['role at declaration', { roles: [{ role: 'technical-lead', assignedAt: at(0) }] }, 100, 'role'],
    ['role exactly at the response time', { roles: [{ role: 'technical-lead', assignedAt: at(15) }] }, 100, undefined],
    ['one minute over', { roles: [{ role: 'technical-lead', assignedAt: at(16) }] }, 97.8, undefined],
    ['half way to 4x', { roles: [{ role: 'technical-lead', assignedAt: at(37.5) }] }, 50, undefined],
    ['one minute before 4x', { roles: [{ role: 'technical-lead', assignedAt: at(59) }] }, 2.2, undefined],
    ['exactly 4x', { roles: [{ role: 'technical-lead', assignedAt: at(60) }] }, 0, undefined],
    ['far beyond 4x', { roles: [{ role: 'technical-lead', assignedAt: at(600) }] }, 0, undefined],
    ['SEV1 at its 5 minutes', { severity: 'SEV1', roles: [{ role: 'scribe', assignedAt: at(5) }] }, 100, undefined],
    ['SEV1 at 6 minutes', { severity: 'SEV1', roles: [{ role: 'scribe', assignedAt: at(6) }] }, 93.3, undefined],
    ['SEV2 at 6 minutes', { roles: [{ role: 'scribe', assignedAt: at(6) }] }, 100, undefined],
    ['clock starts at the page', { pagedAt: at(30), roles: [{ role: 'scribe', assignedAt: at(45) }] }, 100, undefined],
    ['page: 16 minutes after it', { pagedAt: at(30), roles: [{ role: 'scribe', assignedAt: at(46) }] }, 97.8, undefined],
    ['engaged before declaration counts as 0 minutes', { roles: [{ role: 'incident-commander', assignedAt: at(-5) }] }, 100, undefined],
    ['first timeline entry before the role', { firstTimelineEntryAt: at(10), roles: [{ role: 'scribe', assignedAt: at(40) }] }, 100, 'timeline'],
    ['first role before the timeline entry', { firstTimelineEntryAt: at(40), roles: [{ role: 'scribe', assignedAt: at(37.5) }] }, 50, 'role'],
    ['earliest of several roles', { roles: [{ role: 'scribe', assignedAt: at(50) }, { role: 'technical-lead', assignedAt: at(5) }] }, 100, undefined],
    ['timeline entry only', { firstTimelineEntryAt: at(37.5) }, 50, 'timeline'],
    ['no role and no entry: no event', {}, undefined, undefined],
  ])('%s', (_case, overrides, value, source) => {
    const events = deriveResponseSpeed(facts(overrides));
    if (value === undefined) {
      expect(events).toEqual([]);
      return;
    }
    const event = only(events);
    expect(event.metric).toBe('responseSpeed');
    expect(event.value).toBe(value);
    if (source) expect(event.source).toBe(source);
  });

  it('uses the configured multiple', () => {
    const event = only(deriveResponseSpeed(facts({ roles: [{ role: 'scribe', assignedAt: at(22.5) }] }), { ...config, responseSpeedZeroAtMultiple: 2 }));
    expect(event.value).toBe(50);
  });

  it('explains the minutes against the severity, dated at engagement', () => {
    const event = only(deriveResponseSpeed(facts({ roles: [{ role: 'scribe', assignedAt: at(37.5) }], externalCause: true })));
    expect(event.reason).toBe(
      'Engaged 38 minutes after declaration, over the 15 minutes a SEV2 asks for; the value falls to 0 at 1 hour. ' +
        'The incident had an external cause, so this can only raise the score.',
    );
    expect(event.occurredAt).toBe(at(37.5));
    expect(event).toMatchObject({ userRef: ADA, incidentId: 'inc-1', severity: 'SEV2', externalCause: true });
  });

  it('refuses an unreadable timestamp naming the field', () => {
    expect(() => deriveResponseSpeed(facts({ roles: [{ role: 'scribe', assignedAt: 'yesterday' }] }))).toThrow(/roles\[0\]\.assignedAt/);
  });
});

describe('deriveResolutionQuality', () => {
  const resolvedAt = at(120);
  const ic = { roles: [{ role: 'incident-commander' as const, assignedAt: at(0) }] };
  it.each<[string, Partial<ResponderIncidentFacts>, number | undefined]>([
    ['commander, verified, held', ic, 100],
    ['technical lead, verified, held', { roles: [{ role: 'technical-lead', assignedAt: at(0) }] }, 100],
    ['scribe only: no event', { roles: [{ role: 'scribe', assignedAt: at(0) }] }, undefined],
    ['not resolved: no event', { ...ic, milestones: { declaredAt: T0 } }, undefined],
    ['reopened exactly 7 days later', { ...ic, reopens: [{ resolvedAt: at(60), reopenedAt: plus(at(60), 7 * DAY) }] }, 50],
    ['reopened 7 days and 1 ms later', { ...ic, reopens: [{ resolvedAt: at(60), reopenedAt: plus(at(60), 7 * DAY + 1) }] }, 100],
    ['reopened twice: counts once', { ...ic, reopens: [{ resolvedAt: at(30), reopenedAt: at(40) }, { resolvedAt: at(60), reopenedAt: at(70) }] }, 50],
    ['repeat declared exactly 180 days after', { ...ic, repeats: [{ incidentId: 'inc-9', declaredAt: plus(resolvedAt, 180 * DAY) }] }, 60],
    ['repeat 180 days and 1 ms after', { ...ic, repeats: [{ incidentId: 'inc-9', declaredAt: plus(resolvedAt, 180 * DAY + 1) }] }, 100],
    ['repeat declared before the resolution is not a repeat of it', { ...ic, repeats: [{ incidentId: 'inc-0', declaredAt: at(-60) }] }, 100],
    ['not verified in monitoring', { ...ic, passedMonitoring: false }, 80],
    ['reopened and repeated', { ...ic, reopens: [{ resolvedAt: at(30), reopenedAt: at(40) }], repeats: [{ incidentId: 'inc-9', declaredAt: plus(resolvedAt, DAY) }] }, 10],
    ['everything wrong: floor 0', { ...ic, passedMonitoring: false, reopens: [{ resolvedAt: at(30), reopenedAt: at(40) }], repeats: [{ incidentId: 'inc-9', declaredAt: plus(resolvedAt, DAY) }] }, 0],
  ])('%s', (_case, overrides, value) => {
    const events = deriveResolutionQuality(facts(overrides));
    if (value === undefined) {
      expect(events).toEqual([]);
      return;
    }
    expect(only(events).value).toBe(value);
  });

  it('is dated at the repeat when a repeat counts, with each penalty in the reason', () => {
    const repeatAt = plus(resolvedAt, 10 * DAY);
    const event = only(
      deriveResolutionQuality(
        facts({ ...ic, passedMonitoring: false, repeats: [{ incidentId: 'inc-9', declaredAt: repeatAt }] }),
      ),
    );
    expect(event.occurredAt).toBe(repeatAt);
    expect(event.source).toBe('repeat');
    expect(event.reason).toBe(
      'Resolved, but the same failure mode came back in inc-9 within 180 days (−40); resolved without passing through monitoring to verify the fix (−20).',
    );
  });

  it('is dated at resolution otherwise and praises a fix that held', () => {
    const event = only(deriveResolutionQuality(facts(ic)));
    expect(event.occurredAt).toBe(resolvedAt);
    expect(event.reason).toBe('Resolved and verified in monitoring; the fix held with no reopen and no repeat.');
  });

  it('uses the configured penalties', () => {
    const event = only(deriveResolutionQuality(facts({ ...ic, passedMonitoring: false }), { ...config, noVerificationPenalty: 5 }));
    expect(event.value).toBe(95);
  });
});

describe('deriveCommunicationQuality', () => {
  // SEV2: an update every 30 minutes; declared at 0, resolved at 120 → windows due at 30, 60, 90 (the one due at 120 is still running).
  const ic = [{ role: 'incident-commander' as const, assignedAt: at(0) }];
  const cl = [{ role: 'communications-lead' as const, assignedAt: at(0) }];
  const updates = (...minutes: number[]) => minutes.map(m => ({ postedAt: at(m), canComplete: true }));
  it.each<[string, Partial<ResponderIncidentFacts>, number | undefined]>([
    ['commander without comms lead, every window met, all CAN', { roles: ic, statusUpdates: updates(30, 60, 90) }, 100],
    ['one window missed', { roles: ic, statusUpdates: updates(30, 60) }, 76.7],
    ['one update without CAN', { roles: ic, statusUpdates: [...updates(30, 60), { postedAt: at(90), canComplete: false }] }, 90],
    ['no update at all', { roles: ic }, 0],
    ['commander when there was a comms lead: no event', { roles: ic, hadCommunicationsLead: true, statusUpdates: updates(30, 60, 90) }, undefined],
    ['comms lead', { roles: cl, hadCommunicationsLead: true, statusUpdates: updates(30, 60, 90) }, 100],
    ['comms lead when no one else was: same rule', { roles: cl, hadCommunicationsLead: true, statusUpdates: updates(30) }, 53.3],
    ['scribe: no event', { roles: [{ role: 'scribe', assignedAt: at(0) }], statusUpdates: updates(30) }, undefined],
    ['assigned at 60: only windows from then count', { roles: [{ role: 'incident-commander', assignedAt: at(60) }], statusUpdates: updates(90) }, 100],
    ['released at 60: later updates do not count', { roles: [{ role: 'incident-commander', assignedAt: at(0), releasedAt: at(60) }], statusUpdates: [...updates(30, 60), { postedAt: at(90), canComplete: false }] }, 100],
    ['resolved inside the first window, one CAN update', { roles: ic, milestones: { declaredAt: T0, resolvedAt: at(20) }, statusUpdates: updates(10) }, 100],
    ['resolved inside the first window, no update: no event', { roles: ic, milestones: { declaredAt: T0, resolvedAt: at(20) } }, undefined],
    ['still open: no event', { roles: ic, milestones: { declaredAt: T0 }, statusUpdates: updates(30) }, undefined],
    ['upgraded to SEV1 at 60: 15-minute windows after, all met', { roles: ic, severityHistory: [{ severity: 'SEV2', from: T0 }, { severity: 'SEV1', from: at(60) }], statusUpdates: updates(30, 60, 75, 90, 105) }, 100],
    ['upgraded to SEV1 at 60: one 15-minute window missed', { roles: ic, severityHistory: [{ severity: 'SEV2', from: T0 }, { severity: 'SEV1', from: at(60) }], statusUpdates: updates(30, 60, 90, 105) }, 86],
  ])('%s', (_case, overrides, value) => {
    const events = deriveCommunicationQuality(facts(overrides));
    if (value === undefined) {
      expect(events).toEqual([]);
      return;
    }
    expect(only(events).value).toBe(value);
  });

  it('explains both parts with their numbers', () => {
    const event = only(deriveCommunicationQuality(facts({ roles: ic, statusUpdates: [...updates(30), { postedAt: at(60), canComplete: false }] })));
    expect(event.reason).toBe(
      'As incident commander without a communications lead: an update went out in 2 of 3 cadence windows (67%); ' +
        '1 of 2 updates had Conditions, Actions and Needs (50%). 70 × 0.67 + 30 × 0.5 = 61.7.',
    );
    expect(event.occurredAt).toBe(at(120));
    expect(event.source).toBe('status-update');
  });
});

describe('deriveEscalationQuality', () => {
  it.each<[string, ResponderIncidentFacts['escalations'], number | undefined]>([
    ['within the trigger window', [{ at: at(10), timing: 'in-window' }], 100],
    ['late', [{ at: at(200), timing: 'late' }], 40],
    ['no trigger, at declaration: reflexive', [{ at: at(0), timing: 'no-trigger' }], 60],
    ['no trigger, exactly 5 minutes in: reflexive', [{ at: at(5), timing: 'no-trigger' }], 60],
    ['no trigger, 5 minutes and 1 second in: judgement call', [{ at: plus(at(5), 1000), timing: 'no-trigger' }], 70],
    ['one in window, one late: average', [{ at: at(10), timing: 'in-window' }, { at: at(200), timing: 'late' }], 70],
    ['no escalation: no event', [], undefined],
  ])('%s', (_case, escalations, value) => {
    const events = deriveEscalationQuality(facts({ escalations }));
    if (value === undefined) {
      expect(events).toEqual([]);
      return;
    }
    expect(only(events).value).toBe(value);
  });

  it('is dated at the last escalation and lists each', () => {
    const event = only(deriveEscalationQuality(facts({ escalations: [{ at: at(200), timing: 'late' }, { at: at(2), timing: 'no-trigger' }] })));
    expect(event.occurredAt).toBe(at(200));
    expect(event.reason).toBe(
      'Escalated 2 times: reflexively, 2 minutes after declaration with no trigger (60); after its trigger window had passed (40); average 50.',
    );
  });
});

describe('deriveIncidentEvents', () => {
  it('derives every incident metric that applies, and only those', () => {
    const events = deriveIncidentEvents(
      facts({
        roles: [{ role: 'incident-commander', assignedAt: at(3) }],
        statusUpdates: [{ postedAt: at(30), canComplete: true }],
        escalations: [{ at: at(10), timing: 'in-window' }],
      }),
    );
    expect(events.map(e => e.metric)).toEqual(['responseSpeed', 'resolutionQuality', 'communicationQuality', 'escalationQuality']);
    expect(deriveIncidentEvents(facts({ roles: [{ role: 'scribe', assignedAt: at(3) }] })).map(e => e.metric)).toEqual(['responseSpeed']);
  });
});

describe('deriveKnowledgeContribution', () => {
  const base = { userRef: ADA, at: T0, subject: 'Checkout DB failover' };
  it.each<[string, Partial<KnowledgeContributionFact>, number | undefined, string?]>([
    ['runbook revision', { kind: 'runbook-revision' }, 1, 'runbook-revision'],
    ['passed drill', { kind: 'drill', drillOutcome: 'passed' }, 2, 'drill'],
    ['partial drill: nothing', { kind: 'drill', drillOutcome: 'partial' }, undefined, undefined],
    ['failed drill: nothing', { kind: 'drill', drillOutcome: 'failed' }, undefined, undefined],
    ['post-mortem written', { kind: 'postmortem-authored' }, 2, 'postmortem'],
    ['post-mortem facilitated', { kind: 'postmortem-facilitated' }, 1.5, 'postmortem'],
    ['action item on time', { kind: 'action-item', completedOnTime: true }, 1, 'action-item'],
    ['action item late: nothing', { kind: 'action-item', completedOnTime: false }, undefined, undefined],
    ['action item not completed: nothing', { kind: 'action-item' }, undefined, undefined],
    ['mentoring a newer responder', { kind: 'mentoring', mentoredUserRef: BO }, 2, 'mentoring'],
    ['mentoring nobody: nothing', { kind: 'mentoring' }, undefined, undefined],
    ['mentoring oneself: nothing', { kind: 'mentoring', mentoredUserRef: ADA }, undefined, undefined],
  ])('%s', (_case, overrides, weight, source) => {
    const events = deriveKnowledgeContribution([{ ...base, kind: 'runbook-revision', ...overrides }]);
    if (weight === undefined) {
      expect(events).toEqual([]);
      return;
    }
    const event = only(events);
    expect(event).toMatchObject({ metric: 'knowledgeContribution', value: 100, weight, source, externalCause: false });
    expect(event.incidentId).toBeUndefined();
    expect(event.severity).toBeUndefined();
  });

  it('takes weights from config', () => {
    const event = only(
      deriveKnowledgeContribution([{ ...base, kind: 'runbook-revision' }], { ...config, knowledgeWeights: { ...config.knowledgeWeights, 'runbook-revision': 0.5 } }),
    );
    expect(event.weight).toBe(0.5);
    expect(event.reason).toBe('Revised the runbook "Checkout DB failover".');
  });
});

describe('derivePeerFeedback', () => {
  const window = quarterWindow(ADA, '2026-08-01T00:00:00Z');
  const now = '2026-12-01T00:00:00Z';
  const answer = (raterRef: string, n: number): PeerFeedbackResponse => ({
    incidentId: 'inc-1',
    subjectRef: ADA,
    raterRef,
    incidentAt: '2026-08-10T00:00:00Z',
    answers: { clearAndCalm: n, helpedResolution: n, primaryContact: n },
  });
  const raters = ['user:default/a', 'user:default/b', 'user:default/c'];
  it.each<[number, number]>([
    [1, 0],
    [5.5, 50],
    [8, 77.8],
    [10, 100],
  ])('average %s -> %s', (average, value) => {
    const responses = average === 5.5 ? [answer(raters[0], 5), answer(raters[1], 6), answer(raters[2], 5), answer('user:default/d', 6)] : raters.map(r => answer(r, average));
    const aggregate = aggregateFeedback(responses, window, { now });
    const event = only(derivePeerFeedback(ADA, aggregate));
    expect(event).toMatchObject({ metric: 'peerFeedback', value, source: 'survey', weight: 4, occurredAt: window.to });
    expect(event.incidentId).toBeUndefined();
  });

  it('gives no event for a suppressed aggregate', () => {
    const aggregate = aggregateFeedback(raters.slice(0, 2).map(r => answer(r, 10)), window, { now });
    expect(aggregate.suppressed).toBe(true);
    expect(derivePeerFeedback(ADA, aggregate)).toEqual([]);
  });
});
