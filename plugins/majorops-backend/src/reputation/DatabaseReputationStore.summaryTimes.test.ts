import { Knex } from 'knex';
import { MIGRATIONS_DIRECTORY } from '../database/DatabaseIncidentStore';
import { createTestDatabases } from '../tests/testDatabases';
import { DatabaseReputationStore, SUMMARY_REVISION } from './DatabaseReputationStore';
import type { ReputationSummary } from './ReputationSummaryReader';

jest.setTimeout(180_000);

const summary = (userRef: string, computedAt: string, score = 500): ReputationSummary => ({
  userRef,
  computedAt,
  score,
  level: { level: 2, name: 'Incident Commander', suspended: false },
  badge: { holds: false },
});

const T1 = '2026-10-01T00:00:00.000Z';
const T2 = '2026-10-02T00:00:00.000Z';
const T3 = '2026-10-03T00:00:00.000Z';

describe('DatabaseReputationStore.getSummaryTimes, with the times kept in process while the summaries\' revision stays', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let n = 0;
    /** A person no other test uses. */
    const person = () => `user:default/times-${++n}`;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
    });

    afterAll(async () => {
      await knex.destroy();
    });

    /** The queries `run` sends, as SQL text. */
    async function queriesOf(run: () => Promise<unknown>): Promise<string[]> {
      const seen: string[] = [];
      const listener = (query: { sql: string }) => seen.push(query.sql);
      knex.on('query', listener);
      try {
        await run();
      } finally {
        knex.removeListener('query', listener);
      }
      return seen;
    }

    it('gives the same times as a store that keeps nothing, and reads only the revision when nothing was stored since', async () => {
      const [a, b, none] = [person(), person(), person()];
      const writer = DatabaseReputationStore.create(knex);
      await writer.putSummaries([summary(a, T1), summary(b, T2)]);
      const reader = DatabaseReputationStore.create(knex);
      const first = await reader.getSummaryTimes([a, b, none, a]);
      expect(Object.fromEntries(first)).toEqual({ [a]: T1, [b]: T2 });
      const queries = await queriesOf(async () => {
        expect(Object.fromEntries(await reader.getSummaryTimes([b, none, a]))).toEqual({ [a]: T1, [b]: T2 });
      });
      expect(queries).toHaveLength(1);
      expect(queries[0]).toContain('reputation_watermarks');
    });

    it('sees at once a newer summary that another instance stored for someone kept', async () => {
      const [a, b] = [person(), person()];
      const writer = DatabaseReputationStore.create(knex);
      const reader = DatabaseReputationStore.create(knex);
      await writer.putSummaries([summary(a, T1), summary(b, T1)]);
      expect(Object.fromEntries(await reader.getSummaryTimes([a, b]))).toEqual({ [a]: T1, [b]: T1 });
      await writer.putSummaries([summary(a, T2)]);
      expect(Object.fromEntries(await reader.getSummaryTimes([a, b]))).toEqual({ [a]: T2, [b]: T1 });
      await writer.putSummaries([summary(b, T3)]);
      await writer.putSummaries([summary(a, T3)]);
      expect(Object.fromEntries(await reader.getSummaryTimes([a, b]))).toEqual({ [a]: T3, [b]: T3 });
      // Its own writes too.
      await reader.putSummaries([summary(b, T2)]);
      expect(Object.fromEntries(await reader.getSummaryTimes([b, a]))).toEqual({ [a]: T3, [b]: T2 });
    });

    it('sees at once the first summary stored for someone kept as having none', async () => {
      const [a, later] = [person(), person()];
      const writer = DatabaseReputationStore.create(knex);
      const reader = DatabaseReputationStore.create(knex);
      await writer.putSummaries([summary(a, T1)]);
      expect(Object.fromEntries(await reader.getSummaryTimes([a, later]))).toEqual({ [a]: T1 });
      await writer.putSummaries([summary(later, T2)]);
      expect(Object.fromEntries(await reader.getSummaryTimes([a, later]))).toEqual({ [a]: T1, [later]: T2 });
    });

    it('sees a summary stored in batches (a batch per revision)', async () => {
      const people = Array.from({ length: 450 }, () => person());
      const writer = DatabaseReputationStore.create(knex);
      const reader = DatabaseReputationStore.create(knex);
      await writer.putSummaries(people.map(ref => summary(ref, T1)));
      const kept = await reader.getSummaryTimes(people);
      expect([...kept.values()].every(at => at === T1)).toBe(true);
      expect(kept.size).toBe(people.length);
      await writer.putSummaries(people.map(ref => summary(ref, T2)));
      const after = await reader.getSummaryTimes(people);
      expect(after.size).toBe(people.length);
      expect([...after.values()].every(at => at === T2)).toBe(true);
    });

    it('never keeps a time read while another instance stored a newer one', async () => {
      const writer = DatabaseReputationStore.create(knex);
      for (let round = 0; round < 5; round++) {
        const [kept, fresh] = [person(), person()];
        const reader = DatabaseReputationStore.create(knex);
        await writer.putSummaries([summary(kept, T1), summary(fresh, T1)]);
        await reader.getSummaryTimes([kept]);
        // `fresh` is read by ref while its newer summary is stored, and another call looks at the revision meanwhile.
        await Promise.all([reader.getSummaryTimes([fresh, kept]), writer.putSummaries([summary(fresh, T2)]), reader.getSummaryTimes([kept])]);
        expect((await reader.getSummaryTimes([fresh, kept])).get(fresh)).toBe(T2);
      }
    });

    it('reads again when the revision moved to any other value (a restored table)', async () => {
      const a = person();
      const writer = DatabaseReputationStore.create(knex);
      const reader = DatabaseReputationStore.create(knex);
      await writer.putSummaries([summary(a, T2)]);
      expect((await reader.getSummaryTimes([a])).get(a)).toBe(T2);
      const before = (await knex('reputation_watermarks').where({ name: SUMMARY_REVISION }).first('value'))!.value;
      // As restored from a backup taken before: an older summary and an older revision.
      await knex('reputation_summaries').where({ user_ref: a }).update({ computed_at: new Date(T1), summary: JSON.stringify(summary(a, T1)) });
      await knex('reputation_watermarks').where({ name: SUMMARY_REVISION }).update({ value: new Date(5_000) });
      expect((await reader.getSummaryTimes([a])).get(a)).toBe(T1);
      await knex('reputation_watermarks').where({ name: SUMMARY_REVISION }).update({ value: before });
    });

    it('moves the revision with every batch of summaries stored, to a value it never had, even from a clock behind', async () => {
      const store = DatabaseReputationStore.create(knex);
      const revision = async () => Date.parse(new Date((await knex('reputation_watermarks').where({ name: SUMMARY_REVISION }).first('value'))!.value).toISOString());
      await store.putSummaries([summary(person(), T1)]);
      // Ahead of every clock: the next writes still move it forward.
      const ahead = Date.now() + 3_600_000;
      await knex('reputation_watermarks').where({ name: SUMMARY_REVISION }).update({ value: new Date(ahead) });
      const seen = [ahead];
      for (let i = 0; i < 3; i++) {
        await store.putSummaries([summary(person(), T1)]);
        seen.push(await revision());
      }
      await Promise.all(Array.from({ length: 4 }, () => DatabaseReputationStore.create(knex).putSummaries([summary(person(), T1)])));
      seen.push(await revision());
      expect(seen).toEqual([ahead, ahead + 1, ahead + 2, ahead + 3, ahead + 7]);
      await knex('reputation_watermarks').where({ name: SUMMARY_REVISION }).update({ value: new Date() });
    });
  });
});
