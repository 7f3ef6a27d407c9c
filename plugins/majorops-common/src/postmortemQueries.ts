import { z } from 'zod';
import { metricsQuerySchema } from './commandSchemas';
import { POSTMORTEM_STATUSES, PostmortemStatus } from './postmortems';
import { entityRefOfKind, entityRefSchema, pageQuerySchema } from './schemas';

function oneScope<T extends { entityRef?: string; groupRef?: string }>(q: T) {
  return !(q.entityRef && q.groupRef);
}
const ONE_SCOPE = { message: 'give either entityRef or groupRef, not both' };

const statusList = z.string().transform((value, ctx) => {
  const statuses = value.split(',').map(s => s.trim()).filter(Boolean);
  const unknown = statuses.filter(s => !(POSTMORTEM_STATUSES as readonly string[]).includes(s));
  if (unknown.length || statuses.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: `unknown post-mortem status ${unknown.join(', ') || '(empty)'}; expected ${POSTMORTEM_STATUSES.join(', ')}`,
    });
    return z.NEVER;
  }
  return [...new Set(statuses)] as PostmortemStatus[];
});

/** Query of `GET /postmortems`. */
export const listPostmortemsQuerySchema = pageQuerySchema
  .extend({
    entityRef: entityRefSchema.optional(),
    groupRef: entityRefOfKind('group').optional(),
    status: statusList.optional(),
  })
  .strict()
  .refine(oneScope, ONE_SCOPE);

/** Query of `GET /postmortems/overdue`. */
export const overduePostmortemsQuerySchema = z
  .object({ entityRef: entityRefSchema.optional(), groupRef: entityRefOfKind('group').optional() })
  .strict()
  .refine(oneScope, ONE_SCOPE);

/** Query of `GET /action-items`. */
export const findActionItemsQuerySchema = pageQuerySchema
  .extend({
    entityRef: entityRefSchema.optional(),
    groupRef: entityRefOfKind('group').optional(),
    ownerRef: entityRefSchema
      .superRefine((ref, ctx) => {
        if (!ref.startsWith('user:') && !ref.startsWith('group:')) {
          ctx.addIssue({ code: 'custom', message: `ownerRef "${ref}" must be a user or a group` });
        }
      })
      .optional(),
    state: z.enum(['open', 'overdue'], { error: 'state must be open or overdue' }).optional(),
  })
  .strict()
  .refine(oneScope, ONE_SCOPE);

/** Query of `GET /metrics/follow-through`: the same scope and window as `GET /metrics`. */
export const followThroughQuerySchema = metricsQuerySchema;
