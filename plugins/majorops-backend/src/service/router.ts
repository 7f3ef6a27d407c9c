import {
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  addShadowSchema,
  assignRoleSchema,
  createRunbookSchema,
  declareIncidentSchema,
  missingRunbookSections,
  recordDrillSchema,
  runbookFreshness,
  runbookTemplate,
  runbookWritePermission,
  updateRunbookSchema,
  type Runbook,
  hypothesisSchema,
  incidentCreatePermission,
  incidentReadPermission,
  incidentUpdatePermission,
  listIncidentsQuerySchema,
  listRunbooksQuerySchema,
  metricsQuerySchema,
  pageQuerySchema,
  resolveHypothesisSchema,
  roleParamSchema,
  runbookReadPermission,
  shadowUserParamSchema,
  SeverityMatrix,
  statusUpdateSchema,
  TIMELINE_EVENT_TYPES,
  timelineEntrySchema,
  transitionSchema,
  updateIncidentSchema,
} from '@majorops/plugin-majorops-common';
import type { IncidentSource } from '@majorops/plugin-majorops-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { IncidentStore } from '../database/IncidentStore';
import { RunbookStore } from '../database/RunbookStore';
import { IncidentService } from './IncidentService';
import { PostmortemService } from './PostmortemService';
import { addPostmortemRoutes } from './postmortemRoutes';
import { addReputationRoutes } from '../reputation/reputationRoutes';
import type { ReputationService } from '../reputation/ReputationService';
import { addSurveyRoutes } from '../surveys/surveyRoutes';
import type { SurveyService } from '../surveys/SurveyService';
import { addSuggestionRoutes } from '../suggestions/suggestionRoutes';
import type { SuggestionService } from '../suggestions/SuggestionService';
import type { ConditionTransformer } from '@backstage/plugin-permission-node';
import type { PostmortemPermissionQuery } from '@majorops/plugin-majorops-node';
import { ownerAndSystemOf } from './ownerSnapshot';
import { CallerCache } from './CallerCache';
import { parseInput } from './validation';

export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  catalog: CatalogService;
  incidents: IncidentStore;
  incidentService: IncidentService;
  runbooks: RunbookStore;
  severityMatrix: SeverityMatrix;
  /** Days without a passed drill after which a runbook is stale. */
  runbookStaleAfterDays: number;
  /** Tools that incidents can be ingested from, contributed by backend modules. */
  incidentSources: IncidentSource[];
  postmortemService: PostmortemService;
  /** Turns a policy's conditions on `majorops.postmortem.read` into query fragments. */
  transformPostmortemConditions: ConditionTransformer<PostmortemPermissionQuery>;
  /** Reputation, ledger, ranking, training and suspensions. */
  reputationService: ReputationService;
  surveyService: SurveyService;
  /** Best-fit assignment suggestions. */
  suggestionService: SuggestionService;
  /**
   * How long the entities of a system or group, as the catalog listed them
   * for a caller, are reused (seconds; 0 asks the catalog every time).
   */
  scopeCacheSeconds?: number;
}

/** See {@link RouterOptions.scopeCacheSeconds}. */
export const DEFAULT_SCOPE_CACHE_SECONDS = 30;

const idParamSchema = z.string().trim().min(1).max(64);
const optionalVersionQuery = z
  .object({ version: z.coerce.number().int().min(1).optional() })
  .strict();
const timelineQuerySchema = pageQuerySchema
  .extend({
    limit: z.coerce.number().int().min(1).max(500).default(200),
    type: z
      .string()
      .transform((value, ctx) => {
        const types = value.split(',').map(t => t.trim()).filter(Boolean);
        const unknown = types.filter(t => !(TIMELINE_EVENT_TYPES as readonly string[]).includes(t));
        if (unknown.length) {
          ctx.addIssue({ code: 'custom', message: `unknown timeline type ${unknown.join(', ')}` });
          return z.NEVER;
        }
        return types as (typeof TIMELINE_EVENT_TYPES)[number][];
      })
      .optional(),
  })
  .strict();

/** Entity kinds whose page also shows the incidents of the entities that are part of them. */
const AGGREGATE_KINDS = new Set(['system', 'domain']);

export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { httpAuth, userInfo, permissions, catalog, incidents, incidentService, runbooks } = options;

  const router = Router();
  router.use(express.json({ limit: '256kb' }));

  /** Authenticates the caller and checks one basic permission. */
  async function authorize(
    req: express.Request,
    permission: BasicPermission,
  ): Promise<BackstageCredentials> {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`You are not allowed to ${permission.name}`);
    }
    return credentials;
  }

  /**
   * Authenticates a signed-in user for a write and checks the permission. The
   * actor of every write is this user, never a field of the request.
   */
  async function authorizeUser(req: express.Request, permission: BasicPermission) {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await permissions.authorize([{ permission }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`You are not allowed to ${permission.name}`);
    }
    const { userEntityRef } = await userInfo.getUserInfo(credentials);
    return { credentials, actorRef: userEntityRef.toLocaleLowerCase('en-US') };
  }

  // A page asks for a scope's list, open incidents and metrics at once: one catalog lookup serves them.
  const scopes = new CallerCache<string[]>((options.scopeCacheSeconds ?? DEFAULT_SCOPE_CACHE_SECONDS) * 1000);

  /** Refs of every entity owned by a group, as the catalog says now (or said a few seconds ago). */
  function entitiesOwnedBy(groupRef: string, credentials: BackstageCredentials) {
    return scopes.get(credentials, `owned\n${groupRef}`, () => lookUpEntitiesOwnedBy(groupRef, credentials)).then(refs => [...refs]);
  }

  async function lookUpEntitiesOwnedBy(groupRef: string, credentials: BackstageCredentials) {
    const { items } = await catalog.getEntities(
      {
        filter: { 'relations.ownedBy': groupRef },
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials },
    );
    return items.map(e => stringifyEntityRef(e).toLocaleLowerCase('en-US'));
  }

  /** An entity and, for systems and domains, the entities that are part of it. */
  async function entityAndParts(entityRef: string, credentials: BackstageCredentials) {
    const kind = entityRef.split(':')[0];
    if (!AGGREGATE_KINDS.has(kind)) return [entityRef];
    return scopes.get(credentials, `parts\n${entityRef}`, () => lookUpParts(entityRef, credentials)).then(refs => [...refs]);
  }

  async function lookUpParts(entityRef: string, credentials: BackstageCredentials) {
    const { items } = await catalog.getEntities(
      {
        filter: { 'relations.partOf': entityRef },
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials },
    );
    return [entityRef, ...items.map(e => stringifyEntityRef(e).toLocaleLowerCase('en-US'))];
  }

  /**
   * The entity refs a request is about: what a group owns, or an entity with
   * its parts; undefined (everything) when neither is given.
   */
  async function scopeRefs(
    query: { entityRef?: string; groupRef?: string },
    credentials: BackstageCredentials,
  ): Promise<string[] | undefined> {
    if (query.groupRef) return entitiesOwnedBy(query.groupRef, credentials);
    if (query.entityRef) return entityAndParts(query.entityRef, credentials);
    return undefined;
  }

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/severity-matrix', async (req, res) => {
    await authorize(req, incidentReadPermission);
    res.json(options.severityMatrix);
  });

  router.get('/incident-sources', async (req, res) => {
    await authorize(req, incidentReadPermission);
    res.json({
      items: [
        { id: 'majorops', title: 'Declared in MajorOps' },
        ...options.incidentSources.map(({ id, title, entityAnnotation }) => ({ id, title, entityAnnotation })),
      ],
    });
  });

  router.get('/incidents', async (req, res) => {
    const credentials = await authorize(req, incidentReadPermission);
    const query = parseInput(listIncidentsQuerySchema, req.query, 'incident query');
    const entityRefs = await scopeRefs(query, credentials);
    const page = await incidents.listIncidents({
      entityRefs,
      statuses: query.status,
      severities: query.severity,
      limit: query.limit,
      cursor: query.cursor,
    });
    res.json(page);
  });

  router.post('/incidents', async (req, res) => {
    const { credentials, actorRef } = await authorizeUser(req, incidentCreatePermission);
    const body = parseInput(declareIncidentSchema, req.body, 'incident');
    res.status(201).json(await incidentService.declare(body, actorRef, credentials));
  });

  router.patch('/incidents/:id', async (req, res) => {
    const { actorRef } = await authorizeUser(req, incidentUpdatePermission);
    const id = parseInput(idParamSchema, req.params.id, 'incident id');
    const body = parseInput(updateIncidentSchema, req.body, 'incident change');
    res.json(await incidentService.update(id, body, actorRef));
  });

  router.post('/incidents/:id/transitions', async (req, res) => {
    const { actorRef } = await authorizeUser(req, incidentUpdatePermission);
    const id = parseInput(idParamSchema, req.params.id, 'incident id');
    const body = parseInput(transitionSchema, req.body, 'transition');
    res.json(await incidentService.transition(id, body, actorRef));
  });

  router.put('/incidents/:id/roles/:role', async (req, res) => {
    const { credentials, actorRef } = await authorizeUser(req, incidentUpdatePermission);
    const id = parseInput(idParamSchema, req.params.id, 'incident id');
    const role = parseInput(roleParamSchema, req.params.role, 'role');
    const body = parseInput(assignRoleSchema, req.body, 'role assignment');
    res.json(
      await incidentService.assignRole(id, role, body.userRef, body.version, actorRef, credentials),
    );
  });

  router.delete('/incidents/:id/roles/:role', async (req, res) => {
    const { actorRef } = await authorizeUser(req, incidentUpdatePermission);
    const id = parseInput(idParamSchema, req.params.id, 'incident id');
    const role = parseInput(roleParamSchema, req.params.role, 'role');
    const { version } = parseInput(optionalVersionQuery, req.query, 'query');
    res.json(await incidentService.releaseRole(id, role, version, actorRef));
  });

  router.put('/incidents/:id/roles/:role/shadows/:userRef', async (req, res) => {
    const { credentials, actorRef } = await authorizeUser(req, incidentUpdatePermission);
    const id = parseInput(idParamSchema, req.params.id, 'incident id');
    const role = parseInput(roleParamSchema, req.params.role, 'role');
    const userRef = parseInput(shadowUserParamSchema, req.params.userRef, 'shadow');
    const body = parseInput(addShadowSchema, req.body ?? {}, 'shadow');
    res.json(await incidentService.addShadow(id, role, userRef, body.version, actorRef, credentials));
  });

  router.delete('/incidents/:id/roles/:role/shadows/:userRef', async (req, res) => {
    const { actorRef } = await authorizeUser(req, incidentUpdatePermission);
    const id = parseInput(idParamSchema, req.params.id, 'incident id');
    const role = parseInput(roleParamSchema, req.params.role, 'role');
    const userRef = parseInput(shadowUserParamSchema, req.params.userRef, 'shadow');
    const { version } = parseInput(optionalVersionQuery, req.query, 'query');
    res.json(await incidentService.releaseShadow(id, role, userRef, version, actorRef));
  });

  router.get('/incidents/:id/timeline', async (req, res) => {
    await authorize(req, incidentReadPermission);
    const id = parseInput(idParamSchema, req.params.id, 'incident id');
    const query = parseInput(timelineQuerySchema, req.query, 'timeline query');
    if (!(await incidents.getIncident(id))) throw new NotFoundError(`No incident with id ${id}`);
    res.json(
      await incidents.listTimeline(id, { limit: query.limit, cursor: query.cursor, types: query.type }),
    );
  });

  router.post('/incidents/:id/timeline', async (req, res) => {
    const { actorRef } = await authorizeUser(req, incidentUpdatePermission);
    const id = parseInput(idParamSchema, req.params.id, 'incident id');
    const body = parseInput(timelineEntrySchema, req.body, 'timeline entry');
    res.status(201).json(await incidentService.addTimelineEntry(id, body, actorRef));
  });

  router.post('/incidents/:id/status-updates', async (req, res) => {
    const { actorRef } = await authorizeUser(req, incidentUpdatePermission);
    const id = parseInput(idParamSchema, req.params.id, 'incident id');
    const body = parseInput(statusUpdateSchema, req.body, 'status update');
    res.status(201).json(await incidentService.postStatusUpdate(id, body, actorRef));
  });

  router.post('/incidents/:id/hypotheses', async (req, res) => {
    const { actorRef } = await authorizeUser(req, incidentUpdatePermission);
    const id = parseInput(idParamSchema, req.params.id, 'incident id');
    const body = parseInput(hypothesisSchema, req.body, 'hypothesis');
    res.status(201).json(await incidentService.openHypothesis(id, body.statement, actorRef));
  });

  router.patch('/incidents/:id/hypotheses/:hypothesisId', async (req, res) => {
    const { actorRef } = await authorizeUser(req, incidentUpdatePermission);
    const id = parseInput(idParamSchema, req.params.id, 'incident id');
    const hypothesisId = parseInput(idParamSchema, req.params.hypothesisId, 'hypothesis id');
    const body = parseInput(resolveHypothesisSchema, req.body, 'hypothesis resolution');
    res.json(await incidentService.resolveHypothesis(id, hypothesisId, body, actorRef));
  });

  router.get('/incidents/:id/insights', async (req, res) => {
    await authorize(req, incidentReadPermission);
    const id = parseInput(idParamSchema, req.params.id, 'incident id');
    res.json(await incidentService.insights(id));
  });

  router.get('/metrics', async (req, res) => {
    const credentials = await authorize(req, incidentReadPermission);
    const query = parseInput(metricsQuerySchema, req.query, 'metrics query');
    const entityRefs = await scopeRefs(query, credentials);
    res.json({ scope: query, ...(await incidents.computeMetrics({ entityRefs, from: query.from, to: query.to })) });
  });

  router.get('/incidents/:id', async (req, res) => {
    const credentials = await authorize(req, incidentReadPermission);
    const id = parseInput(idParamSchema, req.params.id, 'incident id');
    const incident = await incidents.getIncident(id);
    if (!incident) {
      throw new NotFoundError(`No incident with id ${id}`);
    }
    // Owners recorded at declaration stay as they were; today's owner comes from the catalog.
    const { items } = await catalog.getEntitiesByRefs(
      { entityRefs: incident.entities.map(e => e.entityRef), fields: ['relations'] },
      { credentials },
    );
    res.json({
      ...incident,
      entities: incident.entities.map((e, i) => {
        const current = items[i] ? ownerAndSystemOf(items[i]!) : undefined;
        return current?.ownerRef ? { ...e, currentOwnerRef: current.ownerRef } : e;
      }),
    });
  });

  /** A runbook with how fresh it is and which template sections it lacks. */
  function withFreshness(runbook: Runbook) {
    return {
      ...runbook,
      freshness: runbookFreshness(runbook.lastTestedAt, new Date().toISOString(), options.runbookStaleAfterDays),
      missingSections: missingRunbookSections(runbook.body),
    };
  }

  async function loadRunbook(id: string) {
    const runbook = await runbooks.getRunbook(id);
    if (!runbook) throw new NotFoundError(`No runbook with id ${id}`);
    return runbook;
  }

  router.get('/runbooks', async (req, res) => {
    await authorize(req, runbookReadPermission);
    const query = parseInput(listRunbooksQuerySchema, req.query, 'runbook query');
    const page = await runbooks.listRunbooks(query);
    res.json({ ...page, items: page.items.map(withFreshness) });
  });

  router.post('/runbooks', async (req, res) => {
    const { credentials, actorRef } = await authorizeUser(req, runbookWritePermission);
    const body = parseInput(createRunbookSchema, req.body, 'runbook');
    const entity = await catalog.getEntityByRef(body.entityRef, { credentials });
    if (!entity) throw new InputError(`Not in the catalog: ${body.entityRef}`);
    const runbook = await runbooks.createRunbook({
      entityRef: body.entityRef,
      title: body.title,
      body:
        body.body ??
        runbookTemplate({ title: body.title, entityRef: body.entityRef, ownerRef: ownerAndSystemOf(entity).ownerRef }),
      authorRef: actorRef,
      at: new Date().toISOString(),
    });
    res.status(201).json(withFreshness(runbook));
  });

  router.get('/runbooks/:id', async (req, res) => {
    await authorize(req, runbookReadPermission);
    const id = parseInput(idParamSchema, req.params.id, 'runbook id');
    res.json(withFreshness(await loadRunbook(id)));
  });

  router.put('/runbooks/:id', async (req, res) => {
    const { actorRef } = await authorizeUser(req, runbookWritePermission);
    const id = parseInput(idParamSchema, req.params.id, 'runbook id');
    const body = parseInput(updateRunbookSchema, req.body, 'runbook change');
    const runbook = await runbooks.updateRunbook(id, body.version, {
      title: body.title,
      body: body.body,
      changeNote: body.changeNote,
      authorRef: actorRef,
      at: new Date().toISOString(),
    });
    res.json(withFreshness(runbook));
  });

  router.get('/runbooks/:id/revisions', async (req, res) => {
    await authorize(req, runbookReadPermission);
    const id = parseInput(idParamSchema, req.params.id, 'runbook id');
    const query = parseInput(pageQuerySchema.strict(), req.query, 'revision query');
    await loadRunbook(id);
    res.json(await runbooks.listRevisions(id, query));
  });

  router.get('/runbooks/:id/revisions/:revision', async (req, res) => {
    await authorize(req, runbookReadPermission);
    const id = parseInput(idParamSchema, req.params.id, 'runbook id');
    const revision = parseInput(z.coerce.number().int().min(1).max(2_147_483_647), req.params.revision, 'revision');
    const found = await runbooks.getRevision(id, revision);
    if (!found) throw new NotFoundError(`Runbook ${id} has no revision ${revision}`);
    res.json(found);
  });

  router.post('/runbooks/:id/drills', async (req, res) => {
    const { actorRef } = await authorizeUser(req, runbookWritePermission);
    const id = parseInput(idParamSchema, req.params.id, 'runbook id');
    const body = parseInput(recordDrillSchema, req.body, 'drill');
    const now = new Date().toISOString();
    if (Date.parse(body.performedAt) > Date.parse(now) + 2 * 60_000) {
      throw new InputError(`performedAt (${body.performedAt}) lies in the future`);
    }
    const drill = await runbooks.recordDrill(id, { ...body, recordedBy: actorRef, recordedAt: now });
    res.status(201).json(drill);
  });

  router.get('/runbooks/:id/drills', async (req, res) => {
    await authorize(req, runbookReadPermission);
    const id = parseInput(idParamSchema, req.params.id, 'runbook id');
    await loadRunbook(id);
    res.json({ items: await runbooks.listDrills(id, 100) });
  });

  addReputationRoutes(router, { httpAuth, userInfo, permissions, catalog, service: options.reputationService });

  addPostmortemRoutes(router, {
    permissions,
    service: options.postmortemService,
    transformConditions: options.transformPostmortemConditions,
    authorize,
    authorizeUser,
    scopeRefs,
    idParamSchema,
  });

  addSurveyRoutes(router, { httpAuth, userInfo, service: options.surveyService });

  addSuggestionRoutes(router, { permissions, service: options.suggestionService, authorize, authorizeUser, idParamSchema });

  return router;
}
