import { useApiHolder } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';

const NO_NAMES: ReadonlyMap<string, string> = new Map();

/** The lower-cased ref, the form the catalog pickers use. */
export function normalizeRef(ref: string): string {
  return ref.toLocaleLowerCase('en-US');
}

/**
 * People's names from the catalog, as the user picker shows them: the
 * profile's display name, else the title, else the entity name. Keyed by the
 * lower-cased ref. Refs the catalog does not know (or a catalog that is not
 * there or fails) are simply missing: callers fall back to what the
 * suggestion carries, then to the ref.
 */
export function useUserNames(refs: string[]): ReadonlyMap<string, string> {
  const catalogApi = useApiHolder().get(catalogApiRef);
  const key = [...new Set(refs.map(normalizeRef))].sort().join('\n');
  const { value } = useAsync(async (): Promise<ReadonlyMap<string, string>> => {
    if (!catalogApi || !key) return NO_NAMES;
    const entityRefs = key.split('\n');
    const { items } = await catalogApi.getEntitiesByRefs({
      entityRefs,
      fields: ['kind', 'metadata.namespace', 'metadata.name', 'metadata.title', 'spec.profile.displayName'],
    });
    const names = new Map<string, string>();
    items.forEach((entity, i) => {
      if (!entity) return;
      const displayName = (entity.spec?.profile as { displayName?: string } | undefined)?.displayName;
      names.set(entityRefs[i], displayName ?? entity.metadata.title ?? entity.metadata.name);
    });
    return names;
  }, [catalogApi, key]);
  return value ?? NO_NAMES;
}

/** The name to show: the catalog's, else the one the suggestion carries, else the ref. */
export function nameOf(names: ReadonlyMap<string, string>, userRef: string, displayName?: string): string {
  return names.get(normalizeRef(userRef)) ?? displayName ?? userRef;
}
