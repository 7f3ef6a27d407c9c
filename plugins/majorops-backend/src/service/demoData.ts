import { LoggerService } from '@backstage/backend-plugin-api';
import {
  entityRefSchema,
  entityRefOfKind,
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
import { z } from 'zod';
import { IncidentStore, NewIncident, NewTimelineEvent } from '../database/IncidentStore';
import { parseInput } from './validation';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const minutes = z.number().int().min(0);

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

const demoFileSchema = z.object({ incidents: z.array(demoIncidentSchema) }).strict();

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

/**
 * Loads the demo history into an empty database. Does nothing when any
 * incident exists, so a restarted portal never duplicates it.
 */
export async function loadDemoData(options: {
  store: IncidentStore;
  path: string;
  logger: LoggerService;
  now?: Date;
}): Promise<number> {
  const { store, path, logger } = options;
  if ((await store.countIncidents()) > 0) {
    logger.info('Demo data not loaded: the database already holds incidents');
    return 0;
  }
  const file = parseInput(demoFileSchema, parseYaml(await fs.readFile(path, 'utf8')), `demo data in ${path}`);
  const now = options.now ?? new Date();
  for (const demo of file.incidents) {
    await store.createIncident(demoIncidentToNew(demo, now));
  }
  logger.info(`Loaded ${file.incidents.length} demo incidents from ${path}`);
  return file.incidents.length;
}
