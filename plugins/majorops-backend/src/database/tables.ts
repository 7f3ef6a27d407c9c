import type { Knex } from 'knex';

/** Row shapes as the database returns them (timestamps vary by engine). */
export type DbTimestamp = Date | string | number;

export interface DbIncidentRow {
  id: string;
  title: string;
  summary: string;
  severity: string;
  status: string;
  incident_type: string | null;
  tags: string;
  external_cause: boolean | number;
  customer_reported: boolean | number;
  source: string;
  external_id: string | null;
  external_url: string | null;
  impact_started_at: DbTimestamp | null;
  detected_at: DbTimestamp | null;
  declared_at: DbTimestamp;
  acknowledged_at: DbTimestamp | null;
  mitigated_at: DbTimestamp | null;
  resolved_at: DbTimestamp | null;
  closed_at: DbTimestamp | null;
  created_by: string;
  created_at: DbTimestamp;
  updated_at: DbTimestamp;
  version: number;
  impact_scope: number | null;
  baseline_impact: number | null;
  paying_customer: boolean | number;
  data_integrity_concern: boolean | number;
  root_cause_identified_at: DbTimestamp | null;
  root_cause_escalated_at: DbTimestamp | null;
}

export interface DbHypothesisRow {
  id: number;
  incident_id: string;
  statement: string;
  opened_by: string;
  opened_at: DbTimestamp;
  timebox_ends_at: DbTimestamp;
  status: 'open' | 'confirmed' | 'refuted';
  resolved_by: string | null;
  resolved_at: DbTimestamp | null;
}

export interface DbIncidentEntityRow {
  incident_id: string;
  entity_ref: string;
  owner_ref: string | null;
  system_ref: string | null;
  /** Copies of the incident's columns, for paging by entity and for metrics (kept equal by the store). */
  declared_at: DbTimestamp;
  severity: string | null;
  external_cause: boolean | number;
  impact_started_at: DbTimestamp | null;
  detected_at: DbTimestamp | null;
  acknowledged_at: DbTimestamp | null;
  mitigated_at: DbTimestamp | null;
  resolved_at: DbTimestamp | null;
}

export interface DbIncidentRoleRow {
  id: number;
  incident_id: string;
  role: string;
  user_ref: string;
  assigned_by: string;
  assigned_at: DbTimestamp;
  released_by: string | null;
  released_at: DbTimestamp | null;
}

/** `incident_shadows` has the shape of `incident_roles`. */
export type DbIncidentShadowRow = DbIncidentRoleRow;

export interface DbTimelineEventRow {
  id: number;
  incident_id: string;
  type: string;
  occurred_at: DbTimestamp;
  actor_ref: string;
  body: string;
}

export interface DbRunbookRow {
  id: string;
  entity_ref: string;
  title: string;
  body: string;
  last_tested_at: DbTimestamp | null;
  updated_by: string | null;
  created_by: string;
  created_at: DbTimestamp;
  updated_at: DbTimestamp;
  version: number;
}

/**
 * Converts what a driver returns for a timestamp column to ISO-8601 UTC.
 * PostgreSQL gives Date objects; SQLite gives back the epoch milliseconds
 * that knex bound for a Date.
 */
export function toIso(value: DbTimestamp): string;
export function toIso(value: DbTimestamp | null | undefined): string | undefined;
export function toIso(value: DbTimestamp | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return new Date(value).toISOString();
  const asNumber = Number(value);
  if (/^\d+$/.test(value) && Number.isFinite(asNumber)) {
    return new Date(asNumber).toISOString();
  }
  return new Date(value).toISOString();
}

/** Epoch milliseconds of a timestamp as a driver returns it, undefined for null. */
export function toMillis(value: DbTimestamp | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return value;
  if (value instanceof Date) return value.getTime();
  return Date.parse(toIso(value));
}

/** Parses an ISO string from the API into a Date for binding. */
export function toDate(value: string | undefined | null): Date | null {
  return value ? new Date(value) : null;
}

export interface DbRunbookRevisionRow {
  runbook_id: string;
  revision: number;
  title: string;
  body: string;
  author_ref: string;
  created_at: DbTimestamp;
  change_note: string | null;
}

export interface DbRunbookDrillRow {
  id: number;
  runbook_id: string;
  kind: string;
  outcome: string;
  performed_at: DbTimestamp;
  participants: string;
  notes: string;
  recorded_by: string;
  recorded_at: DbTimestamp;
}

/** Whether the database is PostgreSQL, where the stores use its own SQL (arrays, percentiles, formatted timestamps). */
export function isPostgres(db: Knex): boolean {
  return String(db.client.config.client).includes('pg');
}
