import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ACTION_ITEM_STATUSES,
  createActionItemSchema,
  entityRefSchema,
  entityRefOfKind,
  linkRepeatSchema,
  missingPostmortemSections,
  missingRunbookSections,
  postmortemRequirement,
  postmortemTimelineFromEvents,
  putPostmortemSchema,
  RUNBOOK_ADHERENCE,
  DRILL_KINDS,
  DRILL_OUTCOMES,
  INCIDENT_ROLE_TITLES,
  incidentRoleSchema,
  incidentStatusSchema,
  isCanComplete,
  renderStatusUpdate,
  severitySchema,
  statusUpdateAudienceSchema,
  type IncidentRole,
  type IncidentStatus,
} from '@majorops/plugin-majorops-common';
import fs from 'fs/promises';
import { parse as parseYaml } from 'yaml';
import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { IncidentStore, NewIncident, NewTimelineEvent } from '../database/IncidentStore';
import { PostmortemContent, PostmortemStore } from '../database/PostmortemStore';
import { RunbookStore } from '../database/RunbookStore';
import { ReputationStore } from '../reputation/ReputationStore';
import { recordTrainingSchema } from '../reputation/reputationSchemas';
import { parseInput } from './validation';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const minutes = z.number().int().min(0);

const hours = z.number().min(0);

/**
 * The post-mortem of a demo incident: who wrote it, when it was drafted, sent
 * to review and made final (hours after the incident was resolved), and its
 * sections exactly as `PUT /incidents/:id/postmortem` takes them — the same
 * schema checks them. The timeline is never given: it is generated from the
 * incident's events once they are written.
 */
const demoPostmortemSchema = z
  .object({
    author: entityRefOfKind('user'),
    facilitator: entityRefOfKind('user').optional(),
    draftHoursAfterResolved: hours,
    reviewHoursAfterResolved: hours.optional(),
    finalHoursAfterResolved: hours.optional(),
  })
  .catchall(z.unknown())
  .transform((value, ctx) => {
    const { author, facilitator, draftHoursAfterResolved, reviewHoursAfterResolved, finalHoursAfterResolved, ...sections } =
      value;
    for (const generated of ['timeline', 'version', 'facilitatorRef'] as const) {
      if (generated in sections) {
        ctx.addIssue({
          code: 'custom',
          path: [generated],
          message:
            generated === 'timeline'
              ? 'the timeline is generated from the incident\'s events; leave it out'
              : `${generated} is not part of a demo post-mortem${generated === 'facilitatorRef' ? ' (use facilitator)' : ''}`,
        });
      }
    }
    const parsed = putPostmortemSchema.safeParse({ ...sections, facilitatorRef: facilitator });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.addIssue({
          code: 'custom',
          path: issue.path.filter((p): p is string | number => typeof p !== 'symbol'),
          message: issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : issue.message,
        });
      }
    }
    if (!parsed.success || ctx.issues.length > 0) return z.NEVER;
    const content = parsed.data;
    const needed: Array<[number | undefined, string]> = [
      [reviewHoursAfterResolved, content.status === 'draft' ? '' : 'reviewHoursAfterResolved'],
      [finalHoursAfterResolved, content.status === 'final' ? 'finalHoursAfterResolved' : ''],
    ];
    for (const [value, field] of needed) {
      if (field && value === undefined) {
        ctx.addIssue({ code: 'custom', path: [field], message: `a ${content.status} post-mortem needs ${field}` });
      }
    }
    const moves = [draftHoursAfterResolved, reviewHoursAfterResolved, finalHoursAfterResolved].filter(
      (h): h is number => h !== undefined,
    );
    if (moves.some((h, i) => i > 0 && h < moves[i - 1])) {
      ctx.addIssue({ code: 'custom', message: 'a post-mortem is drafted, then reviewed, then made final: the hours must not decrease' });
    }
    if (content.status !== 'final' && finalHoursAfterResolved !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['finalHoursAfterResolved'], message: `a ${content.status} post-mortem has not been made final` });
    }
    if (content.status === 'draft' && reviewHoursAfterResolved !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['reviewHoursAfterResolved'], message: 'a draft post-mortem has not been sent to review' });
    }
    return {
      author,
      draftHoursAfterResolved,
      reviewHoursAfterResolved: content.status === 'draft' ? undefined : reviewHoursAfterResolved,
      finalHoursAfterResolved: content.status === 'final' ? finalHoursAfterResolved : undefined,
      content,
    };
  });

/**
 * An action item. Its due date and the moment it reached its status are days
 * after the start of the incident, so "done late" and "overdue" stay true
 * however long after writing the file it is loaded.
 */
const demoActionItemSchema = z
  .object({
    title: createActionItemSchema.shape.title,
    owner: createActionItemSchema.shape.ownerRef,
    priority: createActionItemSchema.shape.priority,
    dueDays: z.number().int().min(0),
    status: z.enum(ACTION_ITEM_STATUSES).default('not-started'),
    /** When the item reached its status, in days after the incident started. */
    statusDays: z.number().min(0).optional(),
    trackerUrl: createActionItemSchema.shape.trackerUrl,
  })
  .strict()
  .refine(item => (item.status === 'not-started') === (item.statusDays === undefined), {
    message: 'give statusDays (days after the start when the item reached its status) exactly when status is not not-started',
    path: ['statusDays'],
  });

/**
 * One demo incident. Times are relative so the history always ends "now":
 * either `daysAgo` and `startUtc` place the start of impact on a past day, or
 * `minutesAgo` places it relative to the moment of loading (for incidents that
 * are still open). Each milestone is given in minutes after the start.
 */
const demoIncidentSchema = z
  .object({
    title: z.string().min(1).max(200),
    summary: z.string().default(''),
    severity: severitySchema,
    status: incidentStatusSchema,
    type: z.string().optional(),
    tags: z.array(z.string()).default([]),
    externalCause: z.boolean().default(false),
    customerReported: z.boolean().default(false),
    entities: z.array(entityRefSchema).min(1),
    daysAgo: z.number().min(0).optional(),
    startUtc: z.string().regex(/^\d{2}:\d{2}$/, 'startUtc must be HH:MM').optional(),
    minutesAgo: minutes.optional(),
    minutesAfterStart: z
      .object({
        detected: minutes,
        declared: minutes,
        acknowledged: minutes.optional(),
        mitigated: minutes.optional(),
        resolved: minutes.optional(),
        closed: minutes.optional(),
      })
      .strict(),
    roles: z.partialRecord(incidentRoleSchema, entityRefOfKind('user')).default({}),
    /** Who shadowed which role from the declaration on, to learn it (the holder mentors them). */
    shadows: z.partialRecord(incidentRoleSchema, entityRefOfKind('user')).default({}),
    /** Status updates, in CAN format, posted by the communications lead (or the commander). */
    updates: z
      .array(
        z
          .object({
            minutesAfterStart: minutes,
            audience: statusUpdateAudienceSchema.default('engineering'),
            conditions: z.string().min(1),
            actions: z.string().min(1),
            needs: z.string().default(''),
          })
          .strict(),
      )
      .default([]),
    /** The post-mortem written after the incident, with when it moved through review. */
    postmortem: demoPostmortemSchema.optional(),
    /** Follow-up action items; created with the post-mortem (or at resolution without one). */
    actionItems: z.array(demoActionItemSchema).default([]),
    /** An earlier incident in this file (by title) that this one repeats, and the shared failure mode. */
    repeatOf: z
      .object({ incident: z.string().min(1), failureMode: linkRepeatSchema.shape.failureMode })
      .strict()
      .optional(),
  })
  .strict()
  .refine(d => (d.minutesAgo !== undefined) !== (d.daysAgo !== undefined && d.startUtc !== undefined), {
    message: 'give either minutesAgo, or both daysAgo and startUtc',
  })
  .refine(
    d =>
      d.minutesAgo === undefined ||
      Object.values(d.minutesAfterStart).every(m => m === undefined || m <= d.minutesAgo!),
    { message: 'a milestone of an incident placed with minutesAgo lies in the future' },
  );

export type DemoIncident = z.infer<typeof demoIncidentSchema>;

function startOf(demo: DemoIncident, now: Date): number {
  if (demo.minutesAgo !== undefined) {
    return now.getTime() - demo.minutesAgo * MINUTE;
  }
  const [hours, mins] = demo.startUtc!.split(':').map(Number);
  const day = new Date(now.getTime() - Math.floor(demo.daysAgo!) * DAY);
  return Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hours, mins);
}

/** Turns a relative demo incident into what the store writes. */
export function demoIncidentToNew(demo: DemoIncident, now: Date): NewIncident {
  const start = startOf(demo, now);
  const at = (offset: number | undefined) =>
    offset === undefined ? undefined : new Date(start + offset * MINUTE).toISOString();
  const m = demo.minutesAfterStart;
  const declaredAt = at(m.declared)!;
  const commander = demo.roles['incident-commander'];
  const createdBy = commander ?? 'user:default/guest';
  return {
    title: demo.title,
    summary: demo.summary,
    severity: demo.severity,
    status: demo.status,
    incidentType: demo.type,
    tags: demo.tags,
    externalCause: demo.externalCause,
    customerReported: demo.customerReported,
    source: 'demo',
    entities: demo.entities.map(entityRef => ({ entityRef })),
    roles: Object.entries(demo.roles).map(([role, userRef]) => ({
      role: role as NewIncident['roles'][number]['role'],
      userRef: userRef!,
      assignedBy: createdBy,
      assignedAt: declaredAt,
    })),
    shadows: Object.entries(demo.shadows).map(([role, userRef]) => ({
      role: role as IncidentRole,
      userRef: userRef!,
      assignedBy: createdBy,
      assignedAt: declaredAt,
    })),
    milestones: {
      impactStartedAt: new Date(start).toISOString(),
      detectedAt: at(m.detected),
      declaredAt,
      acknowledgedAt: at(m.acknowledged),
      mitigatedAt: at(m.mitigated),
      resolvedAt: at(m.resolved),
      closedAt: at(m.closed),
    },
    createdBy,
    createdAt: declaredAt,
    timeline: demoTimeline(demo, createdBy, declaredAt, at),
  };
}

/**
 * The timeline a demo incident's milestones imply: its declaration, the roles
 * given at declaration, each status change at its milestone, and the status
 * updates the file lists. Nothing beyond what the file states is invented.
 */
function demoTimeline(
  demo: DemoIncident,
  commander: string,
  declaredAt: string,
  at: (offset: number | undefined) => string | undefined,
): NewTimelineEvent[] {
  const m = demo.minutesAfterStart;
  const events: NewTimelineEvent[] = [
    {
      type: 'declared',
      occurredAt: declaredAt,
      actorRef: commander,
      body: { text: `Declared ${demo.severity}: ${demo.title}`, severity: demo.severity, entityRefs: demo.entities },
    },
    ...Object.entries(demo.roles).map(([role, userRef]) => ({
      type: 'role-assigned' as const,
      occurredAt: declaredAt,
      actorRef: commander,
      body: { text: `${userRef} is ${INCIDENT_ROLE_TITLES[role as IncidentRole]}`, role, userRef },
    })),
    ...Object.entries(demo.shadows).map(([role, userRef]) => ({
      type: 'shadow-assigned' as const,
      occurredAt: declaredAt,
      actorRef: commander,
      body: {
        text: `${userRef} shadows ${demo.roles[role as IncidentRole]} as ${INCIDENT_ROLE_TITLES[role as IncidentRole]}`,
        role,
        userRef,
        holderRef: demo.roles[role as IncidentRole],
      },
    })),
  ];
  // Status changes at the milestones the file gives, in lifecycle order.
  const steps: Array<[number | undefined, IncidentStatus]> = [
    [m.acknowledged, 'investigating'],
    [m.mitigated, demo.status === 'mitigating' ? 'mitigating' : 'monitoring'],
    [m.resolved, 'resolved'],
    [m.closed, 'closed'],
  ];
  let status: IncidentStatus = 'declared';
  for (const [offset, to] of steps) {
    if (offset === undefined) continue;
    events.push({
      type: 'status-change',
      occurredAt: at(offset)!,
      actorRef: commander,
      body: { text: `Status ${status} → ${to}`, from: status, to },
    });
    status = to;
  }
  if (status !== demo.status && status !== 'closed') {
    // e.g. an incident whose root cause is identified but not yet mitigated
    events.push({
      type: 'status-change',
      occurredAt: at(m.acknowledged ?? m.declared)!,
      actorRef: commander,
      body: { text: `Status ${status} → ${demo.status}`, from: status, to: demo.status },
    });
  }
  const author = demo.roles['communications-lead'] ?? commander;
  for (const update of demo.updates) {
    const rendered = renderStatusUpdate(
      update.audience,
      {
        severity: demo.severity,
        title: demo.title,
        services: demo.entities.map(ref => ref.split('/').pop()!),
        status: 'investigating',
        nextUpdateMinutes: 30,
      },
      update,
    );
    events.push({
      type: 'status-update',
      occurredAt: at(update.minutesAfterStart)!,
      actorRef: author,
      body: {
        text: rendered.text,
        subject: rendered.subject,
        audience: update.audience,
        conditions: update.conditions,
        actions: update.actions,
        needs: update.needs,
        canComplete: isCanComplete(update),
      },
    });
  }
  return events.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
}


const daysAgo = z.number().min(0);

/**
 * A runbook of a catalog entity, with its later revisions (each a set of
 * exact text replacements, so the file does not repeat the whole body), the
 * drills it went through and the incidents it was used in. Days count back
 * from the moment of loading.
 */
const demoRunbookSchema = z
  .object({
    entity: entityRefSchema,
    title: z.string().trim().min(1).max(200),
    author: entityRefOfKind('user'),
    createdDaysAgo: daysAgo,
    body: z.string().min(1),
    revisions: z
      .array(
        z
          .object({
            author: entityRefOfKind('user'),
            daysAgo,
            changeNote: z.string().trim().min(1).max(500),
            edits: z
              .array(z.object({ find: z.string().min(1), replace: z.string() }).strict())
              .min(1),
          })
          .strict(),
      )
      .default([]),
    drills: z
      .array(
        z
          .object({
            daysAgo,
            kind: z.enum(DRILL_KINDS),
            outcome: z.enum(DRILL_OUTCOMES),
            participants: z.array(entityRefSchema).min(1),
            recordedBy: entityRefOfKind('user'),
            notes: z.string().trim().max(5000).default(''),
          })
          .strict(),
      )
      .default([]),
    usedIn: z
      .array(
        z
          .object({
            incident: z.string().min(1),
            adherence: z.enum(RUNBOOK_ADHERENCE),
            deviationReason: z.string().trim().min(1).max(2000).optional(),
            /** Defaults to the incident commander. */
            recordedBy: entityRefOfKind('user').optional(),
          })
          .strict()
          .refine(u => u.adherence !== 'deviated' || !!u.deviationReason, {
            message: 'say why the responders deviated from the runbook (deviationReason)',
            path: ['deviationReason'],
          }),
      )
      .default([]),
  })
  .strict();

/**
 * A training or certification record of a person, as `POST
 * /responders/:userRef/training` takes it (kind and issuer are checked by the
 * same schema), with days relative to the moment of loading: completed that
 * many days ago, and expiring that many days from now — negative for one that
 * has already expired.
 */
const demoTrainingSchema = z
  .object({
    userRef: entityRefOfKind('user'),
    kind: recordTrainingSchema.shape.kind,
    issuer: recordTrainingSchema.shape.issuer,
    completedDaysAgo: daysAgo,
    expiresInDays: z.number().optional(),
    /** Who recorded it; defaults to the lead of SRE, who manages training in the demo. */
    recordedBy: entityRefOfKind('user').optional(),
  })
  .strict()
  .refine(t => t.expiresInDays === undefined || t.expiresInDays > -t.completedDaysAgo, {
    message: 'a record expires after it was completed: expiresInDays must be above -completedDaysAgo',
    path: ['expiresInDays'],
  });

/** Who records the demo's training records unless one says otherwise (see org.yaml: the guest leads SRE). */
const DEMO_TRAINING_RECORDER = 'user:default/guest';

const demoFileSchema = z
  .object({
    incidents: z.array(demoIncidentSchema),
    runbooks: z.array(demoRunbookSchema).default([]),
    training: z.array(demoTrainingSchema).default([]),
  })
  .strict();

export type DemoFile = z.infer<typeof demoFileSchema>;

/** What the demo data put into the database. */
export interface DemoDataSummary {
  incidents: number;
  postmortems: number;
  actionItems: number;
  repeatLinks: number;
  runbooks: number;
  runbookRevisions: number;
  drills: number;
  runbookUsages: number;
  training: number;
}

const HOUR = 60 * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();

interface PlannedIncident {
  incident: NewIncident;
  postmortem?: {
    authorRef: string;
    reviewerRef: string;
    content: Omit<PostmortemContent, 'timeline' | 'status'>;
    moves: Array<{ status: PostmortemContent['status']; at: string }>;
  };
  actionItems: Array<{
    input: { title: string; ownerRef: string; priority: 'P1' | 'P2' | 'P3'; dueDate: string; trackerUrl?: string };
    createdBy: string;
    createdAt: string;
    change?: { status: 'in-progress' | 'done' | 'cancelled'; by: string; at: string };
  }>;
  repeatOf?: { index: number; failureMode: string; by: string; at: string };
}

interface PlannedRunbook {
  create: { entityRef: string; title: string; body: string; authorRef: string; at: string };
  revisions: Array<{ title: string; body: string; changeNote: string; authorRef: string; at: string }>;
  drills: Array<Parameters<RunbookStore['recordDrill']>[1]>;
  usages: Array<{ index: number; adherence: (typeof RUNBOOK_ADHERENCE)[number]; deviationReason?: string; by: string; at: string }>;
}

export interface DemoPlan {
  incidents: PlannedIncident[];
  runbooks: PlannedRunbook[];
  training: Array<Parameters<ReputationStore['addTraining']>[0]>;
}

/** Every user the demo history names: in roles, post-mortems, action items and runbooks. */
function peopleOf(file: DemoFile): Set<string> {
  const people = new Set<string>();
  const add = (ref: string | undefined) => {
    if (ref?.startsWith('user:')) people.add(ref);
  };
  for (const incident of file.incidents) {
    Object.values(incident.roles).forEach(add);
    Object.values(incident.shadows).forEach(add);
    add(incident.postmortem?.author);
    add(incident.postmortem?.content.facilitatorRef ?? undefined);
    incident.actionItems.forEach(item => add(item.owner));
  }
  for (const runbook of file.runbooks) {
    add(runbook.author);
    runbook.revisions.forEach(revision => add(revision.author));
    runbook.drills.forEach(drill => [...drill.participants, drill.recordedBy].forEach(add));
    runbook.usedIn.forEach(usage => add(usage.recordedBy));
  }
  return people;
}

/**
 * Turns the parsed file into absolute writes, checking what a schema cannot:
 * references by title, times that would lie in the future, post-mortems that
 * are in review or final without every section, runbook edits that do not
 * apply. Every problem is reported at once, and nothing is written when there
 * is one.
 */
export function planDemoData(file: DemoFile, now: Date, what = 'demo data'): DemoPlan {
  const problems: string[] = [];
  const nowMs = now.getTime();
  const byTitle = new Map<string, number>();
  file.incidents.forEach((demo, index) => {
    if (byTitle.has(demo.title)) {
      problems.push(`incidents.${index} "${demo.title}": the title is used twice, so references to it are ambiguous`);
    }
    byTitle.set(demo.title, index);
  });
  const findIncident = (title: string, where: string): number | undefined => {
    const index = byTitle.get(title);
    if (index === undefined) problems.push(`${where}: no incident in the file is titled "${title}"`);
    return index;
  };
  const notFuture = (ms: number, where: string) => {
    if (ms > nowMs) problems.push(`${where} lies in the future of the moment of loading`);
  };

  const incidents = file.incidents.map((demo, index): PlannedIncident => {
    const where = `incidents.${index} "${demo.title}"`;
    const incident = demoIncidentToNew(demo, now);
    const start = Date.parse(incident.milestones.impactStartedAt!);
    const declaredAt = incident.milestones.declaredAt;
    const resolvedAt = incident.milestones.resolvedAt;
    const commander = incident.createdBy;
    const planned: PlannedIncident = { incident, actionItems: [] };
    for (const [role, userRef] of Object.entries(demo.shadows)) {
      const holder = demo.roles[role as IncidentRole];
      if (!holder) problems.push(`${where} shadows.${role}: nobody holds that role to be shadowed`);
      else if (holder === userRef) problems.push(`${where} shadows.${role}: ${userRef} cannot shadow a role they hold`);
    }

    let writtenAt = resolvedAt ?? declaredAt;
    if (demo.postmortem) {
      const pm = demo.postmortem;
      if (!resolvedAt) {
        problems.push(`${where}: only a resolved incident has a post-mortem`);
      } else {
        const resolved = Date.parse(resolvedAt);
        const at = (h: number) => iso(resolved + h * HOUR);
        writtenAt = at(pm.draftHoursAfterResolved);
        const moves: Array<{ status: PostmortemContent['status']; at: string }> = [{ status: 'draft', at: writtenAt }];
        if (pm.reviewHoursAfterResolved !== undefined) moves.push({ status: 'review', at: at(pm.reviewHoursAfterResolved) });
        if (pm.finalHoursAfterResolved !== undefined) moves.push({ status: 'final', at: at(pm.finalHoursAfterResolved) });
        for (const move of moves) notFuture(Date.parse(move.at), `${where}: the post-mortem's move to ${move.status}`);
        const { status, timeline: _timeline, version: _version, facilitatorRef, kind, ...sections } = pm.content;
        const content = {
          ...sections,
          kind: kind ?? postmortemRequirement({ severity: demo.severity, isRepeat: !!demo.repeatOf }).kind,
          facilitatorRef: facilitatorRef ?? undefined,
        };
        if (status !== 'draft') {
          // The timeline is generated from the incident's events, and there is always its declaration.
          const active = demo.actionItems.filter(i => i.status !== 'cancelled').length;
          const missing = missingPostmortemSections({ ...content, timeline: [{ at: declaredAt, text: 'declared' }] }, active);
          if (missing.length > 0) {
            problems.push(`${where}: a ${status} post-mortem needs ${missing.map(m => m.label).join(', ')}`);
          }
        }
        planned.postmortem = { authorRef: pm.author, reviewerRef: facilitatorRef ?? pm.author, content, moves };
      }
    }

    demo.actionItems.forEach((item, i) => {
      const itemWhere = `${where} actionItems.${i} "${item.title}"`;
      const createdBy = planned.postmortem?.authorRef ?? commander;
      const dueDate = iso(start + item.dueDays * DAY).slice(0, 10);
      if (dueDate < writtenAt.slice(0, 10)) {
        problems.push(`${itemWhere}: due on ${dueDate}, before it was created on ${writtenAt.slice(0, 10)}`);
      }
      let change: PlannedIncident['actionItems'][number]['change'];
      if (item.status !== 'not-started') {
        const at = start + item.statusDays! * DAY;
        notFuture(at, `${itemWhere}: its move to ${item.status}`);
        if (at < Date.parse(writtenAt)) problems.push(`${itemWhere}: it became ${item.status} before it was created`);
        const by = item.owner.startsWith('user:') ? item.owner : createdBy;
        change = { status: item.status, by, at: iso(at) };
      }
      planned.actionItems.push({
        input: { title: item.title, ownerRef: item.owner, priority: item.priority, dueDate, trackerUrl: item.trackerUrl },
        createdBy,
        createdAt: writtenAt,
        change,
      });
    });

    if (demo.repeatOf) {
      const earlier = findIncident(demo.repeatOf.incident, `${where} repeatOf`);
      if (earlier !== undefined && earlier >= index) {
        problems.push(`${where} repeatOf: "${demo.repeatOf.incident}" is not listed before it (incidents are oldest first)`);
      } else if (earlier !== undefined) {
        planned.repeatOf = {
          index: earlier,
          failureMode: demo.repeatOf.failureMode,
          by: planned.postmortem?.authorRef ?? commander,
          at: writtenAt,
        };
      }
    }
    return planned;
  });

  const runbooks = file.runbooks.map((demo, r): PlannedRunbook => {
    const where = `runbooks.${r} "${demo.title}"`;
    const ago = (days: number) => iso(nowMs - days * DAY);
    const missing = missingRunbookSections(demo.body);
    if (missing.length > 0) problems.push(`${where}: the body lacks the template's sections ${missing.join(', ')}`);
    const revisions: PlannedRunbook['revisions'] = [];
    let body = demo.body;
    let previousDays = demo.createdDaysAgo;
    demo.revisions.forEach((revision, v) => {
      if (revision.daysAgo >= previousDays) {
        problems.push(`${where} revisions.${v}: daysAgo must be below the runbook's creation and the revision before`);
      }
      previousDays = revision.daysAgo;
      for (const edit of revision.edits) {
        const count = body.split(edit.find).length - 1;
        if (count !== 1) {
          problems.push(`${where} revisions.${v}: the text to replace occurs ${count} times, not once: "${edit.find.slice(0, 60)}"`);
        } else {
          body = body.replace(edit.find, () => edit.replace);
        }
      }
      revisions.push({ title: demo.title, body, changeNote: revision.changeNote, authorRef: revision.author, at: ago(revision.daysAgo) });
    });
    const drills = demo.drills.map((drill, d) => {
      if (drill.daysAgo > demo.createdDaysAgo) problems.push(`${where} drills.${d}: performed before the runbook was written`);
      const performedAt = nowMs - drill.daysAgo * DAY;
      return {
        kind: drill.kind,
        outcome: drill.outcome,
        performedAt: iso(performedAt),
        participants: drill.participants,
        notes: drill.notes,
        recordedBy: drill.recordedBy,
        recordedAt: iso(Math.min(performedAt + HOUR, nowMs)),
      };
    });
    const usages: PlannedRunbook['usages'] = [];
    demo.usedIn.forEach((usage, u) => {
      const index = findIncident(usage.incident, `${where} usedIn.${u}`);
      if (index === undefined) return;
      const { milestones, createdBy } = incidents[index].incident;
      if (Date.parse(milestones.declaredAt) < nowMs - demo.createdDaysAgo * DAY) {
        problems.push(`${where} usedIn.${u}: "${usage.incident}" was declared before the runbook was written`);
      }
      usages.push({
        index,
        adherence: usage.adherence,
        deviationReason: usage.deviationReason,
        by: usage.recordedBy ?? createdBy,
        at: milestones.resolvedAt ?? milestones.mitigatedAt ?? milestones.declaredAt,
      });
    });
    return {
      create: { entityRef: demo.entity, title: demo.title, body: demo.body, authorRef: demo.author, at: ago(demo.createdDaysAgo) },
      revisions,
      drills,
      usages,
    };
  });

  // Training is for the people of the demo history: a ref nobody else in the file names is a typo.
  const people = peopleOf(file);
  const recorded = new Set<string>();
  const training = file.training.map((record, t) => {
    const where = `training.${t} ${record.userRef} ${record.kind}`;
    if (!people.has(record.userRef)) {
      problems.push(`${where}: ${record.userRef} appears nowhere else in the file (roles, post-mortems, action items, runbooks)`);
    }
    const key = `${record.userRef} ${record.kind} ${record.completedDaysAgo}`;
    if (recorded.has(key)) problems.push(`${where}: the same record is listed twice`);
    recorded.add(key);
    const completedAt = nowMs - record.completedDaysAgo * DAY;
    return {
      userRef: record.userRef,
      kind: record.kind,
      issuer: record.issuer,
      completedAt: iso(completedAt),
      ...(record.expiresInDays === undefined ? {} : { expiresAt: iso(nowMs + record.expiresInDays * DAY) }),
      recordedBy: record.recordedBy ?? DEMO_TRAINING_RECORDER,
      recordedAt: iso(Math.min(completedAt + HOUR, nowMs)),
    };
  });

  if (problems.length > 0) {
    throw new InputError(`Invalid ${what}: ${problems.join('; ')}`);
  }
  return { incidents, runbooks, training };
}

/**
 * Loads the demo history into an empty database: incidents with their
 * timelines, post-mortems, action items and repeat links, runbooks with
 * their revisions, drills and use on incidents, and the training records that
 * give responders their levels. Does nothing when any incident exists, so a
 * restarted portal never duplicates it. The whole file is checked before
 * anything is written. Training is written only when the reputation store is
 * given.
 */
export async function loadDemoData(options: {
  store: IncidentStore;
  postmortems: PostmortemStore;
  runbooks: RunbookStore;
  /** Where training records go; without it they are checked but not written. */
  reputation?: ReputationStore;
  path: string;
  logger: LoggerService;
  now?: Date;
}): Promise<DemoDataSummary> {
  const { store, postmortems, runbooks, reputation, path, logger } = options;
  const summary: DemoDataSummary = {
    incidents: 0,
    postmortems: 0,
    actionItems: 0,
    repeatLinks: 0,
    runbooks: 0,
    runbookRevisions: 0,
    drills: 0,
    runbookUsages: 0,
    training: 0,
  };
  if ((await store.countIncidents()) > 0) {
    logger.info('Demo data not loaded: the database already holds incidents');
    return summary;
  }
  const what = `demo data in ${path}`;
  const file = parseInput(demoFileSchema, parseYaml(await fs.readFile(path, 'utf8')), what);
  const plan = planDemoData(file, options.now ?? new Date(), what);

  const ids: string[] = [];
  for (const planned of plan.incidents) {
    const { id } = await store.createIncident(planned.incident);
    ids.push(id);
    summary.incidents += 1;
    if (planned.repeatOf) {
      const { index, failureMode, by, at } = planned.repeatOf;
      await postmortems.linkRepeat(id, ids[index], failureMode, by, at);
      summary.repeatLinks += 1;
    }
    const items = [];
    for (const item of planned.actionItems) {
      items.push(await postmortems.createActionItem(id, item.input, item.createdBy, item.createdAt));
      summary.actionItems += 1;
    }
    if (planned.postmortem) {
      const { authorRef, reviewerRef, content, moves } = planned.postmortem;
      const events = await store.listTimeline(id, { limit: 500 });
      const full = { ...content, timeline: postmortemTimelineFromEvents(events.items) };
      let { version } = await postmortems.createPostmortem(id, { ...full, status: 'draft' }, authorRef, moves[0].at);
      for (const move of moves.slice(1)) {
        ({ version } = await postmortems.updatePostmortem(id, version, { ...full, status: move.status }, reviewerRef, move.at));
      }
      summary.postmortems += 1;
    }
    for (const [i, item] of planned.actionItems.entries()) {
      if (!item.change) continue;
      const { status, by, at } = item.change;
      await postmortems.updateActionItem(id, items[i].id, items[i].version, { status }, by, at);
    }
  }

  for (const planned of plan.runbooks) {
    let runbook = await runbooks.createRunbook(planned.create);
    summary.runbooks += 1;
    for (const revision of planned.revisions) {
      runbook = await runbooks.updateRunbook(runbook.id, runbook.version, revision);
      summary.runbookRevisions += 1;
    }
    for (const drill of planned.drills) {
      await runbooks.recordDrill(runbook.id, drill);
      summary.drills += 1;
    }
    for (const usage of planned.usages) {
      await postmortems.recordRunbookUsage(
        ids[usage.index],
        runbook.id,
        { adherence: usage.adherence, deviationReason: usage.deviationReason },
        usage.by,
        usage.at,
      );
      summary.runbookUsages += 1;
    }
  }

  if (reputation) {
    for (const record of plan.training) {
      await reputation.addTraining(record);
      summary.training += 1;
    }
  } else if (plan.training.length > 0) {
    logger.warn(`Demo data: ${plan.training.length} training records not loaded, as no reputation store was given`);
  }

  logger.info(
    `Loaded demo data from ${path}: ${summary.incidents} incidents, ${summary.postmortems} post-mortems, ` +
      `${summary.actionItems} action items, ${summary.repeatLinks} repeat links, ${summary.runbooks} runbooks ` +
      `(${summary.runbookRevisions} revisions, ${summary.drills} drills, ${summary.runbookUsages} uses on incidents), ` +
      `${summary.training} training records`,
  );
  return summary;
}
