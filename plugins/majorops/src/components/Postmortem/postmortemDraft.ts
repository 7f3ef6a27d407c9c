import type {
  ContributingFactors,
  PostmortemKind,
  PostmortemStatus,
  PostmortemView,
  PostmortemVisibility,
  PutPostmortemRequest,
} from '@majorops/plugin-majorops-common';

/** A timeline row as the form edits it: the time as typed (UTC), and the timestamp it was read with. */
export interface DraftTimelineRow {
  /** Stable key for React while rows are added and removed. */
  key: string;
  time: string;
  text: string;
  /** The ISO timestamp the row was loaded with; kept as is when the time was not edited. */
  at?: string;
  sourceEventId?: string;
}

/** What the post-mortem form holds: every section as the user types it. */
export interface PostmortemDraft {
  kind: PostmortemKind;
  executiveSummary: string;
  usersAffected: string;
  revenueImpact: string;
  sloBudgetConsumedPercent: string;
  supportTickets: string;
  timeline: DraftTimelineRow[];
  whatHappened: string;
  contributingFactors: ContributingFactors;
  fiveWhys: string[];
  wentWell: string[];
  wentPoorly: string[];
  lessonsLearned: string;
  /** Failure modes as typed, comma-separated. */
  failureModes: string;
  facilitatorRef?: string;
  visibility: PostmortemVisibility;
  visibleToGroups: string[];
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-03-01 14:02": an ISO timestamp to the minute, in UTC, as the timeline shows it. */
export function formatUtcMinute(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(
    date.getUTCHours(),
  )}:${pad(date.getUTCMinutes())}`;
}

/** The ISO timestamp of a "YYYY-MM-DD HH:mm" UTC time, or undefined when it is not a real one. */
export function parseUtcMinute(text: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/.exec(text.trim());
  if (!match) return undefined;
  const [year, month, day, hours, minutes] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hours, minutes));
  if (
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hours ||
    date.getUTCMinutes() !== minutes
  ) {
    return undefined;
  }
  return date.toISOString();
}

let rowCounter = 0;
/** A key for a timeline row, unique within the page. */
export function newRowKey(): string {
  rowCounter += 1;
  return `row-${rowCounter}`;
}

/** The form's starting point: the post-mortem as last read. */
export function draftFromView(view: PostmortemView): PostmortemDraft {
  return {
    kind: view.kind,
    executiveSummary: view.executiveSummary,
    usersAffected: view.impact.usersAffected,
    revenueImpact: view.impact.revenueImpact,
    sloBudgetConsumedPercent: view.impact.sloBudgetConsumedPercent?.toString() ?? '',
    supportTickets: view.impact.supportTickets?.toString() ?? '',
    timeline: view.timeline.map(row => ({
      key: newRowKey(),
      time: formatUtcMinute(row.at),
      text: row.text,
      at: row.at,
      sourceEventId: row.sourceEventId,
    })),
    whatHappened: view.whatHappened,
    contributingFactors: { ...view.contributingFactors },
    fiveWhys: [...view.fiveWhys],
    wentWell: [...view.wentWell],
    wentPoorly: [...view.wentPoorly],
    lessonsLearned: view.lessonsLearned,
    failureModes: view.failureModes.join(', '),
    facilitatorRef: view.facilitatorRef,
    visibility: view.visibility,
    visibleToGroups: [...view.visibleToGroups],
  };
}

/** The failure modes typed in the comma-separated field. */
export function splitFailureModes(text: string): string[] {
  return text
    .split(',')
    .map(mode => mode.trim())
    .filter(mode => mode.length > 0);
}

/** The ISO time of a timeline row: unchanged when its time was not edited, else as typed. */
export function timelineRowAt(row: DraftTimelineRow): string | undefined {
  if (row.at && formatUtcMinute(row.at) === row.time.trim()) return row.at;
  return parseUtcMinute(row.time);
}

/** Timeline rows whose time cannot be read, to flag before saving. */
export function invalidTimelineRows(draft: PostmortemDraft): Set<string> {
  return new Set(draft.timeline.filter(row => !timelineRowAt(row)).map(row => row.key));
}

const optionalNumber = (text: string): number | undefined => {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
};

/** The document as the post-mortem's timeline and sections in a `PostmortemContent`-like shape. */
export function contentOfDraft(draft: PostmortemDraft) {
  return {
    kind: draft.kind,
    executiveSummary: draft.executiveSummary,
    impact: {
      usersAffected: draft.usersAffected,
      revenueImpact: draft.revenueImpact,
      sloBudgetConsumedPercent: optionalNumber(draft.sloBudgetConsumedPercent),
      supportTickets: optionalNumber(draft.supportTickets),
    },
    timeline: draft.timeline
      .filter(row => row.text.trim() !== '')
      .map(row => ({
        at: timelineRowAt(row) ?? row.time,
        text: row.text,
        ...(row.sourceEventId ? { sourceEventId: row.sourceEventId } : {}),
      })),
    whatHappened: draft.whatHappened,
    contributingFactors: draft.contributingFactors,
    fiveWhys: draft.fiveWhys,
    wentWell: draft.wentWell,
    wentPoorly: draft.wentPoorly,
    lessonsLearned: draft.lessonsLearned,
  };
}

/**
 * The body of `PUT /incidents/:id/postmortem`: the whole document, the
 * version it was read at and the status it should have. Rows and list entries
 * left empty are not sent; a visibility for the organisation names no groups.
 */
export function requestFromDraft(
  draft: PostmortemDraft,
  version: number,
  status: PostmortemStatus,
): PutPostmortemRequest {
  const content = contentOfDraft(draft);
  const impact: PutPostmortemRequest['impact'] = {
    usersAffected: content.impact.usersAffected,
    revenueImpact: content.impact.revenueImpact,
  };
  if (content.impact.sloBudgetConsumedPercent !== undefined) {
    impact.sloBudgetConsumedPercent = content.impact.sloBudgetConsumedPercent;
  }
  if (content.impact.supportTickets !== undefined) impact.supportTickets = content.impact.supportTickets;
  const nonEmpty = (items: string[]) => items.filter(item => item.trim() !== '');
  return {
    version,
    status,
    kind: draft.kind,
    executiveSummary: content.executiveSummary,
    impact,
    timeline: content.timeline,
    whatHappened: content.whatHappened,
    contributingFactors: { ...content.contributingFactors },
    fiveWhys: nonEmpty(draft.fiveWhys),
    wentWell: nonEmpty(draft.wentWell),
    wentPoorly: nonEmpty(draft.wentPoorly),
    lessonsLearned: content.lessonsLearned,
    failureModes: splitFailureModes(draft.failureModes),
    facilitatorRef: draft.facilitatorRef ?? null,
    visibility: draft.visibility,
    visibleToGroups: draft.visibility === 'restricted' ? draft.visibleToGroups : [],
  };
}

/** Whether the form differs from the post-mortem as last read. */
export function isDraftChanged(draft: PostmortemDraft, view: PostmortemView): boolean {
  const strip = (d: PostmortemDraft) => ({
    ...d,
    timeline: d.timeline.map(({ key: _key, ...row }) => row),
  });
  return JSON.stringify(strip(draft)) !== JSON.stringify(strip(draftFromView(view)));
}
