// @ts-check

/**
 * On PostgreSQL, `reputation_ledger` becomes a table partitioned by
 * `generation` (one partition per build of the ledger, plus a default one).
 *
 * A full recompute then writes its generation into a table of its own with no
 * index (each row written once, not four times), builds the indexes in one
 * sort at the end, and attaches the table as a partition when it switches
 * readers to it. The generation it replaces is dropped as a table by a later
 * run of the ledger task instead of deleted row by row.
 * (`DatabaseReputationStore.beginRebuild`, `appendEvents`, `finishRebuild`,
 * `dropRetiredGenerations`.)
 *
 * Readers are unchanged: they still ask for the visible generation, and
 * PostgreSQL reads only its partition. The primary key becomes
 * `(id, generation)`, as a partitioned table requires; ids still come from
 * the same sequence. Rows already stored are copied into the partitions.
 *
 * Nothing changes on SQLite, which has no partitions: there the rebuild keeps
 * writing beside the visible generation and deleting the old one.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (!isPostgres(knex)) return;
  await knex.raw(`ALTER TABLE reputation_ledger RENAME TO ${OLD}`);
  for (const index of ['pkey', ...INDEXES.map(i => i.suffix)]) {
    await knex.raw(`ALTER INDEX reputation_ledger_${index} RENAME TO ${OLD}_${index}`);
  }
  await knex.raw(
    `CREATE TABLE reputation_ledger (LIKE ${OLD} INCLUDING DEFAULTS INCLUDING COMMENTS, PRIMARY KEY (id, generation))
     PARTITION BY LIST (generation)`,
  );
  await knex.raw(`COMMENT ON TABLE reputation_ledger IS '${TABLE_COMMENT}'`);
  await knex.raw('ALTER SEQUENCE reputation_ledger_id_seq OWNED BY reputation_ledger.id');
  for (const index of INDEXES) await knex.raw(`CREATE INDEX reputation_ledger_${index.suffix} ON reputation_ledger ${index.definition}`);
  await knex.raw('CREATE TABLE reputation_ledger_default PARTITION OF reputation_ledger DEFAULT');
  const state = await knex('reputation_ledger_state').where({ id: 'ledger' }).first('generation');
  const visible = Number(state?.generation ?? 1);
  await knex.raw(`CREATE TABLE reputation_ledger_g${visible} PARTITION OF reputation_ledger FOR VALUES IN (${visible})`);
  await knex.raw(`INSERT INTO reputation_ledger (${COLUMNS}) SELECT ${COLUMNS} FROM ${OLD}`);
  await knex.raw(`DROP TABLE ${OLD}`);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (!isPostgres(knex)) return;
  await knex.raw(`CREATE TABLE ${OLD} (LIKE reputation_ledger INCLUDING DEFAULTS INCLUDING COMMENTS)`);
  await knex.raw(`INSERT INTO ${OLD} (${COLUMNS}) SELECT ${COLUMNS} FROM reputation_ledger`);
  await knex.raw(`ALTER SEQUENCE reputation_ledger_id_seq OWNED BY ${OLD}.id`);
  // The partitions go with the table; a rebuild's table not attached yet goes too.
  await knex.raw('DROP TABLE reputation_ledger');
  const builds = await knex('pg_tables')
    .whereRaw('schemaname = current_schema()')
    .where('tablename', '~', '^reputation_ledger_g[0-9]+$')
    .pluck('tablename');
  for (const table of builds) await knex.raw('DROP TABLE ??', [table]);
  await knex.raw(`ALTER TABLE ${OLD} RENAME TO reputation_ledger`);
  await knex.raw('ALTER TABLE reputation_ledger ADD CONSTRAINT reputation_ledger_pkey PRIMARY KEY (id)');
  await knex.raw(`COMMENT ON TABLE reputation_ledger IS '${TABLE_COMMENT}'`);
  for (const index of INDEXES) await knex.raw(`CREATE INDEX reputation_ledger_${index.suffix} ON reputation_ledger ${index.definition}`);
};

const OLD = 'reputation_ledger_unpartitioned';
const TABLE_COMMENT = 'One score event: what one record says about one metric of one person';
const COLUMNS = [
  'id',
  'generation',
  'user_ref',
  'incident_id',
  'metric',
  'value',
  'weight',
  'severity',
  'external_cause',
  'occurred_at',
  'reason',
  'source',
  'source_key',
  'computed_at',
].join(', ');

/** The indexes of the ledger (as the reputation migration made them); each generation's table gets the same. */
const INDEXES = [
  { suffix: 'user_idx', definition: '(user_ref, occurred_at)' },
  { suffix: 'incident_idx', definition: '(incident_id)' },
  { suffix: 'person_source_idx', definition: '(source_key) WHERE incident_id IS NULL' },
];

/** @param {import('knex').Knex} knex */
function isPostgres(knex) {
  return !String(knex.client.config.client).includes('sqlite');
}
