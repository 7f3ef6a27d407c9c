import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DEFAULT_ASSIGNMENT_CONFIG } from '@majorops/plugin-majorops-common';
import { Knex } from 'knex';
import { MIGRATIONS_DIRECTORY } from '../database/DatabaseIncidentStore';
import { createTestDatabases } from '../tests/testDatabases';
import { DatabaseSuggestionStore } from './DatabaseSuggestionStore';
import { SuggestionService } from './SuggestionService';

jest.setTimeout(180_000);

const user = (name: string, team: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: { memberOf: [team] },
  relations: [{ type: 'memberOf', targetRef: `group:default/${team}` }],
});

const CATALOG: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'checkout', namespace: 'default' },
    spec: { owner: 'group:default/sre' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/sre' }],
  },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'sre', namespace: 'default' }, spec: { type: 'team', children: [] } },
  user('ada', 'sre'),
  user('bo', 'sre'),
  user('cy', 'ops'),
];

const ADA = mockCredentials.user('user:default/ada');
const BO = mockCredentials.user('user:default/bo');
const DRAFT = { severity: 'SEV2' as const, entityRefs: ['component:default/checkout'] };

describe('SuggestionService, members of the owning teams', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let clock: number;
    let catalog: ReturnType<typeof catalogServiceMock>;
    let service: (membersCacheSeconds: number) => SuggestionService;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
    });

    beforeEach(() => {
      clock = Date.parse('2026-11-01T00:00:00.000Z');
      catalog = catalogServiceMock({ entities: CATALOG });
      jest.spyOn(catalog, 'getEntities');
      jest.spyOn(catalog, 'getEntitiesByRefs');
      service = membersCacheSeconds =>
        new SuggestionService({
          store: DatabaseSuggestionStore.create(knex),
          catalog,
          reputation: { summariesOf: async () => new Map() },
          assignRole: async () => {
            throw new Error('no assignment here');
          },
          config: DEFAULT_ASSIGNMENT_CONFIG,
          settings: { membersCacheSeconds },
          now: () => new Date(clock).toISOString(),
          clock: () => clock,
        });
    });

    afterAll(async () => {
      await knex.destroy();
    });

    const people = (suggestions: { excluded: Array<{ userRef: string }> }) => [...new Set(suggestions.excluded.map(e => e.userRef))].sort();

    it('reuses the members listed for the same caller within the time, and asks again for another caller or after it', async () => {
      const suggestions = service(60);
      const reader = (credentials: typeof ADA) => ({ credentials });
      const first = await suggestions.forDraft(DRAFT, reader(ADA));
      expect(people(first)).toEqual(['user:default/ada', 'user:default/bo']);
      expect(catalog.getEntities).toHaveBeenCalledTimes(1);

      clock += 59_000;
      expect(people(await suggestions.forDraft(DRAFT, reader(ADA)))).toEqual(people(first));
      expect(catalog.getEntities).toHaveBeenCalledTimes(1);

      // The catalog answers each caller with what they may read: not shared.
      await suggestions.forDraft(DRAFT, reader(BO));
      expect(catalog.getEntities).toHaveBeenCalledTimes(2);

      clock += 2_000;
      await suggestions.forDraft(DRAFT, reader(ADA));
      expect(catalog.getEntities).toHaveBeenCalledTimes(3);
    });

    it('asks the catalog every time with 0 seconds', async () => {
      const suggestions = service(0);
      await suggestions.forDraft(DRAFT, { credentials: ADA });
      await suggestions.forDraft(DRAFT, { credentials: ADA });
      expect(catalog.getEntities).toHaveBeenCalledTimes(2);
    });

    describe('people engaged on past incidents and affected entities, read by ref', () => {
      // An entity no team owns: the candidates are the people engaged on its past incident.
      const LEDGER_DRAFT = { severity: 'SEV2' as const, entityRefs: ['component:default/ledger'] };
      const reader = (credentials: typeof ADA) => ({ credentials });
      /** Calls of the catalog that asked for people by ref (the entities are asked for by ref too). */
      const peopleCalls = () =>
        (catalog.getEntitiesByRefs as jest.Mock).mock.calls.filter(([request]) => request.entityRefs.some((ref: string) => ref.startsWith('user:')));
      const entityCalls = () =>
        (catalog.getEntitiesByRefs as jest.Mock).mock.calls.filter(([request]) => request.entityRefs.includes('component:default/ledger'));

      beforeAll(async () => {
        const declared = new Date('2026-10-01T10:00:00.000Z');
        await knex('incidents').insert({
          id: 'past-ledger',
          title: 'Ledger down',
          summary: '',
          severity: 'SEV2',
          status: 'resolved',
          tags: '[]',
          declared_at: declared,
          resolved_at: new Date('2026-10-01T12:00:00.000Z'),
          created_by: 'user:default/cy',
          created_at: declared,
          updated_at: declared,
        });
        await knex('incident_entities').insert({ incident_id: 'past-ledger', entity_ref: 'component:default/ledger', declared_at: declared });
        await knex('incident_roles').insert([
          { incident_id: 'past-ledger', role: 'incident-commander', user_ref: 'user:default/cy', assigned_by: 'user:default/cy', assigned_at: declared },
          { incident_id: 'past-ledger', role: 'scribe', user_ref: 'user:default/ghost', assigned_by: 'user:default/cy', assigned_at: declared },
        ]);
      });

      it('reuses them for the same caller within the time, also when the catalog has none by a ref, and asks again after it', async () => {
        const suggestions = service(60);
        const first = await suggestions.forDraft(LEDGER_DRAFT, reader(ADA));
        // Only catalog users are candidates: not the ref the catalog does not know.
        expect(people(first)).toEqual(['user:default/cy']);
        expect(peopleCalls()).toHaveLength(1);
        expect(peopleCalls()[0][0].entityRefs).toEqual(['user:default/cy', 'user:default/ghost']);
        // The entity is not in the catalog: that answer is kept too.
        expect(entityCalls()).toHaveLength(1);

        clock += 59_000;
        expect(await suggestions.forDraft(LEDGER_DRAFT, reader(ADA))).toEqual({ ...first, asOf: new Date(clock).toISOString() });
        expect(peopleCalls()).toHaveLength(1);
        expect(entityCalls()).toHaveLength(1);

        await suggestions.forDraft(LEDGER_DRAFT, reader(BO));
        expect(peopleCalls()).toHaveLength(2);
        expect(entityCalls()).toHaveLength(2);

        clock += 2_000;
        expect(await suggestions.forDraft(LEDGER_DRAFT, reader(ADA))).toEqual({ ...first, asOf: new Date(clock).toISOString() });
        expect(peopleCalls()).toHaveLength(3);
        expect(entityCalls()).toHaveLength(3);
      });

      it('asks the catalog every time with 0 seconds', async () => {
        const suggestions = service(0);
        const first = await suggestions.forDraft(LEDGER_DRAFT, reader(ADA));
        expect(await suggestions.forDraft(LEDGER_DRAFT, reader(ADA))).toEqual(first);
        expect(peopleCalls()).toHaveLength(2);
        expect(entityCalls()).toHaveLength(2);
      });
    });
  });
});
