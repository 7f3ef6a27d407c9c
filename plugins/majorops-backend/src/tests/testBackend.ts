import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { BackendFeature } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import { majoropsPlugin } from '../plugin';

/**
 * Starts the real MajorOps plugin on a test database with an in-memory
 * catalog. As in a real backend, a request without a token has no principal.
 */
export async function startMajorOpsBackend(options: {
  knex: Knex;
  entities: Entity[];
  config?: object;
  /** Make the permission policy deny everything. */
  deny?: boolean;
  /** More features: backend modules, other service factories. */
  features?: Array<BackendFeature | Promise<{ default: BackendFeature }>>;
}) {
  const { server } = await startTestBackend({
    features: [
      majoropsPlugin,
      mockServices.database.factory({ knex: options.knex }),
      mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.none() }),
      mockServices.rootConfig.factory({ data: options.config ?? {} }),
      catalogServiceMock.factory({ entities: options.entities }),
      ...(options.deny ? [mockServices.permissions.factory({ result: AuthorizeResult.DENY })] : []),
      ...(options.features ?? []),
    ],
  });
  return server;
}

/** A catalog entity in the default namespace, with its owner and system as relations. */
export function entity(kind: string, name: string, owner?: string, system?: string): Entity {
  const relations = [];
  if (owner) relations.push({ type: 'ownedBy', targetRef: owner });
  if (system) relations.push({ type: 'partOf', targetRef: system });
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default' },
    spec: { ...(owner ? { owner } : {}), ...(system ? { system } : {}) },
    relations,
  };
}

/** Row counts of the given tables, to show that a refused write changed nothing. */
export async function rowCounts(knex: Knex, tables: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of tables) {
    const [{ count }] = await knex(table).count({ count: '*' });
    out[table] = Number(count);
  }
  return out;
}
