import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { z } from 'zod';
import { INCIDENT_STATUSES, IncidentStatus, OPEN_STATUSES } from './lifecycle';
import { SEVERITIES, Severity } from './severity';

/** Largest page a list endpoint returns. */
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 25;

/**
 * An entity ref such as `component:default/checkout-api`, normalised to its
 * full lower-case form. A ref without a kind is refused: MajorOps cannot guess it.
 */
export const entityRefSchema = z
  .string({ error: 'an entity ref is required, as a string' })
  .trim()
  .max(255, 'entity ref is longer than 255 characters')
  .transform((value, ctx) => {
    try {
      const ref = parseEntityRef(value);
      return stringifyEntityRef(ref).toLocaleLowerCase('en-US');
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: `"${value}" is not an entity ref of the form kind:namespace/name`,
      });
      return z.NEVER;
    }
  });

/** A ref that must point to an entity of one kind, e.g. a user or a group. */
export function entityRefOfKind(kind: string) {
  return entityRefSchema.superRefine((ref, ctx) => {
    if (!ref.startsWith(`${kind.toLocaleLowerCase('en-US')}:`)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${ref}" is not a ${kind} entity ref`,
      });
    }
  });
}

function commaList<T extends string>(allowed: readonly T[], what: string, aliases: Record<string, readonly T[]> = {}) {
  return z
    .string()
    .transform((value, ctx) => {
      const out = new Set<T>();
      for (const raw of value.split(',')) {
        const item = raw.trim();
        if (!item) continue;
        if (Object.hasOwn(aliases, item)) {
          aliases[item].forEach(a => out.add(a));
        } else if ((allowed as readonly string[]).includes(item)) {
          out.add(item as T);
        } else {
          ctx.addIssue({
            code: 'custom',
            message: `unknown ${what} "${item}"; expected one of ${[...Object.keys(aliases), ...allowed].join(', ')}`,
          });
          return z.NEVER;
        }
      }
      if (out.size === 0) {
        ctx.addIssue({ code: 'custom', message: `give at least one ${what}, or leave the parameter out` });
        return z.NEVER;
      }
      return [...out];
    });
}

export const pageQuerySchema = z.object({
  limit: z.coerce
    .number({ error: 'limit must be a number' })
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(MAX_PAGE_SIZE, `limit must be at most ${MAX_PAGE_SIZE}`)
    .default(DEFAULT_PAGE_SIZE),
  cursor: z.string().max(500, 'cursor is too long').optional(),
});

/** Query of `GET /incidents`. `status=open` stands for every unresolved status. */
export const listIncidentsQuerySchema = pageQuerySchema
  .extend({
    entityRef: entityRefSchema.optional(),
    groupRef: entityRefOfKind('group').optional(),
    status: commaList<IncidentStatus>(INCIDENT_STATUSES, 'status', { open: OPEN_STATUSES }).optional(),
    severity: commaList<Severity>(SEVERITIES, 'severity').optional(),
  })
  .strict()
  .refine(q => !(q.entityRef && q.groupRef), {
    message: 'give either entityRef or groupRef, not both',
  });

export type ListIncidentsQuery = z.infer<typeof listIncidentsQuerySchema>;

export const listRunbooksQuerySchema = pageQuerySchema
  .extend({ entityRef: entityRefSchema })
  .strict();

export type ListRunbooksQuery = z.infer<typeof listRunbooksQuerySchema>;
