import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Knex } from 'knex';
import { DatabaseIncidentStore, MIGRATIONS_DIRECTORY } from '../database/DatabaseIncidentStore';
import { createTestDatabases } from '../tests/testDatabases';
import { DatabaseReputationStore } from './DatabaseReputationStore';
import { readReputationConfig } from './reputationConfig';
import { ReputationService } from './ReputationService';
import type { ReputationSummary } from './ReputationSummaryReader';

jest.setTimeout(180_000);

const BO = 'user:default/bo';
const CY = 'user:default/cy';
const NOBODY = 'user:default/nobody';

const summary = (userRef: string, computedAt: string, score: number): ReputationSummary => ({
  userRef,
  computedAt,
  score,
  level: { level: 2, name: 'Incident Commander', suspended: false },
  badge: { holds: false },
});

describe('ReputationService.summariesOf, with summaries kept in process', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let store: DatabaseReputationStore;
    let clock: number;
    const service = (options: { noRecordSeconds?: number } = {}) =>
      new ReputationService({
        store,
        incidents: DatabaseIncidentStore.create(knex),
        // No post-mortems, runbooks or drills in these tests: nothing to count.
        knowledgeContributions: async () => ({ runbookRevisions: 0, drillsRecorded: 0, postmortemsAuthored: 0, postmortemsFacilitated: 0, actionItemsCompleted: 0 }),
        config: readReputationConfig(new ConfigReader({})),
        logger: mockServices.logger.mock(),
        now: () => '2026-11-01T00:00:00.000Z',
        summaryCache: { noRecordSeconds: options.noRecordSeconds ?? 300, clock: () => clock },
      });

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
      store = DatabaseReputationStore.create(knex);
      clock = 5_000_000;
    });

    afterAll(async () => {
      await knex.destroy();
    });

    it('reuses a summary while the stored one has the same time, and reads the new one written by any instance at once', async () => {
      await store.putSummaries([summary(BO, '2026-10-31T00:00:00.000Z', 500)]);
      const mine = service();
      const first = await mine.summariesOf([BO, NOBODY]);
      expect([...first.keys()]).toEqual([BO]);
      expect(first.get(BO)!.score).toBe(500);
      const again = await mine.summariesOf([BO]);
      expect(again.get(BO)).toBe(first.get(BO));

      // Another instance (or the ledger task) stores a newer summary: a suspension, say.
      await store.putSummaries([{ ...summary(BO, '2026-10-31T00:05:00.000Z', 480), level: { level: 2, name: 'Incident Commander', suspended: true } }]);
      const after = await mine.summariesOf([BO]);
      expect(after.get(BO)).toMatchObject({ score: 480, level: { suspended: true } });
      expect(await service().summariesOf([BO])).toEqual(after);
    });

    it('does not look for the records of people without any for a while, but sees a summary stored for them at once', async () => {
      const mine = service({ noRecordSeconds: 60 });
      expect((await mine.summariesOf([CY])).size).toBe(0);
      // Cy takes a first role: no summary is stored for it until the ledger task runs.
      await knex('incidents').insert({
        id: 'inc-1',
        title: 'Incident',
        summary: '',
        severity: 'SEV2',
        status: 'resolved',
        tags: '[]',
        declared_at: new Date('2026-10-01T10:00:00.000Z'),
        resolved_at: new Date('2026-10-01T11:00:00.000Z'),
        created_by: CY,
        created_at: new Date('2026-10-01T10:00:00.000Z'),
        updated_at: new Date('2026-10-01T10:00:00.000Z'),
      });
      await knex('incident_roles').insert({ incident_id: 'inc-1', role: 'incident-commander', user_ref: CY, assigned_by: CY, assigned_at: new Date('2026-10-01T10:00:00.000Z') });
      clock += 59_000;
      expect((await mine.summariesOf([CY])).size).toBe(0);
      // A fresh instance looks at once, summarises Cy and stores it.
      const computed = await service().summariesOf([CY]);
      expect(computed.get(CY)).toMatchObject({ userRef: CY, computedAt: '2026-11-01T00:00:00.000Z' });
      // Now stored: the first instance reads it at once, before its minute is over.
      expect((await mine.summariesOf([CY])).get(CY)).toEqual(computed.get(CY));
    });

    it('looks again for people without a record once the time is over', async () => {
      const mine = service({ noRecordSeconds: 60 });
      expect((await mine.summariesOf([NOBODY])).size).toBe(0);
      await knex('incident_roles').insert({ incident_id: 'inc-1', role: 'scribe', user_ref: NOBODY, assigned_by: CY, assigned_at: new Date('2026-10-01T10:10:00.000Z') });
      expect((await mine.summariesOf([NOBODY])).size).toBe(0);
      clock += 61_000;
      expect((await mine.summariesOf([NOBODY])).get(NOBODY)).toMatchObject({ userRef: NOBODY });
    });
  });
});
