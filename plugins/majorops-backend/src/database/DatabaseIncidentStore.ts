import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type {
  AffectedEntity,
  Incident,
  IncidentRole,
  IncidentSource,
  IncidentStatus,
  Page,
  ResponderParticipation,
  RoleAssignment,
  Severity,
} from '@majorops/plugin-majorops-common';
import { randomUUID } from 'crypto';
import { Knex } from 'knex';
import { decodeTimeCursor, encodeCursor } from './cursor';
import { IncidentListFilter, IncidentStore, NewIncident } from './IncidentStore';
import {
  DbIncidentEntityRow,
  DbIncidentRoleRow,
  DbIncidentRow,
  toDate,
  toIso,
} from './tables';

const migrationsDir = resolvePackagePath(
  '@majorops/plugin-majorops-backend',
  'migrations',
);

/** Runs the plugin's migrations unless the operator asked to skip them. */
export async function applyMigrations(
  database: DatabaseService,
): Promise<Knex> {
  const client = await database.getClient();
  if (!database.migrations?.skip) {
    await client.migrate.latest({ directory: migrationsDir });
  }
  return client;
}

export const MIGRATIONS_DIRECTORY = migrationsDir;

/** IncidentStore on knex, for SQLite and PostgreSQL. */
export class DatabaseIncidentStore implements IncidentStore {
  /** Takes a client on which {@link applyMigrations} has run. */
  static create(db: Knex): DatabaseIncidentStore {
    return new DatabaseIncidentStore(db);
  }

  private constructor(private readonly db: Knex) {}

  async createIncident(input: NewIncident): Promise<Incident> {
    const id = randomUUID();
    const declaredAt = new Date(input.milestones.declaredAt);
    const createdAt = new Date(input.createdAt);
    await this.db.transaction(async tx => {
      await tx<DbIncidentRow>('incidents').insert({
        id,
        title: input.title,
        summary: input.summary,
        severity: input.severity,
        status: input.status,
        incident_type: input.incidentType ?? null,
        tags: JSON.stringify(input.tags),
        external_cause: input.externalCause,
        customer_reported: input.customerReported,
        source: input.source,
        external_id: input.externalId ?? null,
        external_url: input.externalUrl ?? null,
        impact_started_at: toDate(input.milestones.impactStartedAt),
        detected_at: toDate(input.milestones.detectedAt),
        declared_at: declaredAt,
        acknowledged_at: toDate(input.milestones.acknowledgedAt),
        mitigated_at: toDate(input.milestones.mitigatedAt),
        resolved_at: toDate(input.milestones.resolvedAt),
        closed_at: toDate(input.milestones.closedAt),
        created_by: input.createdBy,
        created_at: createdAt,
        updated_at: createdAt,
        version: 1,
      });
      if (input.entities.length) {
        await tx<DbIncidentEntityRow>('incident_entities').insert(
          input.entities.map(e => ({
            incident_id: id,
            entity_ref: e.entityRef,
            owner_ref: e.ownerRef ?? null,
            system_ref: e.systemRef ?? null,
            declared_at: declaredAt,
          })),
        );
      }
      if (input.roles.length) {
        await tx('incident_roles').insert(
          input.roles.map(r => ({
            incident_id: id,
            role: r.role,
            user_ref: r.userRef,
            assigned_by: r.assignedBy,
            assigned_at: new Date(r.assignedAt),
            released_by: r.releasedBy ?? null,
            released_at: toDate(r.releasedAt),
          })),
        );
      }
    });
    return (await this.getIncident(id))!;
  }

  async getIncident(id: string): Promise<Incident | undefined> {
    const row = await this.db<DbIncidentRow>('incidents').where({ id }).first();
    if (!row) return undefined;
    const [incident] = await this.hydrate([row]);
    return incident;
  }

  async listIncidents(filter: IncidentListFilter): Promise<Page<Incident>> {
    if (filter.entityRefs && filter.entityRefs.length === 0) {
      return { items: [] };
    }
    const query = this.db<DbIncidentRow>('incidents as i').select('i.*');
    if (filter.entityRefs) {
      // Semi-join keeps one row per incident however many of the refs it touches.
      query.whereExists(sub =>
        sub
          .select(this.db.raw('1'))
          .from('incident_entities as e')
          .whereRaw('e.incident_id = i.id')
          .whereIn('e.entity_ref', filter.entityRefs!),
      );
    }
    if (filter.statuses?.length) query.whereIn('i.status', filter.statuses);
    if (filter.severities?.length) query.whereIn('i.severity', filter.severities);
    if (filter.cursor) {
      const { at, id } = decodeTimeCursor(filter.cursor);
      query.where(w =>
        w
          .where('i.declared_at', '<', at)
          .orWhere(w2 => w2.where('i.declared_at', '=', at).andWhere('i.id', '<', id)),
      );
    }
    const rows: DbIncidentRow[] = await query
      .orderBy([
        { column: 'i.declared_at', order: 'desc' },
        { column: 'i.id', order: 'desc' },
      ])
      .limit(filter.limit + 1);
    const hasMore = rows.length > filter.limit;
    const pageRows = hasMore ? rows.slice(0, filter.limit) : rows;
    const items = await this.hydrate(pageRows);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor:
        hasMore && last
          ? encodeCursor([last.milestones.declaredAt, last.id])
          : undefined,
    };
  }

  async countIncidents(): Promise<number> {
    const [{ count }] = await this.db('incidents').count({ count: '*' });
    return Number(count);
  }

  async getParticipation(userRef: string): Promise<ResponderParticipation> {
    const rows = await this.db('incident_roles as r')
      .join('incidents as i', 'i.id', 'r.incident_id')
      .where('r.user_ref', userRef)
      .select('r.incident_id', 'r.role', 'i.declared_at');
    const incidents = new Set<string>();
    const rolesHeld: Partial<Record<IncidentRole, number>> = {};
    let last: number | undefined;
    for (const row of rows) {
      incidents.add(row.incident_id);
      const role = row.role as IncidentRole;
      rolesHeld[role] = (rolesHeld[role] ?? 0) + 1;
      const at = Date.parse(toIso(row.declared_at));
      if (last === undefined || at > last) last = at;
    }
    return {
      userRef,
      incidents: incidents.size,
      rolesHeld,
      lastIncidentAt: last === undefined ? undefined : new Date(last).toISOString(),
    };
  }

  async listEntityRefsWithoutOwner(limit: number): Promise<string[]> {
    const rows = await this.db<DbIncidentEntityRow>('incident_entities')
      .distinct('entity_ref')
      .whereNull('owner_ref')
      .orderBy('entity_ref')
      .limit(limit);
    return rows.map(r => r.entity_ref);
  }

  async setOwnerSnapshot(entityRef: string, ownerRef: string, systemRef?: string): Promise<number> {
    return this.db<DbIncidentEntityRow>('incident_entities')
      .where({ entity_ref: entityRef })
      .whereNull('owner_ref')
      .update({ owner_ref: ownerRef, system_ref: systemRef ?? null });
  }

  /** Loads entities and current roles for a set of incident rows in two queries. */
  private async hydrate(rows: DbIncidentRow[]): Promise<Incident[]> {
    if (rows.length === 0) return [];
    const ids = rows.map(r => r.id);
    const [entityRows, roleRows] = await Promise.all([
      this.db<DbIncidentEntityRow>('incident_entities')
        .whereIn('incident_id', ids)
        .orderBy('entity_ref'),
      this.db<DbIncidentRoleRow>('incident_roles')
        .whereIn('incident_id', ids)
        .whereNull('released_at')
        .orderBy('id'),
    ]);
    const entitiesById = new Map<string, AffectedEntity[]>();
    for (const e of entityRows) {
      const list = entitiesById.get(e.incident_id) ?? [];
      list.push({
        entityRef: e.entity_ref,
        ownerRef: e.owner_ref ?? undefined,
        systemRef: e.system_ref ?? undefined,
      });
      entitiesById.set(e.incident_id, list);
    }
    const rolesById = new Map<string, RoleAssignment[]>();
    for (const r of roleRows) {
      const list = rolesById.get(r.incident_id) ?? [];
      list.push({
        role: r.role as IncidentRole,
        userRef: r.user_ref,
        assignedBy: r.assigned_by,
        assignedAt: toIso(r.assigned_at),
      });
      rolesById.set(r.incident_id, list);
    }
    return rows.map(row => ({
      id: row.id,
      title: row.title,
      summary: row.summary,
      severity: row.severity as Severity,
      status: row.status as IncidentStatus,
      incidentType: row.incident_type ?? undefined,
      tags: JSON.parse(row.tags),
      externalCause: Boolean(row.external_cause),
      customerReported: Boolean(row.customer_reported),
      source: row.source as IncidentSource,
      externalId: row.external_id ?? undefined,
      externalUrl: row.external_url ?? undefined,
      entities: entitiesById.get(row.id) ?? [],
      roles: rolesById.get(row.id) ?? [],
      milestones: {
        impactStartedAt: toIso(row.impact_started_at),
        detectedAt: toIso(row.detected_at),
        declaredAt: toIso(row.declared_at),
        acknowledgedAt: toIso(row.acknowledged_at),
        mitigatedAt: toIso(row.mitigated_at),
        resolvedAt: toIso(row.resolved_at),
        closedAt: toIso(row.closed_at),
      },
      createdBy: row.created_by,
      createdAt: toIso(row.created_at),
      updatedAt: toIso(row.updated_at),
      version: row.version,
    }));
  }
}
