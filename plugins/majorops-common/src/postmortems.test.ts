import type { z } from 'zod';
import {
  ActionItemState,
  actionItemDueAt,
  actionItemFollowThrough,
  actionItemState,
  adherenceCountsAgainst,
  blamelessWordingHints,
  canTransitionPostmortem,
  createActionItemSchema,
  DEFAULT_POSTMORTEM_DEADLINE_HOURS,
  DEFAULT_REPEAT_WINDOW_DAYS,
  editedTimelineRows,
  findRepeatCandidates,
  linkRepeatSchema,
  MAX_POSTMORTEM_LIST_ITEMS,
  MAX_POSTMORTEM_SECTION_LENGTH,
  MAX_POSTMORTEM_TIMELINE_ROWS,
  missingPostmortemSections,
  normalizeFailureMode,
  PostmortemDeadline,
  PostmortemDeadlineState,
  postmortemDeadline,
  postmortemFollowThrough,
  postmortemRequirement,
  PostmortemStatus,
  postmortemText,
  postmortemTimelineFromEvents,
  postmortemTransitionProblem,
  putPostmortemSchema,
  RepeatCandidateInput,
  repeatCallout,
  repeatRate,
  RunbookAdherence,
  runbookUsageSchema,
  updateActionItemSchema,
} from './postmortems';
import type { Severity } from './severity';
import type { TimelineEvent, TimelineEventType } from './timeline';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const RESOLVED = '2026-11-20T14:30:00.000Z';

/** The moment `ms` milliseconds after `iso`. */
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

/** The messages of a failed parse; throws when the value was accepted. */
function messagesOf(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  if (result.success) {
    throw new Error(`expected ${JSON.stringify(value)} to be refused, got ${JSON.stringify(result.data)}`);
  }
  return result.error.issues.map(i => i.message);
}

type Content = Parameters<typeof missingPostmortemSections>[0];

/** A full post-mortem with every section filled. */
function filledContent(overrides: Partial<Content> = {}): Content {
  return {
    kind: 'full',
    executiveSummary: 'Checkout failed for 16 minutes after a config deploy.',
    impact: { usersAffected: '~12% of EU checkouts', revenueImpact: 'N/A' },
    timeline: [{ at: RESOLVED, text: 'Resolved' }],
    whatHappened: 'A config push set the pool size to 0.',
    contributingFactors: {
      immediate: 'Pool size 0 in the pushed config',
      underlying: 'No validation of config values',
      systemic: 'Config changes skip the canary',
    },
    fiveWhys: ['Why 1', 'Why 2'],
    wentWell: ['Rollback was quick'],
    wentPoorly: ['Alert fired late'],
    lessonsLearned: 'Validate config before it ships.',
    ...overrides,
  };
}

describe('postmortemRequirement', () => {
  it.each<[Severity, boolean | undefined, 'full' | 'summary', boolean, RegExp]>([
    // [severity, isRepeat, kind, required, explanation]
    ['SEV1', undefined, 'full', true, /^SEV1 incidents need a full post-mortem/],
    ['SEV1', true, 'full', true, /^SEV1 incidents need a full post-mortem/],
    ['SEV2', false, 'full', true, /^SEV2 incidents need a full post-mortem/],
    ['SEV3', undefined, 'summary', false, /summary is enough for a SEV3/],
    ['SEV3', false, 'summary', false, /summary is enough for a SEV3/],
    ['SEV3', true, 'full', true, /SEV3 that repeats an earlier failure mode/],
    ['SEV4', false, 'summary', false, /summary is enough for a SEV4/],
    ['SEV4', true, 'full', true, /SEV4 that repeats an earlier failure mode/],
  ])('%s, repeat %s: %s, required %s', (severity, isRepeat, kind, required, explanation) => {
    const requirement = postmortemRequirement({ severity, isRepeat });
    expect(requirement.kind).toBe(kind);
    expect(requirement.required).toBe(required);
    expect(requirement.explanation).toMatch(explanation);
  });
});

describe('postmortemDeadline', () => {
  const due = plus(RESOLVED, 48 * HOUR);

  it('keeps the 48 hours of the seed', () => {
    expect(DEFAULT_POSTMORTEM_DEADLINE_HOURS).toBe(48);
    expect(due).toBe('2026-11-22T14:30:00.000Z');
  });

  it.each<[string, Parameters<typeof postmortemDeadline>[0], PostmortemDeadlineState, string | undefined, number | undefined]>([
    // [case, input, state, dueAt, hours]
    ['not required', { required: false, resolvedAt: RESOLVED, now: plus(RESOLVED, 100 * DAY) }, 'not-required', undefined, undefined],
    ['not required even when finalized late', { required: false, resolvedAt: RESOLVED, finalizedAt: plus(due, DAY), now: plus(due, DAY) }, 'not-required', undefined, undefined],
    ['incident still open', { required: true, now: RESOLVED }, 'incident-open', undefined, undefined],
    ['just resolved: 48 h left', { required: true, resolvedAt: RESOLVED, now: RESOLVED }, 'due', due, 48],
    ['1 ms after resolution: 47 whole hours left', { required: true, resolvedAt: RESOLVED, now: plus(RESOLVED, 1) }, 'due', due, 47],
    ['1 ms before the deadline: 0 h left', { required: true, resolvedAt: RESOLVED, now: plus(due, -1) }, 'due', due, 0],
    ['exactly at the deadline: still due', { required: true, resolvedAt: RESOLVED, now: due }, 'due', due, 0],
    ['1 ms after the deadline: overdue by 1 h', { required: true, resolvedAt: RESOLVED, now: plus(due, 1) }, 'overdue', due, 1],
    ['exactly 1 h after: overdue by 1 h', { required: true, resolvedAt: RESOLVED, now: plus(due, HOUR) }, 'overdue', due, 1],
    ['1 h 1 ms after: overdue by 2 h', { required: true, resolvedAt: RESOLVED, now: plus(due, HOUR + 1) }, 'overdue', due, 2],
    ['final exactly at the deadline: met', { required: true, resolvedAt: RESOLVED, finalizedAt: due, now: plus(due, DAY) }, 'met', due, undefined],
    ['final 1 ms after the deadline: late by 1 h', { required: true, resolvedAt: RESOLVED, finalizedAt: plus(due, 1), now: plus(due, DAY) }, 'late', due, 1],
    ['final 5 h after: late by 5 h', { required: true, resolvedAt: RESOLVED, finalizedAt: plus(due, 5 * HOUR), now: plus(due, DAY) }, 'late', due, 5],
    ['final early, now long past: met (the clock stopped)', { required: true, resolvedAt: RESOLVED, finalizedAt: plus(RESOLVED, HOUR), now: plus(due, 30 * DAY) }, 'met', due, undefined],
    ['final with a zone offset, same instant as the deadline', { required: true, resolvedAt: RESOLVED, finalizedAt: '2026-11-22T16:30:00+02:00', now: plus(due, DAY) }, 'met', due, undefined],
    ['custom 24 h: 1 ms after', { required: true, resolvedAt: RESOLVED, now: plus(RESOLVED, 24 * HOUR + 1), deadlineHours: 24 }, 'overdue', plus(RESOLVED, 24 * HOUR), 1],
    ['custom 72 h: 48 h + 1 ms is still due', { required: true, resolvedAt: RESOLVED, now: plus(due, 1), deadlineHours: 72 }, 'due', plus(RESOLVED, 72 * HOUR), 23],
  ])('%s', (_case, input, state, dueAt, hours) => {
    const deadline = postmortemDeadline(input);
    expect(deadline.state).toBe(state);
    expect(deadline.dueAt).toBe(dueAt);
    expect(deadline.hours).toBe(hours);
  });

  it('explains each state with its numbers', () => {
    expect(postmortemDeadline({ required: false, now: RESOLVED }).explanation).toMatch(/summary is enough/);
    expect(postmortemDeadline({ required: true, now: RESOLVED }).explanation).toBe('Due 48 hours after the incident is resolved.');
    expect(postmortemDeadline({ required: true, resolvedAt: RESOLVED, now: plus(RESOLVED, 10 * HOUR) }).explanation).toBe(
      '38 h left to make it final.',
    );
    expect(postmortemDeadline({ required: true, resolvedAt: RESOLVED, now: plus(due, 3 * HOUR) }).explanation).toBe(
      'Overdue by 3 h: it had to be final 48 hours after resolution.',
    );
    expect(postmortemDeadline({ required: true, resolvedAt: RESOLVED, finalizedAt: plus(due, 2 * HOUR), now: due }).explanation).toBe(
      'Final 2 h after the 48-hour deadline.',
    );
    expect(postmortemDeadline({ required: true, resolvedAt: RESOLVED, finalizedAt: due, now: due, deadlineHours: 24 }).explanation).toBe(
      'Final 24 h after the 24-hour deadline.',
    );
  });
});

describe('canTransitionPostmortem and postmortemTransitionProblem', () => {
  const missing = missingPostmortemSections(filledContent({ lessonsLearned: '' }), 0);

  it.each<[PostmortemStatus, PostmortemStatus, boolean]>([
    ['draft', 'draft', true],
    ['draft', 'review', true],
    ['draft', 'final', false],
    ['review', 'draft', true],
    ['review', 'review', true],
    ['review', 'final', true],
    ['final', 'review', true],
    ['final', 'final', true],
    ['final', 'draft', false],
  ])('%s -> %s allowed: %s', (from, to, allowed) => {
    expect(canTransitionPostmortem(from, to)).toBe(allowed);
    // With nothing missing, the problem is exactly the refusal of the workflow.
    expect(postmortemTransitionProblem(from, to, []) === undefined).toBe(allowed);
  });

  it.each<[PostmortemStatus, PostmortemStatus, string]>([
    ['draft', 'final', 'A draft post-mortem cannot become final; from draft it can become review.'],
    ['final', 'draft', 'A final post-mortem cannot become draft; from final it can become review.'],
  ])('refuses %s -> %s by the workflow, before looking at sections', (from, to, message) => {
    expect(postmortemTransitionProblem(from, to, missing)).toBe(message);
  });

  it.each<[PostmortemStatus, PostmortemStatus, string | undefined]>([
    ['draft', 'review', 'Fill in Lessons learned, At least one action item before moving the post-mortem to review.'],
    ['review', 'final', 'Fill in Lessons learned, At least one action item before moving the post-mortem to final.'],
    ['final', 'review', 'Fill in Lessons learned, At least one action item before moving the post-mortem to review.'],
    ['review', 'draft', undefined],
    ['draft', 'draft', undefined],
    ['review', 'review', 'Fill in Lessons learned, At least one action item: a post-mortem in review keeps every section filled.'],
    ['final', 'final', 'Fill in Lessons learned, At least one action item: a post-mortem in final keeps every section filled.'],
  ])('with sections missing, %s -> %s: %s', (from, to, message) => {
    expect(missing.map(m => m.field)).toEqual(['lessonsLearned', 'actionItems']);
    expect(postmortemTransitionProblem(from, to, missing)).toBe(message);
  });
});

describe('missingPostmortemSections', () => {
  it.each<[string, Content, number, string[]]>([
    // [case, content, action items, missing fields]
    ['full, all filled, one action item', filledContent(), 1, []],
    ['full, all filled, no action item', filledContent(), 0, ['actionItems']],
    ['full, empty template', filledContent({
      executiveSummary: '',
      impact: { usersAffected: '', revenueImpact: '' },
      timeline: [],
      whatHappened: '',
      contributingFactors: { immediate: '', underlying: '', systemic: '' },
      fiveWhys: [],
      wentWell: [],
      wentPoorly: [],
      lessonsLearned: '',
    }), 0, [
      'executiveSummary',
      'contributingFactors.immediate',
      'impact.usersAffected',
      'timeline',
      'whatHappened',
      'contributingFactors.underlying',
      'contributingFactors.systemic',
      'fiveWhys',
      'wentWell',
      'wentPoorly',
      'lessonsLearned',
      'actionItems',
    ]],
    ['whitespace-only counts as empty', filledContent({ executiveSummary: '  \n\t ', whatHappened: ' ' }), 2, ['executiveSummary', 'whatHappened']],
    ['lists of blank entries count as empty', filledContent({ fiveWhys: ['', '  '], wentWell: [' '], wentPoorly: [''] }), 1, ['fiveWhys', 'wentWell', 'wentPoorly']],
    ['one filled entry among blanks is enough', filledContent({ fiveWhys: ['', 'root'] }), 1, []],
    ['revenue impact is not required', filledContent({ impact: { usersAffected: 'all', revenueImpact: '' } }), 1, []],
    ['summary: only summary and immediate cause', filledContent({
      kind: 'summary',
      impact: { usersAffected: '', revenueImpact: '' },
      timeline: [],
      whatHappened: '',
      contributingFactors: { immediate: 'bad config', underlying: '', systemic: '' },
      fiveWhys: [],
      wentWell: [],
      wentPoorly: [],
      lessonsLearned: '',
    }), 0, []],
    ['summary missing both', filledContent({ kind: 'summary', executiveSummary: '', contributingFactors: { immediate: ' ', underlying: 'x', systemic: 'y' } }), 5, [
      'executiveSummary',
      'contributingFactors.immediate',
    ]],
  ])('%s', (_case, content, actionItems, fields) => {
    expect(missingPostmortemSections(content, actionItems).map(m => m.field)).toEqual(fields);
  });

  it('labels each section as the template does', () => {
    const labels = missingPostmortemSections(filledContent({ executiveSummary: '', fiveWhys: [] }), 0).map(m => m.label);
    expect(labels).toEqual(['Executive summary', '5 whys', 'At least one action item']);
  });
});

describe('blamelessWordingHints', () => {
  it.each<[string, string[]]>([
    // [text, phrases found]
    ['The deploy pipeline allowed a config with pool size 0.', []],
    ['This was human error.', ['human error']],
    ['Human Error, plain and simple', ['Human Error']],
    ['The on-call should have checked the dashboard.', ['should have']],
    ['A careless change', ['careless']],
    ['Carelessness in review', ['Carelessness']],
    ['negligent and sloppy', ['negligent']],
    ['pure negligence', ['negligence']],
    ['It was his fault.', ['fault']],
    ['The DBA is to blame.', ['to blame']],
    ['Ops blamed the network.', ['blamed']],
    ['Nobody blames anyone.', ['blames']],
    ['The engineer failed to notice the alert.', ['failed to']],
    ['Someone forgot to renew the certificate.', ['forgot']],
    ['Jane forgot; it was human error and she should have known.', ['human error', 'should have', 'forgot']],
    // Whole words only: no hint inside longer words.
    ['The default timeout was too short.', []],
    ['A blameless review of the faultless failover.', []],
    ['The certificate was forgotten by the renewal job.', []],
    ['Shoulder-surfing was not a factor; humane errors are fine.', []],
    ['', []],
  ])('%j -> %j', (text, phrases) => {
    const hints = blamelessWordingHints(text);
    expect(hints.map(h => h.phrase)).toEqual(phrases);
    for (const hint of hints) expect(hint.suggestion.length).toBeGreaterThan(0);
  });

  it('reports each kind of phrase once, with its own suggestion', () => {
    const hints = blamelessWordingHints('human error, then human error again; at fault and to blame');
    expect(hints.map(h => h.phrase)).toEqual(['human error', 'fault']);
    expect(new Set(hints.map(h => h.suggestion)).size).toBe(2);
  });

  it('gives the same answer on repeated calls (no regex state kept between texts)', () => {
    const text = 'She forgot the step.';
    expect(blamelessWordingHints(text)).toEqual(blamelessWordingHints(text));
    expect(blamelessWordingHints(text)).toHaveLength(1);
  });

  it('finds phrases in any free-text field through postmortemText', () => {
    const content = filledContent({
      fiveWhys: ['Why? The operator forgot the flag.'],
      timeline: [{ at: RESOLVED, text: 'Blamed the CDN at first' }],
    });
    const text = postmortemText(content);
    for (const part of [
      content.executiveSummary,
      content.whatHappened,
      content.contributingFactors.immediate,
      content.contributingFactors.underlying,
      content.contributingFactors.systemic,
      content.wentWell[0],
      content.wentPoorly[0],
      content.lessonsLearned,
    ]) {
      expect(text).toContain(part);
    }
    expect(blamelessWordingHints(text).map(h => h.phrase)).toEqual(['Blamed', 'forgot']);
    // Fields are joined by newlines, so words of two fields never run together.
    expect(postmortemText(filledContent({ executiveSummary: 'should', whatHappened: 'have' }))).toContain('should\nhave');
  });
});

describe('postmortemTimelineFromEvents and editedTimelineRows', () => {
  const event = (id: string, type: TimelineEventType, occurredAt: string, text = `${type} ${id}`): TimelineEvent => ({
    id,
    incidentId: 'inc-1',
    type,
    occurredAt,
    actorRef: 'user:default/jane',
    body: { text },
  });
  const t0 = '2026-11-20T14:00:00.000Z';

  it.each<[string, TimelineEvent[], string[]]>([
    // [case, events, source ids in order]
    ['empty', [], []],
    ['sorted by time, not by input order', [event('3', 'note', plus(t0, 2000)), event('1', 'declared', t0), event('2', 'action', plus(t0, 1000))], ['1', '2', '3']],
    ['same instant: by numeric id (9 before 10)', [event('10', 'note', t0), event('9', 'decision', t0), event('11', 'action', t0)], ['9', '10', '11']],
    ['zone offsets compare as instants', [event('1', 'note', '2026-11-20T15:30:00+01:00'), event('2', 'note', '2026-11-20T14:15:00Z')], ['2', '1']],
    ['field edits and released roles are left out', [
      event('1', 'declared', t0),
      event('2', 'field-change', plus(t0, 1)),
      event('3', 'role-released', plus(t0, 2)),
      event('4', 'role-assigned', plus(t0, 3)),
    ], ['1', '4']],
    ['every other kind is kept', ([
      'declared', 'status-change', 'severity-change', 'role-assigned', 'note', 'action', 'decision',
      'status-update', 'hypothesis-opened', 'hypothesis-resolved', 'escalation',
    ] as TimelineEventType[]).map((type, i) => event(String(i + 1), type, plus(t0, i))), ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']],
  ])('%s', (_case, events, ids) => {
    const before = JSON.stringify(events);
    const rows = postmortemTimelineFromEvents(events);
    expect(rows.map(r => r.sourceEventId)).toEqual(ids);
    for (const row of rows) {
      const source = events.find(e => e.id === row.sourceEventId)!;
      expect(row).toEqual({ at: source.occurredAt, text: source.body.text, sourceEventId: source.id });
    }
    // The incident's own timeline is never changed, nor reordered.
    expect(JSON.stringify(events)).toBe(before);
    // Freshly generated rows are never marked as edited.
    expect(editedTimelineRows(rows, events).size).toBe(0);
  });

  const events = [event('1', 'declared', t0, 'Declared SEV2'), event('2', 'action', plus(t0, HOUR), 'Rolled back')];

  it.each<[string, Array<{ at: string; text: string; sourceEventId?: string }>, string[]]>([
    // [case, rows, edited ids]
    ['untouched', [{ at: t0, text: 'Declared SEV2', sourceEventId: '1' }], []],
    ['same instant written with an offset is not an edit', [{ at: '2026-11-20T16:00:00+02:00', text: 'Declared SEV2', sourceEventId: '1' }], []],
    ['text changed', [{ at: t0, text: 'Declared SEV2 (paged DBA)', sourceEventId: '1' }], ['1']],
    ['time moved by 1 ms', [{ at: plus(t0, HOUR + 1), text: 'Rolled back', sourceEventId: '2' }], ['2']],
    ['source event unknown', [{ at: t0, text: 'Declared SEV2', sourceEventId: '99' }], ['99']],
    ['rows added by hand are not generated rows', [{ at: t0, text: 'Customer emailed support' }], []],
    ['a mix', [
      { at: t0, text: 'Declared SEV2', sourceEventId: '1' },
      { at: plus(t0, 5), text: 'Manual row' },
      { at: plus(t0, HOUR), text: 'Rolled back v42', sourceEventId: '2' },
    ], ['2']],
  ])('edited rows: %s', (_case, rows, ids) => {
    expect([...editedTimelineRows(rows, events)]).toEqual(ids);
  });
});

describe('putPostmortemSchema', () => {
  it('fills an empty body with an empty organization-wide draft', () => {
    expect(putPostmortemSchema.parse({})).toEqual({
      status: 'draft',
      executiveSummary: '',
      impact: { usersAffected: '', revenueImpact: '' },
      whatHappened: '',
      contributingFactors: { immediate: '', underlying: '', systemic: '' },
      fiveWhys: [],
      wentWell: [],
      wentPoorly: [],
      lessonsLearned: '',
      failureModes: [],
      visibility: 'organization',
      visibleToGroups: [],
    });
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    // [case, body, expected subset of the parsed body]
    ['text is trimmed', { executiveSummary: '  Checkout down  \n' }, { executiveSummary: 'Checkout down' }],
    ['failure modes lower-cased and dashed', { failureModes: ['Config Deploy', 'connection_pool  exhaustion', 'dns/ttl'] }, { failureModes: ['config-deploy', 'connection-pool-exhaustion', 'dns/ttl'] }],
    ['failure modes de-duplicated after normalising', { failureModes: ['config-deploy', ' CONFIG DEPLOY ', 'config_deploy'] }, { failureModes: ['config-deploy'] }],
    ['empty list entries dropped', { wentWell: ['', '  ', 'Rollback was quick'], fiveWhys: [' a ', ''] }, { wentWell: ['Rollback was quick'], fiveWhys: ['a'] }],
    ['groups normalised and de-duplicated', { visibility: 'restricted', visibleToGroups: ['group:sre', 'Group:default/SRE', 'group:security'] }, { visibleToGroups: ['group:default/sre', 'group:default/security'] }],
    ['restricted with a group', { visibility: 'restricted', visibleToGroups: ['group:default/legal'] }, { visibility: 'restricted' }],
    ['timeline timestamps normalised to UTC', { timeline: [{ at: '2026-11-20T16:30:00+02:00', text: ' Resolved ', sourceEventId: '7' }] }, { timeline: [{ at: '2026-11-20T14:30:00.000Z', text: 'Resolved', sourceEventId: '7' }] }],
    ['facilitator is a user ref', { facilitatorRef: 'user:jane' }, { facilitatorRef: 'user:default/jane' }],
    ['facilitator can be cleared', { facilitatorRef: null }, { facilitatorRef: null }],
    ['status and version', { status: 'review', version: 3, kind: 'summary' }, { status: 'review', version: 3, kind: 'summary' }],
    ['SLO budget may be overspent', { impact: { usersAffected: 'all', revenueImpact: 'N/A', sloBudgetConsumedPercent: 250, supportTickets: 0 } }, { impact: { usersAffected: 'all', revenueImpact: 'N/A', sloBudgetConsumedPercent: 250, supportTickets: 0 } }],
    ['a section exactly at the limit', { lessonsLearned: 'x'.repeat(MAX_POSTMORTEM_SECTION_LENGTH) }, { lessonsLearned: 'x'.repeat(MAX_POSTMORTEM_SECTION_LENGTH) }],
    ['a failure mode of exactly 64 characters', { failureModes: ['a'.repeat(64)] }, { failureModes: ['a'.repeat(64)] }],
  ])('accepts %s', (_case, body, expected) => {
    expect(putPostmortemSchema.parse(body)).toMatchObject(expected);
  });

  it.each<[string, Record<string, unknown>, string]>([
    // [case, body, message]
    ['unknown status', { status: 'published' }, 'status must be one of draft, review, final'],
    ['unknown kind', { kind: 'long' }, 'kind must be one of full, summary'],
    ['unknown visibility', { visibility: 'public' }, 'visibility must be one of organization, restricted'],
    ['restricted without groups', { visibility: 'restricted' }, 'a restricted post-mortem must name at least one group in visibleToGroups'],
    ['restricted with an empty group list', { visibility: 'restricted', visibleToGroups: [] }, 'a restricted post-mortem must name at least one group in visibleToGroups'],
    ['groups with organization visibility', { visibility: 'organization', visibleToGroups: ['group:default/sre'] }, 'visibleToGroups only applies to a restricted post-mortem; set visibility to restricted or leave it empty'],
    ['groups without visibility (defaults to organization)', { visibleToGroups: ['group:default/sre'] }, 'visibleToGroups only applies to a restricted post-mortem; set visibility to restricted or leave it empty'],
    ['a user among the groups', { visibility: 'restricted', visibleToGroups: ['user:default/jane'] }, '"user:default/jane" is not a group entity ref'],
    ['more than 20 groups', { visibility: 'restricted', visibleToGroups: Array.from({ length: 21 }, (_, i) => `group:default/g${i}`) }, 'at most 20 groups'],
    ['facilitator is a group', { facilitatorRef: 'group:default/sre' }, '"group:default/sre" is not a user entity ref'],
    ['oversized section', { whatHappened: 'x'.repeat(MAX_POSTMORTEM_SECTION_LENGTH + 1) }, `whatHappened is longer than ${MAX_POSTMORTEM_SECTION_LENGTH} characters`],
    ['oversized users affected', { impact: { usersAffected: 'x'.repeat(501) } }, 'impact.usersAffected is at most 500 characters'],
    ['oversized list entry', { wentPoorly: ['x'.repeat(2001)] }, 'each entry of wentPoorly is at most 2000 characters'],
    ['too many list entries', { wentWell: Array.from({ length: MAX_POSTMORTEM_LIST_ITEMS + 1 }, (_, i) => `item ${i}`) }, `wentWell has more than ${MAX_POSTMORTEM_LIST_ITEMS} entries`],
    ['more than 10 whys', { fiveWhys: Array.from({ length: 11 }, (_, i) => `why ${i}`) }, 'fiveWhys has more than 10 entries'],
    ['a list that is not a list', { wentWell: 'Rollback was quick' }, 'wentWell must be an array of strings'],
    ['a section that is not a string', { lessonsLearned: 42 }, 'lessonsLearned must be a string'],
    ['empty failure mode', { failureModes: ['  '] }, 'a failure mode cannot be empty'],
    ['failure mode too long', { failureModes: ['a'.repeat(65)] }, 'a failure mode is at most 64 characters'],
    ['failure mode with other characters', { failureModes: ['pool: exhausted!'] }, 'a failure mode is letters, digits, spaces and - _ . /'],
    ['failure mode starting with a dash', { failureModes: ['-config'] }, 'a failure mode is letters, digits, spaces and - _ . /'],
    ['more than 10 failure modes', { failureModes: Array.from({ length: 11 }, (_, i) => `mode-${i}`) }, 'at most 10 failure modes'],
    ['negative SLO budget', { impact: { sloBudgetConsumedPercent: -1 } }, 'impact.sloBudgetConsumedPercent cannot be negative'],
    ['fractional support tickets', { impact: { supportTickets: 2.5 } }, 'impact.supportTickets must be a whole number'],
    ['unknown impact field', { impact: { cost: 5 } }, 'Unrecognized key: "cost"'],
    ['timeline row without text', { timeline: [{ at: RESOLVED, text: '   ' }] }, 'a timeline row needs text'],
    ['timeline row with a bad time', { timeline: [{ at: '2026-02-30T10:00:00Z', text: 'x' }] }, '"2026-02-30T10:00:00Z" is not a valid ISO-8601 timestamp with a time zone, e.g. 2026-11-23T10:00:00Z'],
    ['too many timeline rows', { timeline: Array.from({ length: MAX_POSTMORTEM_TIMELINE_ROWS + 1 }, () => ({ at: RESOLVED, text: 'x' })) }, `timeline has more than ${MAX_POSTMORTEM_TIMELINE_ROWS} rows`],
    ['version 0', { version: 0 }, 'version must be at least 1'],
    ['fractional version', { version: 1.5 }, 'version must be a whole number'],
    ['an author in the body', { authorRef: 'user:default/mallory' }, 'Unrecognized key: "authorRef"'],
  ])('refuses %s', (_case, body, message) => {
    expect(messagesOf(putPostmortemSchema, body)).toContain(message);
  });
});

describe('actionItemDueAt', () => {
  it.each<[string, string]>([
    ['2026-11-23', '2026-11-23T23:59:59.999Z'],
    ['2026-12-31', '2026-12-31T23:59:59.999Z'],
    ['2028-02-29', '2028-02-29T23:59:59.999Z'],
    ['2026-03-29', '2026-03-29T23:59:59.999Z'], // European DST change: UTC has none
  ])('%s is due until %s', (dueDate, dueAt) => {
    expect(actionItemDueAt(dueDate)).toBe(dueAt);
    // The next UTC day starts 1 ms later.
    expect(plus(dueAt, 1).slice(0, 10)).not.toBe(dueDate);
    expect(plus(dueAt, 1).endsWith('T00:00:00.000Z')).toBe(true);
  });
});

describe('actionItemState', () => {
  const endOfDay = '2026-11-23T23:59:59.999Z';
  const nextDay = '2026-11-24T00:00:00.000Z';

  it.each<[string, Parameters<typeof actionItemState>[0], string, ActionItemState]>([
    // [case, item, now, state]
    ['open, due later', { status: 'not-started', dueDate: '2026-11-23' }, '2026-11-20T10:00:00Z', 'open'],
    ['open on the due day', { status: 'in-progress', dueDate: '2026-11-23' }, '2026-11-23T00:00:00Z', 'open'],
    ['open at the last ms of the due day', { status: 'in-progress', dueDate: '2026-11-23' }, endOfDay, 'open'],
    ['overdue at the first ms of the next day', { status: 'in-progress', dueDate: '2026-11-23' }, nextDay, 'overdue'],
    ['late evening in New York is already the next UTC day', { status: 'not-started', dueDate: '2026-11-23' }, '2026-11-23T19:30:00-05:00', 'overdue'],
    ['done at the last ms of the due day', { status: 'done', dueDate: '2026-11-23', completedAt: endOfDay }, nextDay, 'done-on-time'],
    ['done at the first ms of the next day', { status: 'done', dueDate: '2026-11-23', completedAt: nextDay }, nextDay, 'done-late'],
    ['done with an offset, before the UTC end of day', { status: 'done', dueDate: '2026-11-23', completedAt: '2026-11-24T00:30:00+01:00' }, nextDay, 'done-on-time'],
    ['done early, judged before the due day', { status: 'done', dueDate: '2026-11-23', completedAt: '2026-11-01T10:00:00Z' }, '2026-11-02T00:00:00Z', 'done-on-time'],
    ['done without a completion time', { status: 'done', dueDate: '2026-11-23' }, '2027-01-01T00:00:00Z', 'done-on-time'],
    ['cancelled after its due day', { status: 'cancelled', dueDate: '2026-11-23' }, '2027-01-01T00:00:00Z', 'cancelled'],
    ['cancelled before its due day', { status: 'cancelled', dueDate: '2026-11-23', completedAt: nextDay }, '2026-11-01T00:00:00Z', 'cancelled'],
    ['leap day due date', { status: 'not-started', dueDate: '2028-02-29' }, '2028-03-01T00:00:00Z', 'overdue'],
  ])('%s', (_case, item, now, state) => {
    expect(actionItemState(item, now)).toBe(state);
  });
});

describe('actionItemFollowThrough', () => {
  const NOW = '2026-11-23T12:00:00.000Z';
  type Item = Parameters<typeof actionItemFollowThrough>[0][number];
  const onTime: Item = { status: 'done', dueDate: '2026-11-20', completedAt: '2026-11-19T10:00:00Z' };
  const doneEarly: Item = { status: 'done', dueDate: '2026-12-31', completedAt: '2026-11-22T10:00:00Z' };
  const late: Item = { status: 'done', dueDate: '2026-11-20', completedAt: '2026-11-21T00:00:00Z' };
  const overdue: Item = { status: 'in-progress', dueDate: '2026-11-22' };
  const open: Item = { status: 'not-started', dueDate: '2026-11-23' };
  const cancelled: Item = { status: 'cancelled', dueDate: '2026-11-01' };

  it.each<[string, Item[], [number, number, number, number, number], number | undefined]>([
    // [case, items, [judged, doneOnTime, doneLate, overdue, open], onTimePercent]
    ['nothing', [], [0, 0, 0, 0, 0], undefined],
    ['only open and cancelled: nothing to judge', [open, cancelled, open], [0, 0, 0, 0, 2], undefined],
    ['one on time', [onTime], [1, 1, 0, 0, 0], 100],
    ['done early counts before its due day', [doneEarly, open], [1, 1, 0, 0, 1], 100],
    ['cancelled counts neither way', [onTime, cancelled, cancelled], [1, 1, 0, 0, 0], 100],
    ['one late, one overdue: 0 %', [late, overdue], [2, 0, 1, 1, 0], 0],
    ['half', [onTime, late], [2, 1, 1, 0, 0], 50],
    ['two of three: 66.7', [onTime, doneEarly, overdue], [3, 2, 0, 1, 0], 66.7],
    ['one of three: 33.3', [onTime, late, overdue, open], [3, 1, 1, 1, 1], 33.3],
    ['one of eight: 12.5', [onTime, late, late, late, overdue, overdue, overdue, overdue], [8, 1, 3, 4, 0], 12.5],
    ['five of six: 83.3', [onTime, onTime, onTime, onTime, doneEarly, late], [6, 5, 1, 0, 0], 83.3],
  ])('%s', (_case, items, [judged, doneOnTime, doneLate, overdueCount, openCount], percent) => {
    const result = actionItemFollowThrough(items, NOW);
    expect(result).toEqual({
      judged,
      doneOnTime,
      doneLate,
      overdue: overdueCount,
      open: openCount,
      ...(percent === undefined ? {} : { onTimePercent: percent }),
    });
    expect(result.judged).toBe(result.doneOnTime + result.doneLate + result.overdue);
  });
});

describe('createActionItemSchema', () => {
  const valid = { title: 'Add config validation', ownerRef: 'group:platform', priority: 'P1', dueDate: '2026-12-01' };

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['a group owner, normalised', valid, { ...valid, ownerRef: 'group:default/platform' }],
    ['a user owner', { ...valid, ownerRef: 'User:default/Jane' }, { ...valid, ownerRef: 'user:default/jane' }],
    ['title trimmed', { ...valid, title: '  Add canary  ' }, { ...valid, title: 'Add canary', ownerRef: 'group:default/platform' }],
    ['leap day 2028-02-29', { ...valid, dueDate: '2028-02-29' }, { ...valid, dueDate: '2028-02-29', ownerRef: 'group:default/platform' }],
    ['an https tracker URL, trimmed', { ...valid, trackerUrl: ' https://jira.example.com/browse/OPS-1 ' }, { ...valid, ownerRef: 'group:default/platform', trackerUrl: 'https://jira.example.com/browse/OPS-1' }],
    ['an http tracker URL', { ...valid, trackerUrl: 'http://tracker.internal/1' }, { ...valid, ownerRef: 'group:default/platform', trackerUrl: 'http://tracker.internal/1' }],
  ])('accepts %s', (_case, body, parsed) => {
    expect(createActionItemSchema.parse(body)).toEqual(parsed);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['2027-02-29 (not a leap year)', { ...valid, dueDate: '2027-02-29' }, 'dueDate is not a real calendar date'],
    ['31 November', { ...valid, dueDate: '2026-11-31' }, 'dueDate is not a real calendar date'],
    ['month 13', { ...valid, dueDate: '2026-13-01' }, 'dueDate is not a real calendar date'],
    ['a timestamp instead of a date', { ...valid, dueDate: '2026-12-01T00:00:00Z' }, 'dueDate must be a date as YYYY-MM-DD'],
    ['an unpadded date', { ...valid, dueDate: '2026-1-5' }, 'dueDate must be a date as YYYY-MM-DD'],
    ['no due date', { title: 'x', ownerRef: 'group:platform', priority: 'P1' }, 'dueDate is required, as YYYY-MM-DD'],
    ['javascript: tracker URL', { ...valid, trackerUrl: 'javascript:alert(1)' }, 'trackerUrl must be an http(s) URL'],
    ['data: tracker URL', { ...valid, trackerUrl: 'data:text/html,<script>alert(1)</script>' }, 'trackerUrl must be an http(s) URL'],
    ['ftp tracker URL', { ...valid, trackerUrl: 'ftp://files.example.com/x' }, 'trackerUrl must be an http(s) URL'],
    ['not a URL', { ...valid, trackerUrl: 'OPS-123' }, 'trackerUrl must be an http(s) URL'],
    ['oversized tracker URL', { ...valid, trackerUrl: `https://x.example.com/${'a'.repeat(2000)}` }, 'trackerUrl is longer than 2000 characters'],
    ['a component as owner', { ...valid, ownerRef: 'component:default/checkout' }, 'ownerRef "component:default/checkout" must be a user or a group'],
    ['an owner that is not a ref', { ...valid, ownerRef: 'jane' }, '"jane" is not an entity ref of the form kind:namespace/name'],
    ['an empty title', { ...valid, title: '   ' }, 'title is required'],
    ['a title of 301 characters', { ...valid, title: 'x'.repeat(301) }, 'title is longer than 300 characters'],
    ['unknown priority', { ...valid, priority: 'P0' }, 'priority must be one of P1, P2, P3'],
    ['a status on creation', { ...valid, status: 'done' }, 'Unrecognized key: "status"'],
  ])('refuses %s', (_case, body, message) => {
    expect(messagesOf(createActionItemSchema, body)).toContain(message);
  });

  it('accepts a title of exactly 300 characters', () => {
    expect(createActionItemSchema.parse({ ...valid, title: 'x'.repeat(300) }).title).toHaveLength(300);
  });
});

describe('updateActionItemSchema', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['status only', { version: 2, status: 'done' }, { version: 2, status: 'done' }],
    ['clear the tracker URL', { version: 1, trackerUrl: null }, { version: 1, trackerUrl: null }],
    ['new owner, normalised', { version: 1, ownerRef: 'user:jane' }, { version: 1, ownerRef: 'user:default/jane' }],
    ['new due date on a leap day', { version: 1, dueDate: '2028-02-29' }, { version: 1, dueDate: '2028-02-29' }],
  ])('accepts %s', (_case, body, parsed) => {
    expect(updateActionItemSchema.parse(body)).toEqual(parsed);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an empty PATCH', { version: 1 }, 'nothing to change: give at least one field besides version'],
    ['no version', { status: 'done' }, 'version must be a number'],
    ['version 0', { version: 0, status: 'done' }, 'version must be at least 1'],
    ['unknown status', { version: 1, status: 'closed' }, 'status must be one of not-started, in-progress, done, cancelled'],
    ['javascript: tracker URL', { version: 1, trackerUrl: 'javascript:alert(1)' }, 'trackerUrl must be an http(s) URL'],
    ['2027-02-29', { version: 1, dueDate: '2027-02-29' }, 'dueDate is not a real calendar date'],
    ['a system as owner', { version: 1, ownerRef: 'system:default/payments' }, 'ownerRef "system:default/payments" must be a user or a group'],
    ['an empty title', { version: 1, title: '' }, 'title is required'],
    ['an unknown field', { version: 1, completedAt: '2026-11-23T10:00:00Z' }, 'Unrecognized key: "completedAt"'],
  ])('refuses %s', (_case, body, message) => {
    expect(messagesOf(updateActionItemSchema, body)).toContain(message);
  });
});

describe('findRepeatCandidates', () => {
  const AT = '2026-11-20T10:00:00.000Z';
  const incident: RepeatCandidateInput = {
    incidentId: 'inc-new',
    declaredAt: AT,
    entityRefs: ['component:default/checkout', 'component:default/cart'],
    failureModes: ['config-deploy', 'connection-pool-exhaustion'],
  };
  const earlier = (incidentId: string, declaredAt: string, entityRefs: string[], failureModes: string[]): RepeatCandidateInput => ({
    incidentId,
    declaredAt,
    entityRefs,
    failureModes,
  });
  const checkout = ['component:default/checkout'];

  it('keeps the 180-day window', () => {
    expect(DEFAULT_REPEAT_WINDOW_DAYS).toBe(180);
  });

  it.each<[string, RepeatCandidateInput[], number | undefined, string[]]>([
    // [case, earlier incidents, window days, candidate ids]
    ['none', [], undefined, []],
    ['same entity, same mode, a day earlier', [earlier('a', plus(AT, -DAY), checkout, ['config-deploy'])], undefined, ['a']],
    ['exactly at the window edge (180 days)', [earlier('a', plus(AT, -180 * DAY), checkout, ['config-deploy'])], undefined, ['a']],
    ['1 ms beyond the window', [earlier('a', plus(AT, -180 * DAY - 1), checkout, ['config-deploy'])], undefined, []],
    ['custom window 30: 30 days in, 30 days + 1 ms out', [
      earlier('in', plus(AT, -30 * DAY), checkout, ['config-deploy']),
      earlier('out', plus(AT, -30 * DAY - 1), checkout, ['config-deploy']),
    ], 30, ['in']],
    ['same instant is not earlier', [earlier('a', AT, checkout, ['config-deploy'])], undefined, []],
    ['same instant with an offset is not earlier', [earlier('a', '2026-11-20T11:00:00+01:00', checkout, ['config-deploy'])], undefined, []],
    ['1 ms earlier is', [earlier('a', plus(AT, -1), checkout, ['config-deploy'])], undefined, ['a']],
    ['later incidents are not candidates', [earlier('a', plus(AT, DAY), checkout, ['config-deploy'])], undefined, []],
    ['itself is never a candidate', [earlier('inc-new', plus(AT, -DAY), checkout, ['config-deploy'])], undefined, []],
    ['same entity, other mode', [earlier('a', plus(AT, -DAY), checkout, ['dns'])], undefined, []],
    ['same mode, other entity', [earlier('a', plus(AT, -DAY), ['component:default/search'], ['config-deploy'])], undefined, []],
    ['most recent first', [
      earlier('old', plus(AT, -90 * DAY), checkout, ['config-deploy']),
      earlier('recent', plus(AT, -2 * DAY), ['component:default/cart'], ['connection-pool-exhaustion']),
      earlier('middle', plus(AT, -10 * DAY), checkout, ['connection-pool-exhaustion']),
    ], undefined, ['recent', 'middle', 'old']],
  ])('%s', (_case, earlierIncidents, windowDays, ids) => {
    expect(findRepeatCandidates(incident, earlierIncidents, windowDays).map(c => c.incidentId)).toEqual(ids);
  });

  it('names what is shared, once each, and explains it', () => {
    const [candidate] = findRepeatCandidates(incident, [
      earlier(
        'a',
        plus(AT, -DAY),
        ['component:default/checkout', 'component:default/search', 'component:default/cart'],
        ['config-deploy', 'dns', 'config-deploy'],
      ),
    ]);
    expect(candidate).toEqual({
      incidentId: 'a',
      sharedEntityRefs: ['component:default/checkout', 'component:default/cart'],
      sharedFailureModes: ['config-deploy'],
      explanation: 'Same failure mode (config-deploy) on component:default/checkout, component:default/cart.',
    });
  });
});

describe('repeatCallout', () => {
  const link = (total: number, done: number, open: number) => ({
    earlierTitle: 'Checkout down',
    failureMode: 'config-deploy',
    earlierActionItems: { total, done, open },
  });

  it.each<[string, [number, number, number], string | undefined]>([
    // [case, [total, done, open], callout]
    ['no action items', [0, 0, 0], undefined],
    ['some still open', [3, 1, 2], '"config-deploy" recurred while 2 of 3 action items from "Checkout down" are still open.'],
    ['all open', [2, 0, 2], '"config-deploy" recurred while 2 of 2 action items from "Checkout down" are still open.'],
    ['all done', [3, 3, 0], '"config-deploy" recurred although all 3 action items from "Checkout down" were done: they did not remove the cause.'],
    ['done, the rest cancelled', [3, 2, 0], '"config-deploy" recurred although all 2 action items from "Checkout down" were done: they did not remove the cause.'],
    ['all cancelled: nothing was done or is open', [2, 0, 0], undefined],
  ])('%s', (_case, [total, done, open], callout) => {
    expect(repeatCallout(link(total, done, open))).toBe(callout);
  });
});

describe('linkRepeatSchema', () => {
  it.each<[Record<string, unknown>, Record<string, unknown>]>([
    [{ earlierIncidentId: ' 42 ', failureMode: 'Config Deploy' }, { earlierIncidentId: '42', failureMode: 'config-deploy' }],
    [{ earlierIncidentId: 'inc-7', failureMode: 'connection_pool exhaustion' }, { earlierIncidentId: 'inc-7', failureMode: 'connection-pool-exhaustion' }],
  ])('accepts %j', (body, parsed) => {
    expect(linkRepeatSchema.parse(body)).toEqual(parsed);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no earlier incident', { failureMode: 'dns' }, 'earlierIncidentId is required'],
    ['a blank earlier incident', { earlierIncidentId: '  ', failureMode: 'dns' }, 'earlierIncidentId is required'],
    ['no failure mode', { earlierIncidentId: '42' }, 'a failure mode must be a string'],
    ['an empty failure mode', { earlierIncidentId: '42', failureMode: '' }, 'a failure mode cannot be empty'],
    ['a failure mode with punctuation', { earlierIncidentId: '42', failureMode: 'dns!' }, 'a failure mode is letters, digits, spaces and - _ . /'],
    ['an extra field', { earlierIncidentId: '42', failureMode: 'dns', linkedBy: 'user:default/x' }, 'Unrecognized key: "linkedBy"'],
  ])('refuses %s', (_case, body, message) => {
    expect(messagesOf(linkRepeatSchema, body)).toContain(message);
  });

  it('refuses an earlier incident id longer than 64 characters', () => {
    expect(linkRepeatSchema.safeParse({ earlierIncidentId: 'x'.repeat(64), failureMode: 'dns' }).success).toBe(true);
    expect(linkRepeatSchema.safeParse({ earlierIncidentId: 'x'.repeat(65), failureMode: 'dns' }).success).toBe(false);
  });
});

describe('repeatRate', () => {
  it.each<[number, number, number | undefined]>([
    // [incidents, repeats, percent]
    [10, 0, 0],
    [10, 1, 10],
    [3, 1, 33.3],
    [3, 2, 66.7],
    [8, 1, 12.5],
    [6, 5, 83.3],
    [1000, 1, 0.1],
    [2000, 1, 0.1],
    [4, 4, 100],
  ])('%i incidents, %i repeats: %s %', (incidents, repeats, percent) => {
    expect(repeatRate(incidents, repeats)).toEqual({ incidents, repeats, percent });
  });

  it.each([0, -1])('%i incidents: no percentage', incidents => {
    expect(repeatRate(incidents, 0)).toEqual({ incidents: 0, repeats: 0 });
    expect(repeatRate(incidents, 0).percent).toBeUndefined();
  });
});

describe('runbookUsageSchema and adherenceCountsAgainst', () => {
  it.each<[Record<string, unknown>, Record<string, unknown>]>([
    [{ adherence: 'followed' }, { adherence: 'followed' }],
    [{ adherence: 'deviated', deviationReason: '  Step 3 would have dropped the primary  ' }, { adherence: 'deviated', deviationReason: 'Step 3 would have dropped the primary' }],
    [{ adherence: 'not-followed' }, { adherence: 'not-followed' }],
    [{ adherence: 'not-followed', deviationReason: 'Runbook was for v1' }, { adherence: 'not-followed', deviationReason: 'Runbook was for v1' }],
  ])('accepts %j', (body, parsed) => {
    expect(runbookUsageSchema.parse(body)).toEqual(parsed);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a deviation without a reason', { adherence: 'deviated' }, 'say why the responders deviated from the runbook (deviationReason)'],
    ['a deviation with a blank reason', { adherence: 'deviated', deviationReason: '   ' }, 'say why the responders deviated from the runbook (deviationReason)'],
    ['unknown adherence', { adherence: 'partly' }, 'adherence must be one of followed, deviated, not-followed'],
    ['an oversized reason', { adherence: 'deviated', deviationReason: 'x'.repeat(2001) }, 'deviationReason is longer than 2000 characters'],
    ['an extra field', { adherence: 'followed', recordedBy: 'user:default/x' }, 'Unrecognized key: "recordedBy"'],
  ])('refuses %s', (_case, body, message) => {
    expect(messagesOf(runbookUsageSchema, body)).toContain(message);
  });

  it.each<[RunbookAdherence, string | undefined, boolean]>([
    // [adherence, deviationReason, counts against]
    ['followed', undefined, false],
    ['followed', 'irrelevant', false],
    ['deviated', 'Step 3 would have dropped the primary', false],
    ['deviated', undefined, true],
    ['deviated', '', true],
    ['not-followed', undefined, true],
    ['not-followed', '', true],
    ['not-followed', 'Runbook was for v1', false],
  ])('%s with reason %j counts against: %s', (adherence, deviationReason, counts) => {
    expect(adherenceCountsAgainst({ adherence, deviationReason })).toBe(counts);
  });
});

describe('postmortemFollowThrough', () => {
  const d = (state: PostmortemDeadlineState): PostmortemDeadline => ({ state, explanation: state });

  it.each<[string, PostmortemDeadlineState[], [number, number, number, number, number], number | undefined]>([
    // [case, states, [required, met, late, overdue, due], withinDeadlinePercent]
    ['nothing', [], [0, 0, 0, 0, 0], undefined],
    ['not required and open incidents are not counted', ['not-required', 'incident-open', 'not-required'], [0, 0, 0, 0, 0], undefined],
    ['only due: required but not judged yet', ['due', 'due'], [2, 0, 0, 0, 2], undefined],
    ['all met', ['met', 'met', 'due'], [3, 2, 0, 0, 1], 100],
    ['one met, one late, one overdue: 33.3', ['met', 'late', 'overdue', 'not-required'], [3, 1, 1, 1, 0], 33.3],
    ['two of three: 66.7', ['met', 'met', 'late', 'incident-open'], [3, 2, 1, 0, 0], 66.7],
    ['none met: 0', ['late', 'overdue'], [2, 0, 1, 1, 0], 0],
    ['one of eight: 12.5', ['met', 'late', 'late', 'late', 'late', 'overdue', 'overdue', 'overdue'], [8, 1, 4, 3, 0], 12.5],
  ])('%s', (_case, states, [required, metDeadline, late, overdue, due], percent) => {
    expect(postmortemFollowThrough(states.map(d))).toEqual({
      required,
      metDeadline,
      late,
      overdue,
      due,
      ...(percent === undefined ? {} : { withinDeadlinePercent: percent }),
    });
  });

  it('agrees with postmortemDeadline end to end', () => {
    const due = plus(RESOLVED, 48 * HOUR);
    const now = plus(due, 2 * HOUR);
    const deadlines = [
      postmortemDeadline({ required: true, resolvedAt: RESOLVED, finalizedAt: due, now }),
      postmortemDeadline({ required: true, resolvedAt: RESOLVED, finalizedAt: plus(due, 1), now }),
      postmortemDeadline({ required: true, resolvedAt: RESOLVED, now }),
      postmortemDeadline({ required: true, resolvedAt: plus(RESOLVED, DAY), now }),
      postmortemDeadline({ required: false, resolvedAt: RESOLVED, now }),
    ];
    expect(deadlines.map(x => x.state)).toEqual(['met', 'late', 'overdue', 'due', 'not-required']);
    expect(postmortemFollowThrough(deadlines)).toEqual({
      required: 4,
      metDeadline: 1,
      late: 1,
      overdue: 1,
      due: 1,
      withinDeadlinePercent: 33.3,
    });
  });
});


describe('normalizeFailureMode', () => {
  it.each([
    ['config-deploy', 'config-deploy'],
    ['Config Deploy', 'config-deploy'],
    ['config - deploy', 'config-deploy'],
    ['config__deploy-', 'config-deploy'],
    ['  -pool exhaustion- ', 'pool-exhaustion'],
    ['dns/resolver.timeouts', 'dns/resolver.timeouts'],
  ])('%j is %j', (input, expected) => {
    expect(normalizeFailureMode(input)).toBe(expected);
  });

  it('lets a tag written with spaces match a dashed failure mode in repeat candidates', () => {
    const [candidate] = findRepeatCandidates(
      { incidentId: 'now', declaredAt: '2026-11-20T00:00:00Z', entityRefs: ['component:default/a'], failureModes: ['config-deploy'] },
      [{ incidentId: 'then', declaredAt: '2026-11-01T00:00:00Z', entityRefs: ['component:default/a', 'component:default/a'], failureModes: ['config deploy'] }],
    );
    expect(candidate).toMatchObject({ incidentId: 'then', sharedFailureModes: ['config-deploy'], sharedEntityRefs: ['component:default/a'] });
  });
});

describe('blameless hints on engineering terms', () => {
  it.each([
    ['We ran a fault tree analysis.', []],
    ['The fault-tolerant path held.', []],
    ['It was the on-call engineer\'s fault.', ['fault']],
    ['Two faults in the config.', ['faults']],
  ])('%j', (text, phrases) => {
    expect(blamelessWordingHints(text).map(h => h.phrase.toLowerCase())).toEqual(phrases);
  });
});
