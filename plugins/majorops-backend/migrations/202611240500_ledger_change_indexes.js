// @ts-check

/**
 * Indexes for the incremental ledger update (`DatabaseReputationStore.changedSince`):
 * every few minutes it asks each table what changed since its watermark.
 * Without an index on the time column each of those questions scanned its
 * whole table (1.2M timeline events: ~210 ms per run at 115k incidents), so
 * a run after one resolved incident took ~300 ms, nearly all of it looking.
 *
 * `incidents.updated_at` is indexed already (`incidents_updated_idx`).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  for (const [table, column] of INDEXED) {
    await knex.schema.alterTable(table, t => {
      // Released roles only: most roles are held (released_at null), and SQLite, which keeps no
      // statistics, would otherwise read the held roles of a page through this index instead of
      // incident_roles_incident_idx (52 ms instead of 0.7 ms at 100k incidents).
      if (column === 'released_at') t.index([column], nameOf(table, column), { predicate: knex.whereNotNull(column) });
      else t.index([column], nameOf(table, column));
    });
  }
};

/** @type {Array<[string, string]>} */
const INDEXED = [
  ['timeline_events', 'occurred_at'],
  ['incident_roles', 'assigned_at'],
  ['incident_roles', 'released_at'],
  ['incident_repeats', 'linked_at'],
  ['runbook_revisions', 'created_at'],
  ['runbook_drills', 'recorded_at'],
  ['postmortems', 'updated_at'],
  ['action_items', 'updated_at'],
];

/** @param {string} table @param {string} column */
function nameOf(table, column) {
  return `${table}_${column}_idx`;
}

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const [table, column] of [...INDEXED].reverse()) {
    await knex.schema.alterTable(table, t => {
      t.dropIndex([column], nameOf(table, column));
    });
  }
};
