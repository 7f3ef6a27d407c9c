/*
 * The benchmark's catalog: 2,000 entities that incidents touch (1,800
 * components and 200 resources), each owned by one of 25 groups and part of
 * one of 50 systems. The same list is written into incident_entities by the
 * generator and served by the in-memory catalog in run.ts.
 */
import type { Entity } from '@backstage/catalog-model';

export const ENTITY_COUNT = 2_000;
const COMPONENTS = 1_800;
const SYSTEMS = 50;
const GROUPS = 25;
export const USER_COUNT = 200;

export interface BenchEntity {
  ref: string;
  kind: 'Component' | 'Resource';
  name: string;
  ownerRef: string;
  systemRef: string;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function userRef(i: number): string {
  return `user:default/responder-${pad(i + 1, 3)}`;
}

/** The 2,000 incident-bearing entities, in a fixed order (not seeded). */
export function benchEntities(): BenchEntity[] {
  const out: BenchEntity[] = [];
  for (let i = 0; i < ENTITY_COUNT; i++) {
    const isComponent = i < COMPONENTS;
    const name = isComponent
      ? `svc-${pad(i + 1, 4)}`
      : `db-${pad(i - COMPONENTS + 1, 3)}`;
    const kind = isComponent ? 'Component' : 'Resource';
    out.push({
      ref: `${kind.toLowerCase()}:default/${name}`,
      kind,
      name,
      ownerRef: `group:default/team-${pad((i % GROUPS) + 1, 2)}`,
      systemRef: `system:default/sys-${pad((i % SYSTEMS) + 1, 2)}`,
    });
  }
  return out;
}

/** Catalog entities for the in-memory catalog: the 2,000 plus their systems and groups. */
export function catalogEntities(): Entity[] {
  const entities: Entity[] = benchEntities().map(e => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: e.kind,
    metadata: { name: e.name, namespace: 'default' },
    spec: {
      owner: e.ownerRef,
      system: e.systemRef,
      type: 'service',
      lifecycle: 'production',
    },
    relations: [
      { type: 'ownedBy', targetRef: e.ownerRef },
      { type: 'partOf', targetRef: e.systemRef },
    ],
  }));
  for (let s = 1; s <= SYSTEMS; s++) {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: `sys-${pad(s, 2)}`, namespace: 'default' },
      spec: { owner: `group:default/team-${pad(((s - 1) % GROUPS) + 1, 2)}` },
      relations: [
        {
          type: 'ownedBy',
          targetRef: `group:default/team-${pad(((s - 1) % GROUPS) + 1, 2)}`,
        },
      ],
    });
  }
  for (let g = 1; g <= GROUPS; g++) {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: `team-${pad(g, 2)}`, namespace: 'default' },
      spec: { type: 'team', children: [] },
    });
  }
  return entities;
}
