import { z } from 'zod';
import { parseIsoTimestamp } from '../escalation';
import type { Severity } from '../severity';
import { DEFAULT_REPUTATION_CONFIG, PeerFeedbackConfig } from './config';

/**
 * The post-incident peer survey of the seed, and the only ways its answers
 * leave the database: aggregates over fixed windows with enough raters.
 *
 * Privacy rules, in plain words:
 * - Individual answers are never returned; only averages and unattributed comments.
 * - An aggregate is shown only when at least k (default 3) different
 *   colleagues answered in the window; below that, not even how many answered is said.
 * - Windows are fixed blocks — the person's incidents in blocks of ten
 *   (1–10, 11–20, …) or a calendar quarter — so nobody can ask for two
 *   overlapping windows and subtract one aggregate from the other to expose an answer.
 * - A window is aggregated only after its surveys have closed, so an
 *   aggregate never changes because one more answer came in.
 */

/** The seed's three questions; `{name}` is the colleague being rated. */
export const PEER_FEEDBACK_QUESTIONS = [
  { id: 'clearAndCalm', text: 'Was {name} clear and calm under pressure during this incident?' },
  { id: 'helpedResolution', text: "Did {name}'s contributions help move the incident toward resolution?" },
  { id: 'primaryContact', text: 'Would you want {name} as your primary contact on the next P1?' },
] as const;

export type PeerFeedbackQuestionId = (typeof PEER_FEEDBACK_QUESTIONS)[number]['id'];

export const PEER_FEEDBACK_QUESTION_IDS: readonly PeerFeedbackQuestionId[] = PEER_FEEDBACK_QUESTIONS.map(q => q.id);

/** The question as the survey shows it, with the colleague's name filled in. */
export function peerFeedbackQuestionText(id: PeerFeedbackQuestionId, name: string): string {
  const question = PEER_FEEDBACK_QUESTIONS.find(q => q.id === id);
  if (!question) throw new Error(`Unknown peer feedback question ${JSON.stringify(id)}`);
  return question.text.replace('{name}', name);
}

export const MAX_PEER_FEEDBACK_COMMENT_LENGTH = 1000;

const answerSchema = z
  .number({ error: 'each answer must be a whole number from 1 to 10' })
  .int({ error: 'each answer must be a whole number from 1 to 10' })
  .min(1, { error: 'each answer must be a whole number from 1 to 10' })
  .max(10, { error: 'each answer must be a whole number from 1 to 10' });

/**
 * Body of `POST …/surveys/:incidentId/:subjectRef`: the three answers and an
 * optional comment. The rater is the signed-in user, never a body field;
 * unknown fields are refused.
 */
export const peerFeedbackSurveySchema = z.strictObject({
  answers: z.strictObject({
    clearAndCalm: answerSchema,
    helpedResolution: answerSchema,
    primaryContact: answerSchema,
  }),
  comment: z
    .string()
    .trim()
    .max(MAX_PEER_FEEDBACK_COMMENT_LENGTH, { error: `comment must be at most ${MAX_PEER_FEEDBACK_COMMENT_LENGTH} characters` })
    .optional(),
});

export type PeerFeedbackSurveyRequest = z.input<typeof peerFeedbackSurveySchema>;
export type PeerFeedbackAnswers = z.output<typeof peerFeedbackSurveySchema>['answers'];

/** A stored answer: who rated whom on which incident. Never leaves the backend as such. */
export interface PeerFeedbackResponse {
  incidentId: string;
  subjectRef: string;
  raterRef: string;
  /** When the incident was declared; places the answer in a quarter. */
  incidentAt: string;
  answers: PeerFeedbackAnswers;
  comment?: string;
}

/** What decides whether a SEV2 is significant enough for a survey. */
export interface SurveySignificance {
  /** Minutes from declaration to resolution, when known. */
  durationMinutes?: number;
  customerReported?: boolean;
}

/**
 * Whether an incident's participants get the peer survey: every SEV1; a SEV2
 * when it is significant — it lasted at least 60 minutes or a customer
 * reported it (both configurable); never SEV3 or SEV4.
 */
export function surveyRequired(
  severity: Severity,
  significance: SurveySignificance = {},
  config: PeerFeedbackConfig = DEFAULT_REPUTATION_CONFIG.peerFeedback,
): { required: boolean; reason: string } {
  if (severity === 'SEV1') return { required: true, reason: 'Every SEV1 gets a peer survey.' };
  if (severity !== 'SEV2') return { required: false, reason: `${severity} incidents get no peer survey.` };
  const minutes = significance.durationMinutes;
  if (typeof minutes === 'number' && minutes >= config.significantSev2Minutes) {
    return { required: true, reason: `This SEV2 lasted ${Math.round(minutes)} minutes, at least ${config.significantSev2Minutes}, so it gets a peer survey.` };
  }
  if (config.customerReportedSev2IsSignificant && significance.customerReported) {
    return { required: true, reason: 'A customer reported this SEV2, so it gets a peer survey.' };
  }
  return {
    required: false,
    reason: `This SEV2 was not significant (shorter than ${config.significantSev2Minutes} minutes${config.customerReportedSev2IsSignificant ? ' and not customer-reported' : ''}), so it gets no peer survey.`,
  };
}

/**
 * Who rates whom after an incident: every participant rates every other
 * participant once, and nobody rates themselves. Sorted, duplicates removed.
 */
export function peerSurveyAssignments(participantRefs: string[]): Array<{ raterRef: string; subjectRef: string }> {
  const people = [...new Set(participantRefs)].sort();
  return people.flatMap(raterRef => people.filter(s => s !== raterRef).map(subjectRef => ({ raterRef, subjectRef })));
}

declare const feedbackWindowBrand: unique symbol;

interface FeedbackWindowBase {
  /** Only `lastNIncidentsWindow`, `incidentFeedbackWindows` and `quarterWindow` make windows. */
  readonly [feedbackWindowBrand]: true;
  /** Stable id, e.g. `incidents:user:default/ada:2` or `quarter:user:default/ada:2026-Q3`. */
  id: string;
  subjectRef: string;
  /** For people: "incidents 21–30" or "2026 Q3". */
  label: string;
  /** ISO start of the window (inclusive). */
  from: string;
  /** ISO end of the window: the last incident's declaration, or the start of the next quarter (exclusive). */
  to: string;
  /** Surveys for the window close here; no aggregate before it. */
  closesAt: string;
}

/** The person's incidents in fixed blocks of N, counted from their first incident. */
export interface IncidentBlockWindow extends FeedbackWindowBase {
  kind: 'incidents';
  /** 0 for incidents 1–N, 1 for N+1–2N, … */
  index: number;
  incidentIds: string[];
}

/** A calendar quarter, in UTC. */
export interface QuarterWindow extends FeedbackWindowBase {
  kind: 'quarter';
  quarter: string;
}

export type FeedbackWindow = IncidentBlockWindow | QuarterWindow;

/** An incident the person took part in, for cutting windows. */
export interface FeedbackIncident {
  incidentId: string;
  declaredAt: string;
  resolvedAt?: string;
}

const MS_PER_DAY = 24 * 60 * 60 * 1000;

/** Days a survey stays open after the incident (or the window) ends. */
export const PEER_SURVEY_OPEN_DAYS = 7;

/**
 * All complete blocks of N incidents of a person, oldest first: incidents are
 * ordered by declaration (then id) and cut into 1–N, N+1–2N, … An unfinished
 * last block is not a window yet: it would change with each new incident.
 */
export function incidentFeedbackWindows(
  subjectRef: string,
  incidents: FeedbackIncident[],
  n: number = DEFAULT_REPUTATION_CONFIG.peerFeedback.incidentsPerWindow,
): IncidentBlockWindow[] {
  if (!Number.isInteger(n) || n < 1) throw new Error(`n must be a whole number of at least 1, got ${n}`);
  const unique = new Map<string, { id: string; declared: number; ended: number }>();
  incidents.forEach((incident, i) => {
    const declared = parseIsoTimestamp(incident.declaredAt, `incidents[${i}].declaredAt`);
    const ended = incident.resolvedAt === undefined ? declared : parseIsoTimestamp(incident.resolvedAt, `incidents[${i}].resolvedAt`);
    unique.set(incident.incidentId, { id: incident.incidentId, declared, ended: Math.max(declared, ended) });
  });
  const ordered = [...unique.values()].sort((a, b) => a.declared - b.declared || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const windows: IncidentBlockWindow[] = [];
  for (let index = 0; (index + 1) * n <= ordered.length; index++) {
    const block = ordered.slice(index * n, (index + 1) * n);
    const lastEnd = Math.max(...block.map(b => b.ended));
    windows.push({
      kind: 'incidents',
      id: `incidents:${subjectRef}:${index}`,
      subjectRef,
      index,
      label: `incidents ${index * n + 1}–${(index + 1) * n}`,
      incidentIds: block.map(b => b.id),
      from: new Date(block[0].declared).toISOString(),
      to: new Date(block[block.length - 1].declared).toISOString(),
      closesAt: new Date(lastEnd + PEER_SURVEY_OPEN_DAYS * MS_PER_DAY).toISOString(),
    } as IncidentBlockWindow);
  }
  return windows;
}

/**
 * "The person's last N incidents" as a fixed window: the newest complete block
 * of N. With 15 incidents it is still incidents 1–10; it moves to 11–20 only
 * once the 20th incident exists. Undefined with fewer than N incidents.
 */
export function lastNIncidentsWindow(
  subjectRef: string,
  incidents: FeedbackIncident[],
  n: number = DEFAULT_REPUTATION_CONFIG.peerFeedback.incidentsPerWindow,
): IncidentBlockWindow | undefined {
  const windows = incidentFeedbackWindows(subjectRef, incidents, n);
  return windows[windows.length - 1];
}

/** The calendar quarter (UTC) containing `date`, for one person. */
export function quarterWindow(subjectRef: string, date: string): QuarterWindow {
  const ms = parseIsoTimestamp(date, 'date');
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  const q = Math.floor(d.getUTCMonth() / 3);
  const from = Date.UTC(year, q * 3, 1);
  const to = Date.UTC(year, q * 3 + 3, 1);
  const quarter = `${year}-Q${q + 1}`;
  return {
    kind: 'quarter',
    id: `quarter:${subjectRef}:${quarter}`,
    subjectRef,
    quarter,
    label: `${year} Q${q + 1}`,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    closesAt: new Date(to + PEER_SURVEY_OPEN_DAYS * MS_PER_DAY).toISOString(),
  } as QuarterWindow;
}

/** Averages shown for a window with enough raters. */
export interface PeerFeedbackShown {
  suppressed: false;
  window: FeedbackWindow;
  /** Distinct colleagues who answered (at least k). */
  raters: number;
  /** Average answer per question, 1–10, one decimal. */
  averages: Record<PeerFeedbackQuestionId, number>;
  /** Average of the three question averages, one decimal. */
  overallAverage: number;
  /** Comments without names, sorted alphabetically (so their order says nothing about who or when). */
  comments: string[];
}

/** Nothing shown: too few raters, or the surveys are still open. Says nothing of how many answered. */
export interface PeerFeedbackSuppressed {
  suppressed: true;
  window: FeedbackWindow;
  /** Count-free: "fewer than 3" or "survey still open". */
  raters: string;
  message: string;
}

export type PeerFeedbackAggregate = PeerFeedbackShown | PeerFeedbackSuppressed;

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Refuses windows not made by the helpers (e.g. a quarter starting mid-month). */
function checkWindow(window: FeedbackWindow, n: number): void {
  if (window.kind === 'quarter') {
    const canonical = quarterWindow(window.subjectRef, window.from);
    if (canonical.from !== window.from || canonical.to !== window.to || canonical.id !== window.id) {
      throw new Error(`Feedback windows are fixed calendar quarters; ${window.from}–${window.to} is not one`);
    }
    return;
  }
  if (
    window.kind !== 'incidents' ||
    !Number.isInteger(window.index) ||
    window.incidentIds.length !== n ||
    new Set(window.incidentIds).size !== n ||
    window.id !== `incidents:${window.subjectRef}:${window.index}`
  ) {
    throw new Error(`Feedback windows are fixed blocks of ${n} incidents made by incidentFeedbackWindows; this one is not`);
  }
}

/**
 * Aggregates the answers about one person over one fixed window.
 *
 * Counts only answers about the window's person, on the window's incidents
 * (or incidents declared within the quarter), by someone other than that
 * person, one per rater and incident. Shows per-question averages and the
 * comments only when at least k distinct colleagues answered and the
 * window's surveys have closed at `now`; otherwise it is suppressed with a
 * message that does not say how many answered.
 */
export function aggregateFeedback(
  responses: PeerFeedbackResponse[],
  window: FeedbackWindow,
  options: { k?: number; now: string; incidentsPerWindow?: number },
): PeerFeedbackAggregate {
  const k = options.k ?? DEFAULT_REPUTATION_CONFIG.peerFeedback.minRaters;
  if (!Number.isInteger(k) || k < 2) throw new Error(`k must be a whole number of at least 2, got ${k}`);
  checkWindow(window, options.incidentsPerWindow ?? DEFAULT_REPUTATION_CONFIG.peerFeedback.incidentsPerWindow);
  const now = parseIsoTimestamp(options.now, 'now');
  if (now < Date.parse(window.closesAt)) {
    return {
      suppressed: true,
      window,
      raters: 'survey still open',
      message: `Surveys for ${window.label} are open until ${window.closesAt}; feedback is shown once they close.`,
    };
  }
  const from = Date.parse(window.from);
  const to = Date.parse(window.to);
  const incidentIds = window.kind === 'incidents' ? new Set(window.incidentIds) : undefined;
  const seen = new Set<string>();
  const counted: PeerFeedbackResponse[] = [];
  responses.forEach((r, i) => {
    if (r.subjectRef !== window.subjectRef || r.raterRef === r.subjectRef) return;
    if (incidentIds) {
      if (!incidentIds.has(r.incidentId)) return;
    } else {
      const at = parseIsoTimestamp(r.incidentAt, `responses[${i}].incidentAt`);
      if (at < from || at >= to) return;
    }
    const key = JSON.stringify([r.raterRef, r.incidentId]);
    if (seen.has(key)) return;
    seen.add(key);
    counted.push(r);
  });
  const raters = new Set(counted.map(r => r.raterRef)).size;
  if (raters < k) {
    return {
      suppressed: true,
      window,
      raters: `fewer than ${k}`,
      message: `Fewer than ${k} colleagues answered for ${window.label}, so nothing is shown: with so few answers, one person's answer could be recognised.`,
    };
  }
  const averages = {} as Record<PeerFeedbackQuestionId, number>;
  let sum = 0;
  for (const id of PEER_FEEDBACK_QUESTION_IDS) {
    const mean = counted.reduce((s, r) => s + r.answers[id], 0) / counted.length;
    averages[id] = round1(mean);
    sum += mean;
  }
  const comments = counted
    .map(r => r.comment?.trim() ?? '')
    .filter(c => c.length > 0)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { suppressed: false, window, raters, averages, overallAverage: round1(sum / PEER_FEEDBACK_QUESTION_IDS.length), comments };
}
