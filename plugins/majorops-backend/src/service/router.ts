import {
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  entityRefOfKind,
  incidentReadPermission,
  listIncidentsQuerySchema,
  listRunbooksQuerySchema,
  reputationReadPermission,
  runbookReadPermission,
  SeverityMatrix,
} from '@majorops/plugin-majorops-common';
import type { IncidentSource } from '@majorops/plugin-majorops-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { IncidentStore } from '../database/IncidentStore';
import { RunbookStore } from '../database/RunbookStore';
import { parseInput } from './validation';

export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  catalog: CatalogService;
  incidents: IncidentStore;
  runbooks: RunbookStore;
  severityMatrix: SeverityMatrix;
  /** Tools that incidents can be ingested from, contributed by backend modules. */
  incidentSources: IncidentSource[];
}

const idParamSchema = z.string().trim().min(1).max(64);
const userRefSchema = entityRefOfKind('user');

/** Entity kinds whose page also shows the incidents of the entities that are part of them. */
const AGGREGATE_KINDS = new Set(['system', 'domain']);

export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { httpAuth, userInfo, permissions, catalog, incidents, runbooks } = options;

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

  /** Refs of every entity owned by a group, as the catalog says now. */
  async function entitiesOwnedBy(groupRef: string, credentials: BackstageCredentials) {
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
    const { items } = await catalog.getEntities(
      {
        filter: { 'relations.partOf': entityRef },
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials },
    );
    return [entityRef, ...items.map(e => stringifyEntityRef(e).toLocaleLowerCase('en-US'))];
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
    let entityRefs: string[] | undefined;
    if (query.groupRef) {
      entityRefs = await entitiesOwnedBy(query.groupRef, credentials);
    } else if (query.entityRef) {
      entityRefs = await entityAndParts(query.entityRef, credentials);
    }
    const page = await incidents.listIncidents({
      entityRefs,
      statuses: query.status,
      severities: query.severity,
      limit: query.limit,
      cursor: query.cursor,
    });
    res.json(page);
  });

  router.get('/incidents/:id', async (req, res) => {
    await authorize(req, incidentReadPermission);
    const id = parseInput(idParamSchema, req.params.id, 'incident id');
    const incident = await incidents.getIncident(id);
    if (!incident) {
      throw new NotFoundError(`No incident with id ${id}`);
    }
    res.json(incident);
  });

  router.get('/runbooks', async (req, res) => {
    await authorize(req, runbookReadPermission);
    const query = parseInput(listRunbooksQuerySchema, req.query, 'runbook query');
    res.json(await runbooks.listRunbooks(query));
  });

  router.get('/responders/:userRef/reputation', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const userRef = parseInput(userRefSchema, req.params.userRef, 'user ref');
    const me = await userInfo.getUserInfo(credentials);
    if (me.userEntityRef.toLocaleLowerCase('en-US') !== userRef) {
      const [decision] = await permissions.authorize(
        [{ permission: reputationReadPermission }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          "You may read your own reputation; reading another person's needs majorops.reputation.read",
        );
      }
    }
    const user = await catalog.getEntityByRef(userRef, { credentials });
    if (!user) {
      throw new NotFoundError(`No user ${userRef} in the catalog`);
    }
    res.json({ participation: await incidents.getParticipation(userRef) });
  });

  return router;
}
