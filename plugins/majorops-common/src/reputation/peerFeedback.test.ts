import type { Severity } from '../severity';
import {
  aggregateFeedback,
  FeedbackIncident,
  incidentFeedbackWindows,
  lastNIncidentsWindow,
  PEER_FEEDBACK_QUESTIONS,
  peerFeedbackQuestionText,
  peerFeedbackSurveySchema,
  PeerFeedbackResponse,
  peerSurveyAssignments,
  quarterWindow,
  SurveySignificance,
  surveyRequired,
} from './peerFeedback';
import { ADA, BO, DAY, plus } from './testUtils';

const T0 = '2026-01-05T10:00:00.000Z';
/** ADA's incidents, one a day from T0, resolved an hour later. */
const history = (n: number): FeedbackIncident[] =>
  Array.from({ length: n }, (_, i) => ({ incidentId: `inc-${String(i + 1).padStart(2, '0')}`, declaredAt: plus(T0, i * DAY), resolvedAt: plus(T0, i * DAY + 3600_000) }));
const LATER = '2027-01-01T00:00:00.000Z';

const rater = (i: number) => `user:default/rater-${i}`;
function response(raterRef: string, incidentId: string, n: number, overrides: Partial<PeerFeedbackResponse> = {}): PeerFeedbackResponse {
  return {
    incidentId,
    subjectRef: ADA,
    raterRef,
    incidentAt: '2026-02-10T00:00:00Z',
    answers: { clearAndCalm: n, helpedResolution: n, primaryContact: n },
    ...overrides,
  };
}

describe('questions', () => {
  it.each([
    ['clearAndCalm', 'Was Ada clear and calm under pressure during this incident?'],
    ['helpedResolution', "Did Ada's contributions help move the incident toward resolution?"],
    ['primaryContact', 'Would you want Ada as your primary contact on the next P1?'],
  ] as const)('%s', (id, text) => {
    expect(peerFeedbackQuestionText(id, 'Ada')).toBe(text);
  });

  it('has the three questions of the seed', () => {
    expect(PEER_FEEDBACK_QUESTIONS).toHaveLength(3);
  });
});

describe('peerFeedbackSurveySchema', () => {
  const answers = { clearAndCalm: 8, helpedResolution: 9, primaryContact: 10 };
  it.each<[string, unknown, boolean]>([
    ['three answers', { answers }, true],
    ['with a comment', { answers, comment: 'Calm on the bridge.' }, true],
    ['answers at the bounds', { answers: { clearAndCalm: 1, helpedResolution: 10, primaryContact: 5 } }, true],
    ['comment of 1000 characters', { answers, comment: 'x'.repeat(1000) }, true],
    ['comment of 1001 characters', { answers, comment: 'x'.repeat(1001) }, false],
    ['0 is out of range', { answers: { ...answers, clearAndCalm: 0 } }, false],
    ['11 is out of range', { answers: { ...answers, primaryContact: 11 } }, false],
    ['7.5 is not whole', { answers: { ...answers, helpedResolution: 7.5 } }, false],
    ['a string is not a number', { answers: { ...answers, helpedResolution: '7' } }, false],
    ['a missing answer', { answers: { clearAndCalm: 8, helpedResolution: 9 } }, false],
    ['an unknown question', { answers: { ...answers, extra: 5 } }, false],
    ['a rater in the body', { answers, raterRef: BO }, false],
    ['no answers', {}, false],
  ])('%s -> accepted %s', (_case, body, accepted) => {
    expect(peerFeedbackSurveySchema.safeParse(body).success).toBe(accepted);
  });

  it('says what is wrong with an answer', () => {
    const result = peerFeedbackSurveySchema.safeParse({ answers: { ...answers, clearAndCalm: 0 } });
    expect(result.success ? [] : result.error.issues.map(i => i.message)).toEqual(['each answer must be a whole number from 1 to 10']);
  });
});

describe('surveyRequired', () => {
  it.each<[Severity, SurveySignificance, boolean]>([
    ['SEV1', {}, true],
    ['SEV1', { durationMinutes: 5 }, true],
    ['SEV2', { durationMinutes: 60 }, true],
    ['SEV2', { durationMinutes: 59 }, false],
    ['SEV2', { customerReported: true }, true],
    ['SEV2', { durationMinutes: 10, customerReported: false }, false],
    ['SEV2', {}, false],
    ['SEV3', { durationMinutes: 600, customerReported: true }, false],
    ['SEV4', { durationMinutes: 600 }, false],
  ])('%s %j -> %s', (severity, significance, required) => {
    expect(surveyRequired(severity, significance).required).toBe(required);
  });

  it('follows configured rules', () => {
    const config = { minRaters: 3, incidentsPerWindow: 10, significantSev2Minutes: 30, customerReportedSev2IsSignificant: false };
    expect(surveyRequired('SEV2', { durationMinutes: 30 }, config).required).toBe(true);
    expect(surveyRequired('SEV2', { customerReported: true }, config)).toEqual({
      required: false,
      reason: 'This SEV2 was not significant (shorter than 30 minutes), so it gets no peer survey.',
    });
  });
});

describe('peerSurveyAssignments', () => {
  it('asks every participant about every other, once, never about themselves', () => {
    expect(peerSurveyAssignments([BO, ADA, BO, 'user:default/cy'])).toEqual([
      { raterRef: ADA, subjectRef: BO },
      { raterRef: ADA, subjectRef: 'user:default/cy' },
      { raterRef: BO, subjectRef: ADA },
      { raterRef: BO, subjectRef: 'user:default/cy' },
      { raterRef: 'user:default/cy', subjectRef: ADA },
      { raterRef: 'user:default/cy', subjectRef: BO },
    ]);
    expect(peerSurveyAssignments([ADA])).toEqual([]);
  });
});

describe('fixed windows', () => {
  it.each<[number, string[] | undefined]>([
    [9, undefined],
    [10, ['inc-01', 'inc-10']],
    [15, ['inc-01', 'inc-10']],
    [19, ['inc-01', 'inc-10']],
    [20, ['inc-11', 'inc-20']],
    [31, ['inc-21', 'inc-30']],
  ])('with %s incidents the last-10 window is %j', (n, bounds) => {
    const window = lastNIncidentsWindow(ADA, history(n));
    if (!bounds) {
      expect(window).toBeUndefined();
      return;
    }
    expect([window!.incidentIds[0], window!.incidentIds[9]]).toEqual(bounds);
    expect(window!.incidentIds).toHaveLength(10);
  });

  it('never produces two overlapping incident windows: any two are the same block or disjoint', () => {
    const all = new Map<string, string[]>();
    for (let n = 1; n <= 45; n++) {
      for (const window of incidentFeedbackWindows(ADA, history(n))) {
        const known = all.get(window.id);
        if (known) expect(window.incidentIds).toEqual(known);
        else all.set(window.id, window.incidentIds);
      }
    }
    const blocks = [...all.values()];
    expect(blocks).toHaveLength(4);
    const seen = new Set<string>();
    for (const id of blocks.flat()) {
      expect(seen.has(id)).toBe(false);
      seen.add(id);
    }
  });

  it('orders incidents by declaration whatever the input order', () => {
    const reversed = history(10).reverse();
    expect(lastNIncidentsWindow(ADA, reversed)!.incidentIds[0]).toBe('inc-01');
  });

  it.each<[string, string, string, string]>([
    ['2026-02-15T12:00:00Z', '2026-Q1', '2026-01-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z'],
    ['2026-01-01T00:00:00Z', '2026-Q1', '2026-01-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z'],
    ['2026-03-31T23:59:59.999Z', '2026-Q1', '2026-01-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z'],
    ['2026-04-01T00:00:00Z', '2026-Q2', '2026-04-01T00:00:00.000Z', '2026-07-01T00:00:00.000Z'],
    ['2026-12-31T23:00:00-02:00', '2027-Q1', '2027-01-01T00:00:00.000Z', '2027-04-01T00:00:00.000Z'],
  ])('quarter of %s is %s', (date, quarter, from, to) => {
    expect(quarterWindow(ADA, date)).toMatchObject({ quarter, from, to });
  });

  it('gives the same quarter window for any two dates in it, so quarters cannot overlap', () => {
    expect(quarterWindow(ADA, '2026-02-01T00:00:00Z')).toEqual(quarterWindow(ADA, '2026-03-20T00:00:00Z'));
  });

  it('refuses a window not made by the helpers', () => {
    const quarter = quarterWindow(ADA, '2026-02-01T00:00:00Z');
    const shifted = { ...quarter, from: '2026-02-15T00:00:00.000Z', to: '2026-05-15T00:00:00.000Z' };
    expect(() => aggregateFeedback([], shifted, { now: LATER })).toThrow(/fixed calendar quarters/);
    const block = lastNIncidentsWindow(ADA, history(10))!;
    // incidents 2–11: a sliding window that would overlap block 0
    const sliding = { ...block, incidentIds: history(11).slice(1).map(i => i.incidentId), index: 0.5 };
    expect(() => aggregateFeedback([], sliding, { now: LATER })).toThrow(/fixed blocks of 10 incidents/);
    const short = { ...block, incidentIds: block.incidentIds.slice(1) };
    expect(() => aggregateFeedback([], short, { now: LATER })).toThrow(/fixed blocks of 10 incidents/);
  });
});

describe('aggregateFeedback', () => {
  const window = lastNIncidentsWindow(ADA, history(10))!;
  const byRaters = (count: number, n = 8) => Array.from({ length: count }, (_, i) => response(rater(i), `inc-0${(i % 9) + 1}`, n));

  it.each<[string, PeerFeedbackResponse[], boolean]>([
    ['k − 1 = 2 raters: suppressed', byRaters(2), true],
    ['k = 3 raters: shown', byRaters(3), false],
    ['2 raters with many answers each: still suppressed', [...byRaters(2), response(rater(0), 'inc-05', 9), response(rater(1), 'inc-06', 9)], true],
    ['self-ratings do not count', [...byRaters(2), response(ADA, 'inc-01', 10)], true],
    ['answers about someone else do not count', [...byRaters(2), response(rater(7), 'inc-01', 10, { subjectRef: BO })], true],
    ['answers on incidents outside the window do not count', [...byRaters(2), response(rater(7), 'inc-11', 10)], true],
  ])('%s', (_case, responses, suppressed) => {
    expect(aggregateFeedback(responses, window, { now: LATER }).suppressed).toBe(suppressed);
  });

  it('says nothing about how many answered when suppressed', () => {
    const one = aggregateFeedback(byRaters(1), window, { now: LATER });
    const two = aggregateFeedback(byRaters(2), window, { now: LATER });
    const none = aggregateFeedback([], window, { now: LATER });
    expect(one).toEqual(two);
    expect(one).toEqual(none);
    expect(one).toEqual({
      suppressed: true,
      window,
      raters: 'fewer than 3',
      message: 'Fewer than 3 colleagues answered for incidents 1–10, so nothing is shown: with so few answers, one person\'s answer could be recognised.',
    });
  });

  it('shows averages per question and sorted comments without names', () => {
    const responses = [
      response(rater(1), 'inc-01', 9, { comment: '  Steady hand. ' }),
      response(rater(2), 'inc-01', 7, { answers: { clearAndCalm: 7, helpedResolution: 8, primaryContact: 6 }, comment: 'Answered fast' }),
      response(rater(3), 'inc-02', 10, { comment: '' }),
      response(rater(1), 'inc-03', 8),
      response(rater(1), 'inc-03', 1),
    ];
    const aggregate = aggregateFeedback(responses, window, { now: LATER });
    expect(aggregate).toEqual({
      suppressed: false,
      window,
      raters: 3,
      averages: { clearAndCalm: 8.5, helpedResolution: 8.8, primaryContact: 8.3 },
      overallAverage: 8.5,
      comments: ['Answered fast', 'Steady hand.'],
    });
    expect(JSON.stringify(aggregate)).not.toMatch(/rater-/);
  });

  it('uses the configured k', () => {
    expect(aggregateFeedback(byRaters(3), window, { now: LATER, k: 4 }).suppressed).toBe(true);
    expect(aggregateFeedback(byRaters(4), window, { now: LATER, k: 4 }).suppressed).toBe(false);
    expect(() => aggregateFeedback(byRaters(4), window, { now: LATER, k: 1 })).toThrow(/k must be/);
  });

  it('waits until the surveys of the window have closed', () => {
    // The last incident was resolved on day 9 + 1 h; surveys stay open 7 days.
    const closesAt = plus(T0, 9 * DAY + 3600_000 + 7 * DAY);
    expect(window.closesAt).toBe(closesAt);
    expect(aggregateFeedback(byRaters(5), window, { now: plus(closesAt, -1) })).toMatchObject({ suppressed: true, raters: 'survey still open' });
    expect(aggregateFeedback(byRaters(5), window, { now: closesAt }).suppressed).toBe(false);
  });

  it('aggregates a quarter by incident date', () => {
    const quarter = quarterWindow(ADA, '2026-02-10T00:00:00Z');
    const responses = [
      response(rater(1), 'x1', 6),
      response(rater(2), 'x2', 6),
      response(rater(3), 'x3', 6, { incidentAt: '2026-04-01T00:00:00Z' }),
    ];
    expect(aggregateFeedback(responses, quarter, { now: LATER }).suppressed).toBe(true);
    const shown = aggregateFeedback([...responses, response(rater(4), 'x4', 9, { incidentAt: '2026-01-01T00:00:00Z' })], quarter, { now: LATER });
    expect(shown).toMatchObject({ suppressed: false, raters: 3, overallAverage: 7 });
  });
});
