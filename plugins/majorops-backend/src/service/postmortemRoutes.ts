import { BackstageCredentials, PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult, BasicPermission } from '@backstage/plugin-permission-common';
import { ConditionTransformer } from '@backstage/plugin-permission-node';
import {
  createActionItemSchema,
  findActionItemsQuerySchema,
  followThroughQuerySchema,
  linkRepeatSchema,
  listPostmortemsQuerySchema,
  overduePostmortemsQuerySchema,
  postmortemReadPermission,
  postmortemWritePermission,
  putPostmortemSchema,
  runbookUsageSchema,
  updateActionItemSchema,
  incidentReadPermission,
} from '@majorops/plugin-majorops-common';
import type { PostmortemPermissionQuery } from '@majorops/plugin-majorops-node';
import express from 'express';
import { z } from 'zod';
import { PostmortemAccess } from '../database/PostmortemStore';
import { PostmortemService } from './PostmortemService';
import { parseInput } from './validation';

export interface PostmortemRouteOptions {
  permissions: PermissionsService;
  service: PostmortemService;
  /** Turns the policy's conditions on post-mortem reads into query fragments. */
  transformConditions: ConditionTransformer<PostmortemPermissionQuery>;
  authorize(req: express.Request, permission: BasicPermission): Promise<BackstageCredentials>;
  authorizeUser(
    req: express.Request,
    permission: BasicPermission,
  ): Promise<{ credentials: BackstageCredentials; actorRef: string }>;
  scopeRefs(query: { entityRef?: string; groupRef?: string }, credentials: BackstageCredentials): Promise<string[] | undefined>;
  idParamSchema: z.ZodType<string>;
}

/**
 * Post-mortems, action items, repeat links, runbook adherence and the
 * follow-through figures. Reading a post-mortem (and the action items of an
 * incident that has one) follows the policy's decision on
 * `majorops.postmortem.read`, applied in the query.
 */
export function addPostmortemRoutes(router: express.Router, options: PostmortemRouteOptions) {
  const { service, authorize, authorizeUser, scopeRefs, idParamSchema } = options;

  async function accessOf(credentials: BackstageCredentials): Promise<PostmortemAccess> {
    const [decision] = await options.permissions.authorizeConditional(
      [{ permission: postmortemReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) return { kind: 'all' };
    if (decision.result === AuthorizeResult.CONDITIONAL) {
      return { kind: 'conditional', criteria: options.transformConditions(decision.conditions) };
    }
    return { kind: 'none' };
  }

  const incidentId = (req: express.Request) => parseInput(idParamSchema, req.params.id, 'incident id');

  router.get('/incidents/:id/postmortem', async (req, res) => {
    const credentials = await authorize(req, incidentReadPermission);
    res.json(await service.get(incidentId(req), await accessOf(credentials)));
  });

  router.put('/incidents/:id/postmortem', async (req, res) => {
    const { credentials, actorRef } = await authorizeUser(req, postmortemWritePermission);
    const id = incidentId(req);
    const body = parseInput(putPostmortemSchema, req.body, 'post-mortem');
    const { created, postmortem } = await service.put(id, body, actorRef, await accessOf(credentials));
    res.status(created ? 201 : 200).json(postmortem);
  });

  router.get('/postmortems', async (req, res) => {
    const credentials = await authorize(req, incidentReadPermission);
    const query = parseInput(listPostmortemsQuerySchema, req.query, 'post-mortem query');
    res.json(
      await service.list(
        { entityRefs: await scopeRefs(query, credentials), statuses: query.status, limit: query.limit, cursor: query.cursor },
        await accessOf(credentials),
      ),
    );
  });

  router.get('/postmortems/overdue', async (req, res) => {
    const credentials = await authorize(req, incidentReadPermission);
    const query = parseInput(overduePostmortemsQuerySchema, req.query, 'overdue query');
    res.json({ items: await service.overdue(await scopeRefs(query, credentials), await accessOf(credentials)) });
  });

  router.get('/incidents/:id/action-items', async (req, res) => {
    const credentials = await authorize(req, incidentReadPermission);
    res.json({ items: await service.listActionItems(incidentId(req), await accessOf(credentials)) });
  });

  router.post('/incidents/:id/action-items', async (req, res) => {
    const { credentials, actorRef } = await authorizeUser(req, postmortemWritePermission);
    const id = incidentId(req);
    const body = parseInput(createActionItemSchema, req.body, 'action item');
    res.status(201).json(await service.createActionItem(id, body, actorRef, await accessOf(credentials)));
  });

  router.patch('/incidents/:id/action-items/:itemId', async (req, res) => {
    const { credentials, actorRef } = await authorizeUser(req, postmortemWritePermission);
    const id = incidentId(req);
    const itemId = parseInput(idParamSchema, req.params.itemId, 'action item id');
    const { version, ...change } = parseInput(updateActionItemSchema, req.body, 'action item change');
    res.json(await service.updateActionItem(id, itemId, version, change, actorRef, await accessOf(credentials)));
  });

  router.get('/action-items', async (req, res) => {
    const credentials = await authorize(req, incidentReadPermission);
    const query = parseInput(findActionItemsQuerySchema, req.query, 'action item query');
    res.json(
      await service.findActionItems(
        {
          entityRefs: query.entityRef ? await scopeRefs(query, credentials) : undefined,
          // A team's items are the ones it owns, not the ones on its services.
          ownerRefs: query.groupRef ? [query.groupRef] : query.ownerRef ? [query.ownerRef] : undefined,
          state: query.state,
          limit: query.limit,
          cursor: query.cursor,
        },
        await accessOf(credentials),
      ),
    );
  });

  router.get('/incidents/:id/repeats', async (req, res) => {
    const credentials = await authorize(req, incidentReadPermission);
    res.json(await service.repeats(incidentId(req), await accessOf(credentials)));
  });

  router.post('/incidents/:id/repeats', async (req, res) => {
    const { credentials, actorRef } = await authorizeUser(req, postmortemWritePermission);
    const id = incidentId(req);
    const body = parseInput(linkRepeatSchema, req.body, 'repeat link');
    res
      .status(201)
      .json(await service.linkRepeat(id, body.earlierIncidentId, body.failureMode, actorRef, await accessOf(credentials)));
  });

  router.delete('/incidents/:id/repeats/:earlierId', async (req, res) => {
    const { credentials } = await authorizeUser(req, postmortemWritePermission);
    const id = incidentId(req);
    const earlierId = parseInput(idParamSchema, req.params.earlierId, 'earlier incident id');
    res.json(await service.unlinkRepeat(id, earlierId, await accessOf(credentials)));
  });

  router.get('/incidents/:id/runbooks', async (req, res) => {
    await authorize(req, incidentReadPermission);
    res.json({ items: await service.listRunbookUsage(incidentId(req)) });
  });

  router.put('/incidents/:id/runbooks/:runbookId', async (req, res) => {
    const { actorRef } = await authorizeUser(req, postmortemWritePermission);
    const id = incidentId(req);
    const runbookId = parseInput(idParamSchema, req.params.runbookId, 'runbook id');
    const body = parseInput(runbookUsageSchema, req.body, 'runbook use');
    res.json(await service.recordRunbookUsage(id, runbookId, body, actorRef));
  });

  router.get('/metrics/follow-through', async (req, res) => {
    const credentials = await authorize(req, incidentReadPermission);
    const query = parseInput(followThroughQuerySchema, req.query, 'follow-through query');
    const entityRefs = await scopeRefs(query, credentials);
    const figures = await service.followThrough({
      entityRefs,
      // Stale runbooks are counted for a scope only; across the whole portal there is no "its runbooks".
      runbookEntityRefs: entityRefs,
      from: query.from,
      to: query.to,
    });
    res.json({ scope: query, ...figures });
  });
}
