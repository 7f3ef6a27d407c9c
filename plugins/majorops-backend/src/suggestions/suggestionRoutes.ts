import { BackstageCredentials, PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult, BasicPermission } from '@backstage/plugin-permission-common';
import {
  AssignmentCandidate,
  AssignmentSuggestions,
  entityRefOfKind,
  incidentReadPermission,
  incidentUpdatePermission,
  reputationReadPermission,
} from '@majorops/plugin-majorops-common';
import express from 'express';
import { z } from 'zod';
import { parseInput } from '../service/validation';
import { redactCandidate, redactSuggestions, suggestedCandidates } from './redactSuggestions';
import { acceptSuggestionSchema, draftSuggestionSchema, suggestionMetricsQuerySchema } from './suggestionSchemas';
import { SuggestionReader, SuggestionService } from './SuggestionService';

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

/** The user a request is made as, lower-case, or undefined for a service. */
function userRefOf(credentials: BackstageCredentials): string | undefined {
  const principal = credentials.principal as { type?: string; userEntityRef?: string };
  return principal.type === 'user' && principal.userEntityRef ? principal.userEntityRef.toLocaleLowerCase('en-US') : undefined;
}

/**
 * Best-fit assignment suggestions (seed 000, "The Assignment Engine").
 *
 * - Reads need `majorops.incident.read`. A candidate's reputation score and
 *   peer preference are shown only to a reader with `majorops.reputation.read`
 *   for that candidate, and always to the candidate themself; for the others
 *   they are redacted. The candidates returned are checked in one batch.
 * - Accepting a suggestion needs `majorops.incident.update` and a signed-in
 *   user, who is the one assigning.
 */
export function addSuggestionRoutes(router: express.Router, options: SuggestionRouteOptions) {
  const { permissions, service, authorize, authorizeUser, idParamSchema } = options;

  /**
   * The reader, for the service: it computes the suggestions whole, and
   * {@link present} redacts them per candidate.
   */
  async function readerOf(req: express.Request): Promise<SuggestionReader> {
    return { credentials: await authorize(req, incidentReadPermission) };
  }

  /**
   * Whose numbers the reader may see among these candidates: their own, and
   * those of the others for whom the policy allows `majorops.reputation.read`,
   * asked in one batch.
   */
  async function readableAmong(candidates: AssignmentCandidate[], { credentials }: SuggestionReader) {
    const me = userRefOf(credentials);
    const others = [...new Set(candidates.map(c => c.userRef))].filter(ref => ref !== me);
    const readable = new Set(me ? [me] : []);
    if (others.length > 0) {
      const decisions = await permissions.authorize(
        others.map(resourceRef => ({ permission: reputationReadPermission, resourceRef })),
        { credentials },
      );
      decisions.forEach((d, i) => {
        if (d.result === AuthorizeResult.ALLOW) readable.add(others[i]);
      });
    }
    return (userRef: string) => readable.has(userRef);
  }

  async function present(suggestions: AssignmentSuggestions, reader: SuggestionReader) {
    return redactSuggestions(suggestions, await readableAmong(suggestedCandidates(suggestions), reader));
  }

  router.get('/incidents/:id/suggestions', async (req, res) => {
    const reader = await readerOf(req);
    const id = parseInput(idParamSchema, req.params.id, 'incident id');
    res.json(await present(await service.forIncident(id, reader), reader));
  });

  router.post('/suggestions', async (req, res) => {
    const reader = await readerOf(req);
    const body = parseInput(draftSuggestionSchema, req.body, 'suggestion request');
    res.json(await present(await service.forDraft(body, reader), reader));
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
    const ready = await service.readyCommanders(groupRef, reader);
    const mayRead = await readableAmong(ready.items, reader);
    res.json({ groupRef: ready.groupRef, items: ready.items.map(c => (mayRead(c.userRef) ? c : redactCandidate(c))) });
  });

  router.get('/metrics/suggestions', async (req, res) => {
    await authorize(req, incidentReadPermission);
    const query = parseInput(suggestionMetricsQuerySchema, req.query, 'suggestion metrics query');
    res.json(await service.metrics(query));
  });
}
