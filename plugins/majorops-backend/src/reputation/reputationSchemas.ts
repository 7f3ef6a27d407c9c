import { parseIsoTimestamp, TRAINING_KINDS } from '@majorops/plugin-majorops-common';
import { z } from 'zod';

/**
 * Request bodies of the responder-management routes. They live here until
 * -common carries them next to the views; the frontend sends the same shapes.
 */

function isoTimestamp(field: string) {
  return z.string({ error: `${field} is required` }).transform((value, ctx) => {
    try {
      return new Date(parseIsoTimestamp(value, field)).toISOString();
    } catch {
      ctx.addIssue({ code: 'custom', message: `${field} must be an ISO-8601 timestamp with a time zone, e.g. 2026-11-23T10:00:00Z` });
      return z.NEVER;
    }
  });
}

/** Body of `POST /responders/:userRef/training`. */
export const recordTrainingSchema = z
  .object({
    kind: z.enum(TRAINING_KINDS, { error: `kind must be one of ${TRAINING_KINDS.join(', ')}` }),
    issuer: z
      .string({ error: 'issuer is required' })
      .trim()
      .min(1, 'issuer must not be empty')
      .max(200, 'issuer is longer than 200 characters'),
    completedAt: isoTimestamp('completedAt'),
    expiresAt: isoTimestamp('expiresAt').optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.expiresAt && Date.parse(body.expiresAt) <= Date.parse(body.completedAt)) {
      ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'expiresAt must be after completedAt' });
    }
  });

/** Body of `PUT /responders/:userRef/suspension`. */
export const suspendResponderSchema = z
  .object({
    reason: z
      .string({ error: 'reason is required' })
      .trim()
      .min(1, 'reason must not be empty')
      .max(2000, 'reason is longer than 2000 characters'),
    reviewAt: isoTimestamp('reviewAt'),
  })
  .strict();

/** Body of `DELETE /responders/:userRef/suspension`. */
export const liftSuspensionSchema = z
  .object({
    note: z
      .string({ error: 'note is required' })
      .trim()
      .min(1, 'note must not be empty')
      .max(2000, 'note is longer than 2000 characters'),
  })
  .strict();

export type RecordTrainingBody = z.output<typeof recordTrainingSchema>;
export type SuspendResponderBody = z.output<typeof suspendResponderSchema>;
