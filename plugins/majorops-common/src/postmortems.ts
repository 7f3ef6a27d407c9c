import { z } from 'zod';
import { isoTimestampSchema } from './commandSchemas';
import { entityRefOfKind, entityRefSchema } from './schemas';
import type { Severity } from './severity';
import { TIMELINE_EVENT_TYPES, type TimelineEvent, type TimelineEventType } from './timeline';

/**
 * Post-mortems after the incident commander's template, with the rules that
 * decide which incidents need one, by when, and when one may move on.
 */

/** Hours after resolution by which a required post-mortem must be final. */
export const DEFAULT_POSTMORTEM_DEADLINE_HOURS = 48;

export const POSTMORTEM_STATUSES = ['draft', 'review', 'final'] as const;
export type PostmortemStatus = (typeof POSTMORTEM_STATUSES)[number];

/** `full`: the whole template; `summary`: the lightweight summary allowed for minor incidents. */
export const POSTMORTEM_KINDS = ['full', 'summary'] as const;
export type PostmortemKind = (typeof POSTMORTEM_KINDS)[number];

/** `organization`: everyone who can read incidents; `restricted`: only the named groups (and the author). */
export const POSTMORTEM_VISIBILITIES = ['organization', 'restricted'] as const;
export type PostmortemVisibility = (typeof POSTMORTEM_VISIBILITIES)[number];

export interface PostmortemImpact {
  /** Number or share of users affected, as the author can best state it ("~12% of EU checkouts"). */
  usersAffected: string;
  /** Estimated revenue impact, or "N/A". */
  revenueImpact: string;
  /** Share of the monthly error budget consumed, 0–100 (more than 100 when the budget was overspent). */
  sloBudgetConsumedPercent?: number;
  supportTickets?: number;
}

/** One row of the post-mortem's timeline. Generated rows keep the id of the event they came from. */
export interface PostmortemTimelineEntry {
  at: string;
  text: string;
  /** The incident timeline event this row was generated from; absent for rows added by hand. */
  sourceEventId?: string;
}

export interface ContributingFactors {
  /** The direct trigger. */
  immediate: string;
  /** Why the trigger was possible. */
  underlying: string;
  /** The organisational or process gap that allowed it. */
  systemic: string;
}

export interface Postmortem {
  incidentId: string;
  kind: PostmortemKind;
  status: PostmortemStatus;
  executiveSummary: string;
  impact: PostmortemImpact;
  timeline: PostmortemTimelineEntry[];
  /** Technical explanation of the failure chain. */
  whatHappened: string;
  contributingFactors: ContributingFactors;
  /** The answers of the 5 whys, in order; the last is the systemic root. */
  fiveWhys: string[];
  wentWell: string[];
  wentPoorly: string[];
  lessonsLearned: string;
  /**
   * Short names of the failure mode ("config-deploy", "connection-pool-exhaustion"),
   * lower-case; an incident with the same failure mode on the same entity is a repeat.
   */
  failureModes: string[];
  authorRef: string;
  facilitatorRef?: string;
  visibility: PostmortemVisibility;
  /** Groups that may read a restricted post-mortem. */
  visibleToGroups: string[];
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
  /** When it first went to review, and when it became final. */
  reviewStartedAt?: string;
  finalizedAt?: string;
  version: number;
}

// ---------------------------------------------------------------------------
// Which incidents need a post-mortem, and by when

export interface PostmortemRequirement {
  kind: PostmortemKind;
  /** A required post-mortem has a deadline and is flagged when it misses it. */
  required: boolean;
  explanation: string;
}

/**
 * Which post-mortem an incident needs. SEV1 and SEV2 need the full template
 * within the deadline. SEV3 and SEV4 may settle for a lightweight summary —
 * unless the incident repeats an earlier failure mode: recurrence is what the
 * full review exists to stop, so a repeat needs the full one too.
 */
export function postmortemRequirement(input: {
  severity: Severity;
  isRepeat?: boolean;
}): PostmortemRequirement {
  if (input.severity === 'SEV1' || input.severity === 'SEV2') {
    return {
      kind: 'full',
      required: true,
      explanation: `${input.severity} incidents need a full post-mortem.`,
    };
  }
  if (input.isRepeat) {
    return {
      kind: 'full',
      required: true,
      explanation: `A ${input.severity} that repeats an earlier failure mode needs a full post-mortem.`,
    };
  }
  return {
    kind: 'summary',
    required: false,
    explanation: `A lightweight summary is enough for a ${input.severity} incident.`,
  };
}

export const POSTMORTEM_DEADLINE_STATES = [
  'not-required',
  'incident-open',
  'due',
  'overdue',
  'met',
  'late',
] as const;
export type PostmortemDeadlineState = (typeof POSTMORTEM_DEADLINE_STATES)[number];

export interface PostmortemDeadline {
  state: PostmortemDeadlineState;
  /** Resolution + the deadline; absent while the incident is open or when none is required. */
  dueAt?: string;
  /** Whole hours past the deadline (overdue or late), or left before it (due). */
  hours?: number;
  explanation: string;
}

const HOUR = 60 * 60 * 1000;

/**
 * Where a post-mortem stands against its deadline: the clock starts when the
 * incident is resolved and stops when the post-mortem becomes final. `late`
 * means it became final after the deadline; `met`, in time.
 */
export function postmortemDeadline(input: {
  required: boolean;
  resolvedAt?: string;
  finalizedAt?: string;
  now: string;
  deadlineHours?: number;
}): PostmortemDeadline {
  const hours = input.deadlineHours ?? DEFAULT_POSTMORTEM_DEADLINE_HOURS;
  if (!input.required) {
    return { state: 'not-required', explanation: 'No post-mortem deadline: a summary is enough.' };
  }
  if (!input.resolvedAt) {
    return {
      state: 'incident-open',
      explanation: `Due ${hours} hours after the incident is resolved.`,
    };
  }
  const due = Date.parse(input.resolvedAt) + hours * HOUR;
  const dueAt = new Date(due).toISOString();
  if (input.finalizedAt) {
    const finalized = Date.parse(input.finalizedAt);
    if (finalized <= due) {
      return { state: 'met', dueAt, explanation: `Final within ${hours} hours of resolution.` };
    }
    const late = Math.ceil((finalized - due) / HOUR);
    return {
      state: 'late',
      dueAt,
      hours: late,
      explanation: `Final ${late} h after the ${hours}-hour deadline.`,
    };
  }
  const now = Date.parse(input.now);
  if (now > due) {
    const over = Math.ceil((now - due) / HOUR);
    return {
      state: 'overdue',
      dueAt,
      hours: over,
      explanation: `Overdue by ${over} h: it had to be final ${hours} hours after resolution.`,
    };
  }
  const left = Math.floor((due - now) / HOUR);
  return {
    state: 'due',
    dueAt,
    hours: left,
    explanation: `${left} h left to make it final.`,
  };
}

// ---------------------------------------------------------------------------
// Status workflow

/** Draft → review → final; review can go back to draft, and a final one can be reopened for review. */
export const POSTMORTEM_TRANSITIONS: Record<PostmortemStatus, readonly PostmortemStatus[]> = {
  draft: ['review'],
  review: ['draft', 'final'],
  final: ['review'],
};

export function canTransitionPostmortem(from: PostmortemStatus, to: PostmortemStatus): boolean {
  return from === to || POSTMORTEM_TRANSITIONS[from].includes(to);
}

/** A section of the template that is still empty. */
export interface MissingSection {
  field: string;
  label: string;
}

type PostmortemContent = Pick<
  Postmortem,
  | 'kind'
  | 'executiveSummary'
  | 'impact'
  | 'timeline'
  | 'whatHappened'
  | 'contributingFactors'
  | 'fiveWhys'
  | 'wentWell'
  | 'wentPoorly'
  | 'lessonsLearned'
>;

/**
 * The sections a post-mortem must fill before it goes to review or becomes
 * final. A summary needs what happened in brief and its immediate cause; the
 * full template needs every section, and at least one action item so the
 * review leads somewhere.
 */
export function missingPostmortemSections(
  postmortem: PostmortemContent,
  actionItemCount: number,
): MissingSection[] {
  const missing: MissingSection[] = [];
  const need = (ok: boolean, field: string, label: string) => {
    if (!ok) missing.push({ field, label });
  };
  const filled = (s: string | undefined) => !!s && s.trim().length > 0;
  need(filled(postmortem.executiveSummary), 'executiveSummary', 'Executive summary');
  need(filled(postmortem.contributingFactors.immediate), 'contributingFactors.immediate', 'Immediate cause');
  if (postmortem.kind === 'summary') return missing;
  need(filled(postmortem.impact.usersAffected), 'impact.usersAffected', 'Users affected');
  need(postmortem.timeline.length > 0, 'timeline', 'Timeline');
  need(filled(postmortem.whatHappened), 'whatHappened', 'What happened');
  need(filled(postmortem.contributingFactors.underlying), 'contributingFactors.underlying', 'Underlying cause');
  need(filled(postmortem.contributingFactors.systemic), 'contributingFactors.systemic', 'Systemic cause');
  need(postmortem.fiveWhys.filter(filled).length > 0, 'fiveWhys', '5 whys');
  need(postmortem.wentWell.filter(filled).length > 0, 'wentWell', 'What went well');
  need(postmortem.wentPoorly.filter(filled).length > 0, 'wentPoorly', 'What went poorly');
  need(filled(postmortem.lessonsLearned), 'lessonsLearned', 'Lessons learned');
  need(actionItemCount > 0, 'actionItems', 'At least one action item');
  return missing;
}

/** Why a status change is refused, or undefined when it is allowed. */
export function postmortemTransitionProblem(
  from: PostmortemStatus,
  to: PostmortemStatus,
  missing: MissingSection[],
): string | undefined {
  if (!canTransitionPostmortem(from, to)) {
    return `A ${from} post-mortem cannot become ${to}; from ${from} it can become ${POSTMORTEM_TRANSITIONS[from].join(' or ')}.`;
  }
  // Checked on every save in review or final, not only on the move: emptying a
  // section of a reviewed post-mortem would otherwise slip through.
  if ((to === 'review' || to === 'final') && missing.length > 0) {
    const labels = missing.map(m => m.label).join(', ');
    return from === to
      ? `Fill in ${labels}: a post-mortem in ${to} keeps every section filled.`
      : `Fill in ${labels} before moving the post-mortem to ${to}.`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Blameless wording

/** Phrases that point at a person instead of the system, with a gentler way to say it. */
const BLAME_PATTERNS: ReadonlyArray<{ pattern: RegExp; suggestion: string }> = [
  { pattern: /\bhuman error\b/i, suggestion: 'Describe what made the error easy to make, not that a human made it.' },
  { pattern: /\bshould have\b/i, suggestion: 'Hindsight: describe what the person knew at the time.' },
  { pattern: /\b(careless(ness)?|negligen(t|ce)|sloppy|lazy|incompetent)\b/i, suggestion: 'Judges a person; describe the conditions instead.' },
  // "fault tree", "fault-tolerant", "fault injection" are engineering terms, not blame.
  { pattern: /\b(faults?(?![\s-]+(tree|toleran|injection|domain|isolation))|blame[ds]?|to blame)\b/i, suggestion: 'Post-mortems look for causes, not culprits.' },
  { pattern: /\bfailed to\b/i, suggestion: 'Say what happened and what would have helped, rather than who failed.' },
  { pattern: /\bforgot\b/i, suggestion: 'Ask what reminder or automation was missing.' },
];

export interface BlamelessHint {
  phrase: string;
  suggestion: string;
}

/**
 * Phrases in a text that assign blame to people, each with a suggestion. The
 * form shows them as hints; they never block saving — the point is to
 * encourage blameless wording, not to police it.
 */
export function blamelessWordingHints(text: string): BlamelessHint[] {
  const hints: BlamelessHint[] = [];
  for (const { pattern, suggestion } of BLAME_PATTERNS) {
    const match = pattern.exec(text);
    if (match) hints.push({ phrase: match[0], suggestion });
  }
  return hints;
}

/** Every free-text field of a post-mortem, joined, for the wording hints. */
export function postmortemText(postmortem: PostmortemContent): string {
  return [
    postmortem.executiveSummary,
    postmortem.whatHappened,
    postmortem.contributingFactors.immediate,
    postmortem.contributingFactors.underlying,
    postmortem.contributingFactors.systemic,
    ...postmortem.fiveWhys,
    ...postmortem.wentWell,
    ...postmortem.wentPoorly,
    postmortem.lessonsLearned,
    ...postmortem.timeline.map(t => t.text),
  ].join('\n');
}

// ---------------------------------------------------------------------------
// Timeline generated from the incident's events

/** Event kinds left out of the post-mortem's timeline: field edits, released roles and shadows are noise there. */
const NOT_IN_POSTMORTEM_TIMELINE: ReadonlySet<TimelineEventType> = new Set<TimelineEventType>([
  'field-change',
  'role-released',
  'shadow-assigned',
  'shadow-released',
]);

const POSTMORTEM_TIMELINE_TYPES: ReadonlySet<TimelineEventType> = new Set<TimelineEventType>(
  TIMELINE_EVENT_TYPES.filter(type => !NOT_IN_POSTMORTEM_TIMELINE.has(type)),
);

/**
 * The post-mortem's starting timeline: the incident's events in time order,
 * one row each, keeping the event id. The post-mortem holds an editable copy;
 * the incident's own timeline is never changed.
 */
export function postmortemTimelineFromEvents(events: TimelineEvent[]): PostmortemTimelineEntry[] {
  return events
    .filter(e => POSTMORTEM_TIMELINE_TYPES.has(e.type))
    .slice()
    .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || Number(a.id) - Number(b.id))
    .map(e => ({ at: e.occurredAt, text: e.body.text, sourceEventId: e.id }));
}

/** Generated rows whose text or time was changed by hand, so the editor can mark them. */
export function editedTimelineRows(
  rows: PostmortemTimelineEntry[],
  events: TimelineEvent[],
): Set<string> {
  const byId = new Map(events.map(e => [e.id, e]));
  const edited = new Set<string>();
  for (const row of rows) {
    if (!row.sourceEventId) continue;
    const source = byId.get(row.sourceEventId);
    if (!source || source.body.text !== row.text || Date.parse(source.occurredAt) !== Date.parse(row.at)) {
      edited.add(row.sourceEventId);
    }
  }
  return edited;
}

// ---------------------------------------------------------------------------
// Request bodies

export const MAX_POSTMORTEM_SECTION_LENGTH = 20_000;
export const MAX_POSTMORTEM_LIST_ITEMS = 50;
export const MAX_POSTMORTEM_TIMELINE_ROWS = 500;

function section(field: string) {
  return z
    .string({ error: `${field} must be a string` })
    .trim()
    .max(MAX_POSTMORTEM_SECTION_LENGTH, `${field} is longer than ${MAX_POSTMORTEM_SECTION_LENGTH} characters`);
}

function sectionList(field: string, max = MAX_POSTMORTEM_LIST_ITEMS) {
  return z
    .array(section(field).pipe(z.string().max(2_000, `each entry of ${field} is at most 2000 characters`)), {
      error: `${field} must be an array of strings`,
    })
    .max(max, `${field} has more than ${max} entries`)
    .transform(items => items.filter(item => item.length > 0));
}

/**
 * The comparable form of a failure mode or tag: lower-case, with runs of
 * spaces, underscores and dashes as one dash, none at either end
 * ("Config _ Deploy" and "config-deploy" are the same failure mode).
 */
export function normalizeFailureMode(mode: string): string {
  return mode
    .trim()
    .toLocaleLowerCase('en-US')
    .replace(/[\s_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const failureModeSchema = z
  .string({ error: 'a failure mode must be a string' })
  .trim()
  .toLowerCase()
  .min(1, 'a failure mode cannot be empty')
  .max(64, 'a failure mode is at most 64 characters')
  .regex(/^[a-z0-9][a-z0-9 _./-]*$/, 'a failure mode is letters, digits, spaces and - _ . /')
  .transform(normalizeFailureMode)
  .refine(mode => mode.length > 0, 'a failure mode needs a letter or digit');

const postmortemVersionSchema = z
  .number({ error: 'version must be a number' })
  .int('version must be a whole number')
  .min(1, 'version must be at least 1');

/**
 * Body of `PUT /incidents/:id/postmortem`: the whole document. Without a
 * version it creates the post-mortem (refused if one exists); with the
 * version last read it replaces it (409 when someone saved in between).
 * The author of a new post-mortem is the signed-in user.
 */
export const putPostmortemSchema = z
  .object({
    version: postmortemVersionSchema.optional(),
    kind: z.enum(POSTMORTEM_KINDS, { error: `kind must be one of ${POSTMORTEM_KINDS.join(', ')}` }).optional(),
    status: z
      .enum(POSTMORTEM_STATUSES, { error: `status must be one of ${POSTMORTEM_STATUSES.join(', ')}` })
      .default('draft'),
    executiveSummary: section('executiveSummary').default(''),
    impact: z
      .object({
        usersAffected: section('impact.usersAffected').pipe(z.string().max(500, 'impact.usersAffected is at most 500 characters')).default(''),
        revenueImpact: section('impact.revenueImpact').pipe(z.string().max(500, 'impact.revenueImpact is at most 500 characters')).default(''),
        sloBudgetConsumedPercent: z
          .number({ error: 'impact.sloBudgetConsumedPercent must be a number' })
          .min(0, 'impact.sloBudgetConsumedPercent cannot be negative')
          .max(10_000, 'impact.sloBudgetConsumedPercent is at most 10000')
          .optional(),
        supportTickets: z
          .number({ error: 'impact.supportTickets must be a number' })
          .int('impact.supportTickets must be a whole number')
          .min(0, 'impact.supportTickets cannot be negative')
          .max(10_000_000, 'impact.supportTickets is too large')
          .optional(),
      })
      .strict()
      .default({ usersAffected: '', revenueImpact: '' }),
    /** Left out on creation: the timeline is generated from the incident's events. */
    timeline: z
      .array(
        z
          .object({
            at: isoTimestampSchema,
            text: section('timeline text').pipe(
              z.string().min(1, 'a timeline row needs text').max(2_000, 'a timeline row is at most 2000 characters'),
            ),
            sourceEventId: z.string().max(64, 'sourceEventId is too long').optional(),
          })
          .strict(),
        { error: 'timeline must be an array of { at, text }' },
      )
      .max(MAX_POSTMORTEM_TIMELINE_ROWS, `timeline has more than ${MAX_POSTMORTEM_TIMELINE_ROWS} rows`)
      .optional(),
    whatHappened: section('whatHappened').default(''),
    contributingFactors: z
      .object({
        immediate: section('contributingFactors.immediate').default(''),
        underlying: section('contributingFactors.underlying').default(''),
        systemic: section('contributingFactors.systemic').default(''),
      })
      .strict()
      .default({ immediate: '', underlying: '', systemic: '' }),
    fiveWhys: sectionList('fiveWhys', 10).default([]),
    wentWell: sectionList('wentWell').default([]),
    wentPoorly: sectionList('wentPoorly').default([]),
    lessonsLearned: section('lessonsLearned').default(''),
    failureModes: z
      .array(failureModeSchema, { error: 'failureModes must be an array of strings' })
      .max(10, 'at most 10 failure modes')
      .default([])
      .transform(modes => [...new Set(modes)]),
    facilitatorRef: entityRefOfKind('user').nullable().optional(),
    visibility: z
      .enum(POSTMORTEM_VISIBILITIES, { error: `visibility must be one of ${POSTMORTEM_VISIBILITIES.join(', ')}` })
      .default('organization'),
    visibleToGroups: z
      .array(entityRefOfKind('group'), { error: 'visibleToGroups must be an array of group refs' })
      .max(20, 'at most 20 groups')
      .default([])
      .transform(refs => [...new Set(refs)]),
  })
  .strict()
  .refine(p => p.visibility !== 'restricted' || p.visibleToGroups.length > 0, {
    message: 'a restricted post-mortem must name at least one group in visibleToGroups',
    path: ['visibleToGroups'],
  })
  .refine(p => p.visibility !== 'organization' || p.visibleToGroups.length === 0, {
    message: 'visibleToGroups only applies to a restricted post-mortem; set visibility to restricted or leave it empty',
    path: ['visibleToGroups'],
  });

export type PutPostmortemRequest = z.input<typeof putPostmortemSchema>;
export type PutPostmortem = z.output<typeof putPostmortemSchema>;

/** A post-mortem as `GET /incidents/:id/postmortem` returns it, with what the rules say of it. */
export interface PostmortemView extends Postmortem {
  requirement: PostmortemRequirement;
  deadline: PostmortemDeadline;
  /** Sections to fill before review / final. */
  missingSections: MissingSection[];
  blamelessHints: BlamelessHint[];
}

// ---------------------------------------------------------------------------
// Action items

export const ACTION_ITEM_PRIORITIES = ['P1', 'P2', 'P3'] as const;
export type ActionItemPriority = (typeof ACTION_ITEM_PRIORITIES)[number];

export const ACTION_ITEM_STATUSES = ['not-started', 'in-progress', 'done', 'cancelled'] as const;
export type ActionItemStatus = (typeof ACTION_ITEM_STATUSES)[number];

export interface ActionItem {
  id: string;
  incidentId: string;
  title: string;
  /** A user or a group. */
  ownerRef: string;
  priority: ActionItemPriority;
  /** Calendar date (YYYY-MM-DD, UTC); the item is due by the end of that day. */
  dueDate: string;
  status: ActionItemStatus;
  completedAt?: string;
  trackerUrl?: string;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
  version: number;
}

/** The moment an action item with this due date becomes late: the end of that day, UTC. */
export function actionItemDueAt(dueDate: string): string {
  return new Date(Date.parse(`${dueDate}T00:00:00.000Z`) + 24 * HOUR - 1).toISOString();
}

export const ACTION_ITEM_STATES = ['open', 'overdue', 'done-on-time', 'done-late', 'cancelled'] as const;
export type ActionItemState = (typeof ACTION_ITEM_STATES)[number];

/**
 * Where an action item stands: done on time or late (by its completion
 * time), cancelled, or still open — overdue once its due day has ended.
 */
export function actionItemState(
  item: Pick<ActionItem, 'status' | 'dueDate' | 'completedAt'>,
  now: string,
): ActionItemState {
  if (item.status === 'cancelled') return 'cancelled';
  const dueAt = Date.parse(actionItemDueAt(item.dueDate));
  if (item.status === 'done') {
    return item.completedAt && Date.parse(item.completedAt) > dueAt ? 'done-late' : 'done-on-time';
  }
  return Date.parse(now) > dueAt ? 'overdue' : 'open';
}

export interface ActionItemFollowThrough {
  /** Items whose due day has ended or that are done: the ones a deadline can be judged on. */
  judged: number;
  doneOnTime: number;
  doneLate: number;
  overdue: number;
  open: number;
  /** doneOnTime / judged as a percentage (0.1), absent when nothing can be judged yet. */
  onTimePercent?: number;
}

/**
 * Share of action items completed by their deadline. Cancelled items and items
 * not yet due don't count either way; an item done early counts as soon as it
 * is done.
 */
export function actionItemFollowThrough(
  items: Array<Pick<ActionItem, 'status' | 'dueDate' | 'completedAt'>>,
  now: string,
): ActionItemFollowThrough {
  const out: ActionItemFollowThrough = { judged: 0, doneOnTime: 0, doneLate: 0, overdue: 0, open: 0 };
  for (const item of items) {
    const state = actionItemState(item, now);
    if (state === 'done-on-time') out.doneOnTime += 1;
    else if (state === 'done-late') out.doneLate += 1;
    else if (state === 'overdue') out.overdue += 1;
    else if (state === 'open') out.open += 1;
  }
  out.judged = out.doneOnTime + out.doneLate + out.overdue;
  if (out.judged > 0) out.onTimePercent = Math.round((out.doneOnTime / out.judged) * 1000) / 10;
  return out;
}

const dueDateSchema = z
  .string({ error: 'dueDate is required, as YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'dueDate must be a date as YYYY-MM-DD')
  .refine(value => {
    const date = new Date(`${value}T00:00:00.000Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
  }, 'dueDate is not a real calendar date');

const trackerUrlSchema = z
  .string({ error: 'trackerUrl must be a string' })
  .trim()
  .max(2_000, 'trackerUrl is longer than 2000 characters')
  .refine(value => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || url.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'trackerUrl must be an http(s) URL');

const ownerRefSchema = entityRefSchema.superRefine((ref, ctx) => {
  if (!ref.startsWith('user:') && !ref.startsWith('group:')) {
    ctx.addIssue({ code: 'custom', message: `ownerRef "${ref}" must be a user or a group` });
  }
});

const actionItemTitle = z
  .string({ error: 'title is required' })
  .trim()
  .min(1, 'title is required')
  .max(300, 'title is longer than 300 characters');

/** Body of `POST /incidents/:id/action-items`. */
export const createActionItemSchema = z
  .object({
    title: actionItemTitle,
    ownerRef: ownerRefSchema,
    priority: z.enum(ACTION_ITEM_PRIORITIES, { error: `priority must be one of ${ACTION_ITEM_PRIORITIES.join(', ')}` }),
    dueDate: dueDateSchema,
    trackerUrl: trackerUrlSchema.optional(),
  })
  .strict();

/** Body of `PATCH /incidents/:id/action-items/:itemId`: the changes and the version they were read at. */
export const updateActionItemSchema = z
  .object({
    version: postmortemVersionSchema,
    title: actionItemTitle.optional(),
    ownerRef: ownerRefSchema.optional(),
    priority: z
      .enum(ACTION_ITEM_PRIORITIES, { error: `priority must be one of ${ACTION_ITEM_PRIORITIES.join(', ')}` })
      .optional(),
    dueDate: dueDateSchema.optional(),
    status: z
      .enum(ACTION_ITEM_STATUSES, { error: `status must be one of ${ACTION_ITEM_STATUSES.join(', ')}` })
      .optional(),
    trackerUrl: trackerUrlSchema.nullable().optional(),
  })
  .strict()
  .refine(d => Object.keys(d).some(k => k !== 'version'), {
    message: 'nothing to change: give at least one field besides version',
  });

export type CreateActionItemRequest = z.input<typeof createActionItemSchema>;
export type UpdateActionItemRequest = z.input<typeof updateActionItemSchema>;

// ---------------------------------------------------------------------------
// Repeat incidents

/** Look this far back for an earlier incident with the same failure mode. */
export const DEFAULT_REPEAT_WINDOW_DAYS = 180;

export interface RepeatCandidateInput {
  incidentId: string;
  declaredAt: string;
  entityRefs: string[];
  /** Failure modes named by its post-mortem, plus the incident's own tags. */
  failureModes: string[];
}

export interface RepeatCandidate {
  incidentId: string;
  sharedEntityRefs: string[];
  sharedFailureModes: string[];
  explanation: string;
}

/**
 * Earlier incidents that this one may repeat: declared before it within the
 * window, on at least one of the same entities, with at least one failure mode
 * (or tag) in common. Most recent first.
 */
export function findRepeatCandidates(
  incident: RepeatCandidateInput,
  earlier: RepeatCandidateInput[],
  windowDays: number = DEFAULT_REPEAT_WINDOW_DAYS,
): RepeatCandidate[] {
  const at = Date.parse(incident.declaredAt);
  const from = at - windowDays * 24 * HOUR;
  const entities = new Set(incident.entityRefs);
  const modes = new Set(incident.failureModes.map(normalizeFailureMode));
  return earlier
    .filter(e => e.incidentId !== incident.incidentId)
    .filter(e => {
      const t = Date.parse(e.declaredAt);
      return t < at && t >= from;
    })
    .map(e => ({
      e,
      sharedEntityRefs: [...new Set(e.entityRefs)].filter(r => entities.has(r)),
      sharedFailureModes: [...new Set(e.failureModes.map(normalizeFailureMode))].filter(m => modes.has(m)),
    }))
    .filter(c => c.sharedEntityRefs.length > 0 && c.sharedFailureModes.length > 0)
    .sort((a, b) => Date.parse(b.e.declaredAt) - Date.parse(a.e.declaredAt))
    .map(c => ({
      incidentId: c.e.incidentId,
      sharedEntityRefs: c.sharedEntityRefs,
      sharedFailureModes: c.sharedFailureModes,
      explanation: `Same failure mode (${c.sharedFailureModes.join(', ')}) on ${c.sharedEntityRefs.join(', ')}.`,
    }));
}

/** An earlier incident this one was linked to as a repeat, with the follow-through it had. */
export interface RepeatLink {
  incidentId: string;
  earlierIncidentId: string;
  earlierTitle: string;
  earlierDeclaredAt: string;
  failureMode: string;
  linkedBy: string;
  linkedAt: string;
  /** The earlier incident's action items. */
  earlierActionItems: { total: number; done: number; open: number };
}

/**
 * The call-out when a root cause recurs although it already had action items:
 * either they are still open (follow-through is late) or they were all done
 * and did not prevent it (the fix missed the cause). Undefined when the earlier
 * incident had no action items, or none that was done or is open (all cancelled).
 */
export function repeatCallout(link: Pick<RepeatLink, 'earlierTitle' | 'failureMode' | 'earlierActionItems'>): string | undefined {
  const { total, done, open } = link.earlierActionItems;
  if (total === 0 || (open === 0 && done === 0)) return undefined;
  if (open > 0) {
    return `"${link.failureMode}" recurred while ${open} of ${total} action items from "${link.earlierTitle}" are still open.`;
  }
  return `"${link.failureMode}" recurred although all ${done} action items from "${link.earlierTitle}" were done: they did not remove the cause.`;
}

/** Body of `POST /incidents/:id/repeats`. */
export const linkRepeatSchema = z
  .object({
    earlierIncidentId: z.string({ error: 'earlierIncidentId is required' }).trim().min(1, 'earlierIncidentId is required').max(64),
    failureMode: failureModeSchema,
  })
  .strict();

export interface RepeatRate {
  incidents: number;
  repeats: number;
  /** repeats / incidents as a percentage (0.1), absent with no incidents. */
  percent?: number;
}

/** Share of incidents that were linked as repeats of an earlier one. */
export function repeatRate(incidents: number, repeats: number): RepeatRate {
  if (incidents <= 0) return { incidents: 0, repeats: 0 };
  return { incidents, repeats, percent: Math.round((repeats / incidents) * 1000) / 10 };
}

// ---------------------------------------------------------------------------
// Runbook adherence

export const RUNBOOK_ADHERENCE = ['followed', 'deviated', 'not-followed'] as const;
export type RunbookAdherence = (typeof RUNBOOK_ADHERENCE)[number];

export interface RunbookUsage {
  incidentId: string;
  runbookId: string;
  runbookTitle: string;
  adherence: RunbookAdherence;
  /** Why the responders left the runbook; required for a deviation. */
  deviationReason?: string;
  recordedBy: string;
  recordedAt: string;
}

/** Body of `PUT /incidents/:id/runbooks/:runbookId`. */
export const runbookUsageSchema = z
  .object({
    adherence: z.enum(RUNBOOK_ADHERENCE, { error: `adherence must be one of ${RUNBOOK_ADHERENCE.join(', ')}` }),
    deviationReason: z.string().trim().max(2_000, 'deviationReason is longer than 2000 characters').optional(),
  })
  .strict()
  .refine(u => u.adherence !== 'deviated' || !!u.deviationReason, {
    message: 'say why the responders deviated from the runbook (deviationReason)',
    path: ['deviationReason'],
  });

/**
 * Whether a runbook usage counts against the responders' procedural
 * consistency. A documented deviation never does — deviating for a stated
 * reason is judgement, not a lapse; only not following it without a reason does.
 */
export function adherenceCountsAgainst(usage: Pick<RunbookUsage, 'adherence' | 'deviationReason'>): boolean {
  if (usage.adherence === 'followed') return false;
  if (usage.adherence === 'deviated') return !usage.deviationReason;
  return !usage.deviationReason;
}

// ---------------------------------------------------------------------------
// Post-mortem follow-through metrics

export interface PostmortemFollowThrough {
  /** Resolved incidents that needed a full post-mortem. */
  required: number;
  /** Of those, final within the deadline. */
  metDeadline: number;
  late: number;
  overdue: number;
  /** Still within the deadline. */
  due: number;
  /** metDeadline / (met + late + overdue) as a percentage (0.1), absent when none was judged yet. */
  withinDeadlinePercent?: number;
}

/** Share of required post-mortems that were final within the deadline. */
export function postmortemFollowThrough(deadlines: PostmortemDeadline[]): PostmortemFollowThrough {
  const out: PostmortemFollowThrough = { required: 0, metDeadline: 0, late: 0, overdue: 0, due: 0 };
  for (const d of deadlines) {
    if (d.state === 'not-required' || d.state === 'incident-open') continue;
    out.required += 1;
    if (d.state === 'met') out.metDeadline += 1;
    else if (d.state === 'late') out.late += 1;
    else if (d.state === 'overdue') out.overdue += 1;
    else out.due += 1;
  }
  const judged = out.metDeadline + out.late + out.overdue;
  if (judged > 0) out.withinDeadlinePercent = Math.round((out.metDeadline / judged) * 1000) / 10;
  return out;
}
