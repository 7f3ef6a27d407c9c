import { BackstageCredentials, PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult, BasicPermission } from '@backstage/plugin-permission-common';
import {
  entityRefOfKind,
  incidentReadPermission,
  incidentUpdatePermission,
  reputationReadPermission,
} from '@majorops/plugin-majorops-common';
import express from 'express';
import { z } from 'zod';
import { parseInput } from '../service/validation';
import { acceptSuggestionSchema, draftSuggestionSchema, suggestionMetricsQuerySchema } from './suggestionSchemas';
import { SuggestionService } from './SuggestionService';

export interface SuggestionRouteOptions {
  permissions: PermissionsService;
  service: SuggestionService;
  authorize(req: express.Request, permission: BasicPermission): Promise<BackstageCredentials>;
  authorizeUser(
    req: express.Request,
    permission: BasicPermission,
  ): Promise<{ credentials: BackstageCredentials; actorRef: string }>;
  idParamSchema: z.ZodType<string>;
}

const groupRefSchema = entityRefOfKind('group');

/**
 * Best-fit assignment suggestions (seed 000, "The Assignment Engine").
 *
 * - Reads need `majorops.incident.read`; reputation scores and peer
 *   preference in them are shown only with `majorops.reputation.read`.
 * - Accepting a suggestion needs `majorops.incident.update` and a signed-in
 *   user, who is the one assigning.
 */
export function addSuggestionRoutes(router: express.Router, options: SuggestionRouteOptions) {
  const { permissions, service, authorize, authorizeUser, idParamSchema } = options;

  async function readerOf(req: express.Request) {
    const credentials = await authorize(req, incidentReadPermission);
    const [decision] = await permissions.authorize([{ permission: reputationReadPermission }], { credentials });
    return { credentials, mayReadReputation: decision.result === AuthorizeResult.ALLOW };
  }

  router.get('/incidents/:id/suggestions', async (req, res) => {
    const reader = await readerOf(req);
    const id = parseInput(idParamSchema, req.params.id, 'incident id');
    res.json(await service.forIncident(id, reader));
  });

  router.post('/suggestions', async (req, res) => {
    const reader = await readerOf(req);
    const body = parseInput(draftSuggestionSchema, req.body, 'suggestion request');
    res.json(await service.forDraft(body, reader));
  });

  router.post('/incidents/:id/suggestions/accept', async (req, res) => {
    const { credentials, actorRef } = await authorizeUser(req, incidentUpdatePermission);
    const id = parseInput(idParamSchema, req.params.id, 'incident id');
    const body = parseInput(acceptSuggestionSchema, req.body, 'suggestion acceptance');
    res.json(await service.accept(id, body, actorRef, credentials));
  });

  router.get('/groups/:groupRef/ready-commanders', async (req, res) => {
    const reader = await readerOf(req);
    const groupRef = parseInput(groupRefSchema, req.params.groupRef, 'group ref');
    res.json(await service.readyCommanders(groupRef, reader));
  });

  router.get('/metrics/suggestions', async (req, res) => {
    await authorize(req, incidentReadPermission);
    const query = parseInput(suggestionMetricsQuerySchema, req.query, 'suggestion metrics query');
    res.json(await service.metrics(query));
  });
}
