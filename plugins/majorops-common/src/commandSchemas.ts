import { z } from 'zod';
import { parseIsoTimestamp } from './escalation';
import { incidentStatusSchema } from './lifecycle';
import { incidentRoleSchema } from './roles';
import { entityRefOfKind, entityRefSchema } from './schemas';
import { severitySchema } from './severity';
import { MANUAL_TIMELINE_TYPES, statusUpdateAudienceSchema } from './timeline';

export const MAX_TITLE_LENGTH = 200;
export const MAX_TEXT_LENGTH = 10_000;
export const MAX_SHORT_TEXT_LENGTH = 2_000;
export const MAX_AFFECTED_ENTITIES = 50;
export const MAX_TAGS = 20;

function text(field: string, max: number) {
  return z
    .string({ error: `${field} must be a string` })
    .trim()
    .max(max, `${field} is longer than ${max} characters`);
}

function requiredText(field: string, max: number) {
  return text(field, max).min(1, `${field} is required`);
}

/**
 * An ISO-8601 timestamp with a zone, normalised to UTC (`2026-11-23T10:00:00.000Z`).
 * Impossible dates such as 30 February or 24:00 are refused, not shifted.
 */
export const isoTimestampSchema = z
  .string({ error: 'timestamp must be an ISO-8601 string' })
  .transform((value, ctx) => {
    try {
      return new Date(parseIsoTimestamp(value, 'timestamp')).toISOString();
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: `"${value}" is not a valid ISO-8601 timestamp with a time zone, e.g. 2026-11-23T10:00:00Z`,
      });
      return z.NEVER;
    }
  });

const tagsSchema = z
  .array(requiredText('tag', 64), { error: 'tags must be an array of strings' })
  .max(MAX_TAGS, `at most ${MAX_TAGS} tags`)
  .transform(tags => [...new Set(tags.map(t => t.toLocaleLowerCase('en-US')))]);

const impactScopeSchema = z
  .number({ error: 'impactScope must be a number' })
  .min(0, 'impactScope cannot be negative');

/** Body of `POST /incidents`. The declarer is the signed-in user, never a field. */
export const declareIncidentSchema = z
  .object({
    title: requiredText('title', MAX_TITLE_LENGTH),
    summary: text('summary', MAX_TEXT_LENGTH).default(''),
    severity: severitySchema,
    incidentType: requiredText('incidentType', 64).optional(),
    tags: tagsSchema.default([]),
    entityRefs: z
      .array(entityRefSchema, { error: 'entityRefs must be an array of entity refs' })
      .min(1, 'name at least one affected entity')
      .max(MAX_AFFECTED_ENTITIES, `at most ${MAX_AFFECTED_ENTITIES} affected entities`)
      .transform(refs => [...new Set(refs)]),
    externalCause: z.boolean().default(false),
    customerReported: z.boolean().default(false),
    payingCustomer: z.boolean().default(false),
    dataIntegrityConcern: z.boolean().default(false),
    impactScope: impactScopeSchema.optional(),
    impactStartedAt: isoTimestampSchema.optional(),
    detectedAt: isoTimestampSchema.optional(),
    /** Who commands; the declarer when left out. */
    commanderRef: entityRefOfKind('user').optional(),
  })
  .strict()
  .refine(
    d => !(d.impactStartedAt && d.detectedAt) || d.impactStartedAt <= d.detectedAt,
    { message: 'detectedAt cannot be before impactStartedAt', path: ['detectedAt'] },
  );

export type DeclareIncidentRequest = z.input<typeof declareIncidentSchema>;
export type DeclareIncident = z.output<typeof declareIncidentSchema>;

const versionSchema = z
  .number({ error: 'version is required: send the version you last read' })
  .int('version must be a whole number')
  .min(1, 'version must be at least 1');

/** Body of `PATCH /incidents/:id`: the fields to change, and the version they were read at. */
export const updateIncidentSchema = z
  .object({
    version: versionSchema,
    title: requiredText('title', MAX_TITLE_LENGTH).optional(),
    summary: text('summary', MAX_TEXT_LENGTH).optional(),
    severity: severitySchema.optional(),
    /** Why the severity changed; recorded on the timeline. */
    severityReason: text('severityReason', MAX_SHORT_TEXT_LENGTH).optional(),
    incidentType: requiredText('incidentType', 64).nullable().optional(),
    tags: tagsSchema.optional(),
    externalCause: z.boolean().optional(),
    customerReported: z.boolean().optional(),
    payingCustomer: z.boolean().optional(),
    dataIntegrityConcern: z.boolean().optional(),
    impactScope: impactScopeSchema.nullable().optional(),
    impactStartedAt: isoTimestampSchema.optional(),
    detectedAt: isoTimestampSchema.optional(),
  })
  .strict()
  .refine(d => Object.keys(d).some(k => k !== 'version' && k !== 'severityReason'), {
    message: 'nothing to change: give at least one field besides version',
  });

export type UpdateIncidentRequest = z.input<typeof updateIncidentSchema>;

/** Body of `POST /incidents/:id/transitions`. */
export const transitionSchema = z
  .object({
    to: incidentStatusSchema,
    note: text('note', MAX_SHORT_TEXT_LENGTH).optional(),
    version: versionSchema.optional(),
  })
  .strict();

export type TransitionRequest = z.input<typeof transitionSchema>;

/** Body of `PUT /incidents/:id/roles/:role`. */
export const assignRoleSchema = z
  .object({ userRef: entityRefOfKind('user'), version: versionSchema.optional() })
  .strict();

export const roleParamSchema = incidentRoleSchema;

/** Body of `PUT /incidents/:id/roles/:role/shadows/:userRef` (may be empty). */
export const addShadowSchema = z.object({ version: versionSchema.optional() }).strict();

/** The `:userRef` of the shadow routes. */
export const shadowUserParamSchema = entityRefOfKind('user');

/** Body of `POST /incidents/:id/timeline`. */
export const timelineEntrySchema = z
  .object({
    type: z.enum(MANUAL_TIMELINE_TYPES, {
      error: `type must be one of ${MANUAL_TIMELINE_TYPES.join(', ')}`,
    }),
    text: requiredText('text', MAX_TEXT_LENGTH),
    /** When it happened, if earlier than now (a scribe catching up). */
    occurredAt: isoTimestampSchema.optional(),
  })
  .strict();

export type TimelineEntryRequest = z.input<typeof timelineEntrySchema>;

/** Body of `POST /incidents/:id/status-updates`, in CAN format. */
export const statusUpdateSchema = z
  .object({
    audience: statusUpdateAudienceSchema,
    conditions: requiredText('conditions', MAX_TEXT_LENGTH),
    actions: requiredText('actions', MAX_TEXT_LENGTH),
    needs: text('needs', MAX_TEXT_LENGTH).default(''),
  })
  .strict();

export type StatusUpdateRequest = z.input<typeof statusUpdateSchema>;

/** Body of `POST /incidents/:id/hypotheses`. */
export const hypothesisSchema = z
  .object({ statement: requiredText('statement', MAX_SHORT_TEXT_LENGTH) })
  .strict();

/** Body of `PATCH /incidents/:id/hypotheses/:hypothesisId`. */
export const resolveHypothesisSchema = z
  .object({
    status: z.enum(['confirmed', 'refuted'], { error: 'status must be confirmed or refuted' }),
    note: text('note', MAX_SHORT_TEXT_LENGTH).optional(),
  })
  .strict();

/** Query of `GET /metrics`. */
export const metricsQuerySchema = z
  .object({
    entityRef: entityRefSchema.optional(),
    groupRef: entityRefOfKind('group').optional(),
    from: isoTimestampSchema.optional(),
    to: isoTimestampSchema.optional(),
  })
  .strict()
  .refine(q => !(q.entityRef && q.groupRef), { message: 'give either entityRef or groupRef, not both' })
  .refine(q => !(q.from && q.to) || q.from < q.to, { message: 'from must be before to' });

export type MetricsQuery = z.output<typeof metricsQuerySchema>;
