import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, RELATION_OWNED_BY, RELATION_PART_OF } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { IncidentStore } from '../database/IncidentStore';

/** How many entity refs one run looks up in the catalog. */
const BATCH = 200;

/** The owner and system of an entity as the catalog's relations say. */
export function ownerAndSystemOf(entity: Entity): { ownerRef?: string; systemRef?: string } {
  const relations = entity.relations ?? [];
  const owner = relations.find(r => r.type === RELATION_OWNED_BY);
  const system = relations.find(
    r => r.type === RELATION_PART_OF && r.targetRef.startsWith('system:'),
  );
  return { ownerRef: owner?.targetRef, systemRef: system?.targetRef };
}

/**
 * Fills in the owner snapshot of affected entities that were recorded without
 * one (incidents ingested from other tools, demo data loaded before the
 * catalog had processed its locations). Entities the catalog does not know
 * stay without owner and are tried again on the next run.
 */
export async function snapshotMissingOwners(options: {
  store: IncidentStore;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
}): Promise<number> {
  const { store, catalog, auth, logger } = options;
  const refs = await store.listEntityRefsWithoutOwner(BATCH);
  if (refs.length === 0) return 0;
  const credentials = await auth.getOwnServiceCredentials();
  const { items } = await catalog.getEntitiesByRefs(
    { entityRefs: refs, fields: ['kind', 'metadata.namespace', 'metadata.name', 'relations'] },
    { credentials },
  );
  let updated = 0;
  for (let i = 0; i < refs.length; i++) {
    const entity = items[i];
    if (!entity) continue;
    const { ownerRef, systemRef } = ownerAndSystemOf(entity);
    if (!ownerRef) continue;
    updated += await store.setOwnerSnapshot(refs[i], ownerRef, systemRef);
  }
  if (updated) {
    logger.info(`Recorded owners for ${updated} affected-entity rows`);
  }
  return updated;
}
