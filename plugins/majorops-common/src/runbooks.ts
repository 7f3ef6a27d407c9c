import { z } from 'zod';
import { parseIsoTimestamp } from './escalation';
import { entityRefSchema } from './schemas';

/** Runbooks must be tested quarterly: untested for longer than this, a runbook is stale. */
export const DEFAULT_RUNBOOK_STALE_AFTER_DAYS = 90;
/** Within this many days of going stale, a runbook is due for a drill. */
export const RUNBOOK_DUE_SOON_DAYS = 14;

export const RUNBOOK_FRESHNESS_STATUSES = ['never-tested', 'fresh', 'due-soon', 'stale'] as const;
export type RunbookFreshnessStatus = (typeof RUNBOOK_FRESHNESS_STATUSES)[number];

export interface RunbookFreshness {
  status: RunbookFreshnessStatus;
  /** Whole days since the last passed drill; undefined when never tested. */
  ageDays?: number;
  /** A sentence for the badge's tooltip. */
  explanation: string;
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * How fresh a runbook is: an untested runbook is a false sense of security, so
 * "never tested" is as bad as stale; after `staleAfterDays` without a passed
 * drill it is stale, and in the last two weeks before that it is due soon.
 */
export function runbookFreshness(
  lastTestedAt: string | undefined,
  now: string,
  staleAfterDays: number = DEFAULT_RUNBOOK_STALE_AFTER_DAYS,
): RunbookFreshness {
  if (!lastTestedAt) {
    return {
      status: 'never-tested',
      explanation: 'Never tested in a drill or game day: nobody knows whether it works.',
    };
  }
  const ageDays = Math.max(0, Math.floor((Date.parse(now) - Date.parse(lastTestedAt)) / DAY));
  if (ageDays > staleAfterDays) {
    return {
      status: 'stale',
      ageDays,
      explanation: `Last tested ${ageDays} days ago, more than ${staleAfterDays}: run a drill before relying on it.`,
    };
  }
  if (ageDays > staleAfterDays - RUNBOOK_DUE_SOON_DAYS) {
    return {
      status: 'due-soon',
      ageDays,
      explanation: `Last tested ${ageDays} days ago; stale after ${staleAfterDays}. Schedule a drill.`,
    };
  }
  return { status: 'fresh', ageDays, explanation: `Last tested ${ageDays} days ago.` };
}

/** The sections every runbook has, after the incident commander's runbook template. */
export const RUNBOOK_SECTIONS = [
  'Quick Reference',
  'Detection',
  'Diagnosis',
  'Remediation',
  'Verification',
  'Communication',
] as const;

/**
 * Sections of the template missing from a runbook body, by `## ` heading. A
 * heading counts for a section when it is the section's name, or starts with
 * it as whole words ("## Remediation options", "## Verification checklist").
 */
export function missingRunbookSections(body: string): string[] {
  const headings = body
    .split('\n')
    .filter(line => /^##\s+/.test(line))
    .map(line => line.replace(/^##\s+/, '').trim().toLocaleLowerCase('en-US'));
  return RUNBOOK_SECTIONS.filter(section => {
    const name = section.toLocaleLowerCase('en-US');
    return !headings.some(
      heading => heading === name || (heading.startsWith(name) && !/[\p{L}\p{N}]/u.test(heading[name.length])),
    );
  });
}

/** A new runbook's body, from the template, filled in with what the catalog knows. */
export function runbookTemplate(options: {
  title: string;
  entityRef: string;
  ownerRef?: string;
}): string {
  return `# Runbook: ${options.title}

## Quick Reference
- **Service**: ${options.entityRef}
- **Owner team**: ${options.ownerRef ?? '(owner from the catalog)'}
- **On-call**: (schedule link)
- **Dashboards**: (links)
- **Last tested**: recorded by MajorOps when a drill passes

## Detection
- **Alert**: (alert name and monitoring tool)
- **Symptoms**: (what users and metrics look like during this failure)
- **False positive check**: (how to confirm this is a real incident)

## Diagnosis
1. Check service health.
2. Review error rates.
3. Check recent deployments.
4. Review dependency health.

## Remediation
### Option A: Roll back (preferred if deploy-related)
(steps)

### Option B: Restart (if state corruption is suspected)
(steps)

### Option C: Scale up (if capacity-related)
(steps)

## Verification
- [ ] Error rate back to baseline
- [ ] Latency p99 within SLO
- [ ] No new alerts firing for 10 minutes
- [ ] User-facing functionality checked by hand

## Communication
- Internal: post an update in the incident channel
- External: update the status page if customers are affected
- Follow-up: post-mortem within 48 hours for SEV1/SEV2
`;
}

export const MAX_RUNBOOK_BODY_LENGTH = 100_000;

const runbookTitle = z
  .string({ error: 'title must be a string' })
  .trim()
  .min(1, 'title is required')
  .max(200, 'title is longer than 200 characters');
const runbookBody = z
  .string({ error: 'body must be a string' })
  .max(MAX_RUNBOOK_BODY_LENGTH, `body is longer than ${MAX_RUNBOOK_BODY_LENGTH} characters`);

/** Body of `POST /runbooks`; the body defaults to the template. */
export const createRunbookSchema = z
  .object({ entityRef: entityRefSchema, title: runbookTitle, body: runbookBody.optional() })
  .strict();

/** Body of `PUT /runbooks/:id`: the whole new text, the version it was based on, and a note. */
export const updateRunbookSchema = z
  .object({
    version: z
      .number({ error: 'version is required: send the version you last read' })
      .int('version must be a whole number')
      .min(1, 'version must be at least 1'),
    title: runbookTitle,
    body: runbookBody,
    changeNote: z.string().trim().max(500, 'changeNote is longer than 500 characters').optional(),
  })
  .strict();

export const DRILL_KINDS = ['drill', 'game-day'] as const;
export const DRILL_OUTCOMES = ['passed', 'partial', 'failed'] as const;
export type DrillKind = (typeof DRILL_KINDS)[number];
export type DrillOutcome = (typeof DRILL_OUTCOMES)[number];

/** Body of `POST /runbooks/:id/drills`. */
export const recordDrillSchema = z
  .object({
    kind: z.enum(DRILL_KINDS, { error: `kind must be one of ${DRILL_KINDS.join(', ')}` }),
    outcome: z.enum(DRILL_OUTCOMES, { error: `outcome must be one of ${DRILL_OUTCOMES.join(', ')}` }),
    // With a zone, and a real date: a local time would be read in the server's
    // zone, and 30 February would silently become 2 March.
    performedAt: z.string({ error: 'performedAt is required' }).transform((value, ctx) => {
      try {
        return new Date(parseIsoTimestamp(value, 'performedAt')).toISOString();
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: 'performedAt must be an ISO-8601 timestamp with a time zone, e.g. 2026-11-23T10:00:00Z',
        });
        return z.NEVER;
      }
    }),
    participants: z
      .array(entityRefSchema)
      .max(50, 'at most 50 participants')
      .default([])
      .transform(refs => [...new Set(refs)]),
    notes: z.string().trim().max(5000, 'notes are longer than 5000 characters').default(''),
  })
  .strict();

export interface RunbookRevision {
  runbookId: string;
  revision: number;
  title: string;
  body: string;
  authorRef: string;
  createdAt: string;
  changeNote?: string;
}

export interface RunbookDrill {
  id: string;
  runbookId: string;
  kind: DrillKind;
  outcome: DrillOutcome;
  performedAt: string;
  participants: string[];
  notes: string;
  recordedBy: string;
  recordedAt: string;
}
