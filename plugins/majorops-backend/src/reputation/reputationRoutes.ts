import { BackstageCredentials, HttpAuthService, PermissionsService, UserInfoService } from '@backstage/backend-plugin-api';
import { Entity, RELATION_HAS_MEMBER, stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult, ResourcePermission } from '@backstage/plugin-permission-common';
import {
  entityRefOfKind,
  pageQuerySchema,
  rankingReadPermission,
  reputationReadPermission,
  responderManagePermission,
} from '@majorops/plugin-majorops-common';
import express from 'express';
import { parseInput } from '../service/validation';
import { ReputationService } from './ReputationService';
import { liftSuspensionSchema, recordTrainingSchema, suspendResponderSchema } from './reputationSchemas';

export interface ReputationRouteOptions {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  catalog: CatalogService;
  service: ReputationService;
}

const userRefSchema = entityRefOfKind('user');
const groupRefSchema = entityRefOfKind('group');
const ledgerQuerySchema = pageQuerySchema.strict();
const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/**
 * Reputation, ledger, team ranking, training records and suspensions. The
 * permissions are resource permissions: a policy may allow them for some
 * responders or teams only (for example the members of the groups someone
 * leads), so every check names the responder or team it is about.
 *
 * - Everyone reads their own reputation and ledger; another person's needs
 *   `majorops.reputation.read` for that person.
 * - A team's ranking needs `majorops.ranking.read` for that team.
 * - Training records and suspensions need `majorops.responder.manage` for
 *   that person; the signed-in user is the recorder.
 */
export function addReputationRoutes(router: express.Router, options: ReputationRouteOptions) {
  const { httpAuth, userInfo, permissions, catalog, service } = options;

  async function allowed(credentials: BackstageCredentials, permission: ResourcePermission, resourceRef: string) {
    const [decision] = await permissions.authorize([{ permission, resourceRef }], { credentials });
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** The signed-in user, allowed to read `userRef`'s reputation, and that user in the catalog. */
  async function readerOf(req: express.Request) {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const userRef = parseInput(userRefSchema, req.params.userRef, 'user ref');
    const me = lower((await userInfo.getUserInfo(credentials)).userEntityRef);
    if (me !== userRef && !(await allowed(credentials, reputationReadPermission, userRef))) {
      throw new NotAllowedError(
        `You may read your own reputation; reading ${userRef}'s needs majorops.reputation.read for that responder`,
      );
    }
    await requireUser(userRef, credentials);
    return { userRef, self: me === userRef };
  }

  /**
   * The signed-in user, allowed to manage the responder of the path, who
   * records the change; and that responder, found in the catalog.
   */
  async function managerOf(req: express.Request) {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const userRef = parseInput(userRefSchema, req.params.userRef, 'user ref');
    if (!(await allowed(credentials, responderManagePermission, userRef))) {
      throw new NotAllowedError(
        `Recording training and suspending or reinstating ${userRef} needs majorops.responder.manage for that responder`,
      );
    }
    const actorRef = lower((await userInfo.getUserInfo(credentials)).userEntityRef);
    await requireUser(userRef, credentials);
    return { userRef, actorRef };
  }

  async function requireUser(userRef: string, credentials: BackstageCredentials) {
    const user = await catalog.getEntityByRef(userRef, { credentials });
    if (!user || lower(user.kind) !== 'user') throw new NotFoundError(`No user ${userRef} in the catalog`);
    return user;
  }

  /** The members of a group: its `hasMember` relations and the users whose `memberOf` names it. */
  async function membersOf(group: Entity, groupRef: string, credentials: BackstageCredentials) {
    const { items } = await catalog.getEntities(
      {
        filter: { kind: 'user', 'relations.memberOf': groupRef },
        fields: ['kind', 'metadata.namespace', 'metadata.name', 'spec.profile.displayName'],
      },
      { credentials },
    );
    const members = new Map<string, string | undefined>();
    for (const user of items) {
      members.set(lower(stringifyEntityRef(user)), (user.spec?.profile as { displayName?: string } | undefined)?.displayName);
    }
    const related = (group.relations ?? [])
      .filter(r => r.type === RELATION_HAS_MEMBER && lower(r.targetRef).startsWith('user:'))
      .map(r => lower(r.targetRef))
      .filter(ref => !members.has(ref));
    if (related.length) {
      const found = await catalog.getEntitiesByRefs(
        { entityRefs: related, fields: ['kind', 'metadata.namespace', 'metadata.name', 'spec.profile.displayName'] },
        { credentials },
      );
      found.items.forEach((user, i) => {
        if (user) members.set(related[i], (user.spec?.profile as { displayName?: string } | undefined)?.displayName);
      });
    }
    return [...members.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([userRef, displayName]) => ({ userRef, displayName }));
  }

  router.get('/responders/:userRef/reputation', async (req, res) => {
    const { userRef, self } = await readerOf(req);
    res.json(await service.reputationView(userRef, { includeComments: self }));
  });

  router.get('/responders/:userRef/ledger', async (req, res) => {
    const { userRef } = await readerOf(req);
    const query = parseInput(ledgerQuerySchema, req.query, 'ledger query');
    res.json(await service.listLedger(userRef, query));
  });

  router.get('/groups/:groupRef/ranking', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const groupRef = parseInput(groupRefSchema, req.params.groupRef, 'group ref');
    if (!(await allowed(credentials, rankingReadPermission, groupRef))) {
      throw new NotAllowedError(`Reading the ranking of ${groupRef} needs majorops.ranking.read for that team`);
    }
    const group = await catalog.getEntityByRef(groupRef, { credentials });
    if (!group || lower(group.kind) !== 'group') throw new NotFoundError(`No group ${groupRef} in the catalog`);
    res.json(await service.ranking(groupRef, await membersOf(group, groupRef, credentials)));
  });

  router.post('/responders/:userRef/training', async (req, res) => {
    const { userRef, actorRef } = await managerOf(req);
    const body = parseInput(recordTrainingSchema, req.body, 'training record');
    res.status(201).json(await service.recordTraining(userRef, body, actorRef));
  });

  router.put('/responders/:userRef/suspension', async (req, res) => {
    const { userRef, actorRef } = await managerOf(req);
    const body = parseInput(suspendResponderSchema, req.body, 'suspension');
    res.json(await service.suspend(userRef, body, actorRef));
  });

  router.delete('/responders/:userRef/suspension', async (req, res) => {
    const { userRef, actorRef } = await managerOf(req);
    const body = parseInput(liftSuspensionSchema, req.body, 'suspension lift');
    res.json(await service.liftSuspension(userRef, body.note, actorRef));
  });
}
