import { entityRefOfKind, SEVERITIES } from '@majorops/plugin-majorops-common';
import { z } from 'zod';

/** `POST /suggestions`: an incident about to be declared. */
export const draftSuggestionSchema = z
  .object({
    severity: z.enum(SEVERITIES),
    entityRefs: z
      .array(z.string().trim().min(3).max(255).transform(ref => ref.toLocaleLowerCase('en-US')))
      .min(1)
      .max(50),
    incidentType: z.string().trim().min(1).max(64).optional(),
    tags: z.array(z.string().trim().min(1).max(64)).max(50).optional(),
  })
  .strict();
export type DraftSuggestionBody = z.output<typeof draftSuggestionSchema>;

/** `POST /incidents/:id/suggestions/accept`: take a suggested person for a role. */
export const acceptSuggestionSchema = z
  .object({
    role: z.enum(['incident-commander', 'operations-chief']),
    userRef: entityRefOfKind('user'),
    version: z.number().int().min(1).optional(),
  })
  .strict();
export type AcceptSuggestionBody = z.output<typeof acceptSuggestionSchema>;

const isoTimestamp = z
  .string()
  .refine(value => !Number.isNaN(Date.parse(value)) && /^\d{4}-\d{2}-\d{2}/.test(value), 'must be an ISO-8601 timestamp');

/** `GET /metrics/suggestions?from=&to=`. */
export const suggestionMetricsQuerySchema = z
  .object({ from: isoTimestamp.optional(), to: isoTimestamp.optional() })
  .strict();
