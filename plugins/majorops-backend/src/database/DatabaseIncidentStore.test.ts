import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import { DatabaseIncidentStore, MIGRATIONS_DIRECTORY } from './DatabaseIncidentStore';
import { NewIncident } from './IncidentStore';
import { createTestDatabases } from '../tests/testDatabases';

// Generous: the shared test databases are dropped in an afterAll hook, slow on a loaded machine.
jest.setTimeout(180_000);

const base = Date.parse('2026-10-01T08:00:00.000Z');
const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();

function incident(overrides: Partial<NewIncident> & { minute: number }): NewIncident {
  const { minute, ...rest } = overrides;
  return {
    title: `Incident at ${minute}`,
    summary: '',
    severity: 'SEV3',
    status: 'investigating',
    tags: [],
    externalCause: false,
    customerReported: false,
    source: 'majorops',
    entities: [{ entityRef: 'component:default/checkout-api' }],
    roles: [],
    milestones: { declaredAt: at(minute) },
    createdBy: 'user:default/alice',
    createdAt: at(minute),
    ...rest,
  };
}

describe('DatabaseIncidentStore', () => {
  const databases = createTestDatabases();

  async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
    const knex: Knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
    return { knex, store: DatabaseIncidentStore.create(knex) };
  }

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('round-trips an incident with its entities, roles and exact timestamps', async () => {
      const { store } = await createStore(databaseId);
      const created = await store.createIncident(
        incident({
          minute: 0,
          title: 'Checkout 5xx',
          severity: 'SEV1',
          tags: ['config', 'rollback'],
          externalCause: true,
          customerReported: true,
          incidentType: 'deployment',
          entities: [
            { entityRef: 'component:default/checkout-api', ownerRef: 'group:default/payments', systemRef: 'system:default/checkout' },
            { entityRef: 'resource:default/orders-db' },
          ],
          roles: [
            { role: 'incident-commander', userRef: 'user:default/grace', assignedBy: 'user:default/alice', assignedAt: at(1) },
            { role: 'scribe', userRef: 'user:default/raj', assignedBy: 'user:default/alice', assignedAt: at(1), releasedAt: at(5), releasedBy: 'user:default/grace' },
          ],
          milestones: { impactStartedAt: at(-7), detectedAt: at(-3), declaredAt: at(0), acknowledgedAt: at(2) },
        }),
      );
      const fetched = await store.getIncident(created.id);
      expect(fetched).toEqual(created);
      expect(fetched).toMatchObject({
        title: 'Checkout 5xx',
        severity: 'SEV1',
        status: 'investigating',
        tags: ['config', 'rollback'],
        externalCause: true,
        customerReported: true,
        incidentType: 'deployment',
        version: 1,
        milestones: {
          impactStartedAt: '2026-10-01T07:53:00.000Z',
          detectedAt: '2026-10-01T07:57:00.000Z',
          declaredAt: '2026-10-01T08:00:00.000Z',
          acknowledgedAt: '2026-10-01T08:02:00.000Z',
        },
      });
      expect(fetched!.milestones.resolvedAt).toBeUndefined();
      expect(fetched!.entities).toEqual([
        { entityRef: 'component:default/checkout-api', ownerRef: 'group:default/payments', systemRef: 'system:default/checkout' },
        { entityRef: 'resource:default/orders-db' },
      ]);
      // Released roles are history, not current holders.
      expect(fetched!.roles).toEqual([
        { role: 'incident-commander', userRef: 'user:default/grace', assignedBy: 'user:default/alice', assignedAt: at(1) },
      ]);
      expect(await store.getIncident('no-such-id')).toBeUndefined();
    });

    it('lists newest first, filters by entity, status and severity', async () => {
      const { store } = await createStore(databaseId);
      await store.createIncident(incident({ minute: 0, severity: 'SEV1', status: 'resolved' }));
      await store.createIncident(incident({ minute: 10, severity: 'SEV2' }));
      await store.createIncident(
        incident({
          minute: 20,
          severity: 'SEV2',
          status: 'closed',
          entities: [{ entityRef: 'resource:default/orders-db' }, { entityRef: 'component:default/checkout-api' }],
        }),
      );
      await store.createIncident(incident({ minute: 30, entities: [{ entityRef: 'component:default/search' }] }));

      const all = await store.listIncidents({ limit: 10 });
      expect(all.items.map(i => i.title)).toEqual([
        'Incident at 30',
        'Incident at 20',
        'Incident at 10',
        'Incident at 0',
      ]);
      expect(all.nextCursor).toBeUndefined();

      const checkout = await store.listIncidents({ entityRefs: ['component:default/checkout-api'], limit: 10 });
      // The incident touching two entities appears once.
      expect(checkout.items.map(i => i.title)).toEqual(['Incident at 20', 'Incident at 10', 'Incident at 0']);

      const two = await store.listIncidents({
        entityRefs: ['resource:default/orders-db', 'component:default/search'],
        limit: 10,
      });
      expect(two.items.map(i => i.title)).toEqual(['Incident at 30', 'Incident at 20']);

      const open = await store.listIncidents({ statuses: ['investigating'], limit: 10 });
      expect(open.items.map(i => i.title)).toEqual(['Incident at 30', 'Incident at 10']);

      const sev2 = await store.listIncidents({ severities: ['SEV2'], statuses: ['closed'], limit: 10 });
      expect(sev2.items.map(i => i.title)).toEqual(['Incident at 20']);

      expect((await store.listIncidents({ entityRefs: [], limit: 10 })).items).toEqual([]);
      expect(await store.countIncidents()).toBe(4);
    });

    it('pages with a cursor without repeating or skipping, even on equal timestamps', async () => {
      const { store } = await createStore(databaseId);
      const titles: string[] = [];
      for (let i = 0; i < 7; i++) {
        // Pairs of incidents share a declaration time.
        const created = await store.createIncident(incident({ minute: Math.floor(i / 2), title: `n${i}` }));
        titles.push(created.title);
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.listIncidents({ limit: 3, cursor });
        seen.push(...page.items.map(i => i.title));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toHaveLength(7);
      expect(new Set(seen)).toEqual(new Set(titles));
    });

    it('merges several entities page by page: an incident touching two of them appears once, in order', async () => {
      const { store } = await createStore(databaseId);
      const a = 'component:default/a';
      const b = 'component:default/b';
      const c = 'component:default/c';
      await store.createIncident(incident({ minute: 0, title: 'a only', entities: [{ entityRef: a }] }));
      await store.createIncident(incident({ minute: 10, title: 'a and b', entities: [{ entityRef: a }, { entityRef: b }] }));
      await store.createIncident(incident({ minute: 20, title: 'c only', entities: [{ entityRef: c }] }));
      await store.createIncident(incident({ minute: 30, title: 'b only', entities: [{ entityRef: b }] }));
      await store.createIncident(incident({ minute: 40, title: 'b and c', status: 'resolved', entities: [{ entityRef: b }, { entityRef: c }] }));

      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const result = await store.listIncidents({ entityRefs: [a, b, c], limit: 2, cursor });
        seen.push(...result.items.map(i => i.title));
        cursor = result.nextCursor;
        if (!cursor) break;
      }
      expect(seen).toEqual(['b and c', 'b only', 'c only', 'a and b', 'a only']);

      const open = await store.listIncidents({ entityRefs: [b, c], statuses: ['investigating'], limit: 10 });
      expect(open.items.map(i => i.title)).toEqual(['b only', 'c only', 'a and b']);
    });

    it('refuses a forged cursor with an InputError', async () => {
      const { store } = await createStore(databaseId);
      await expect(store.listIncidents({ limit: 3, cursor: 'not-a-cursor' })).rejects.toThrow(InputError);
      const wrongShape = Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url');
      await expect(store.listIncidents({ limit: 3, cursor: wrongShape })).rejects.toThrow(InputError);
    });

    it('counts a responder’s participation from role history', async () => {
      const { store } = await createStore(databaseId);
      await store.createIncident(
        incident({
          minute: 0,
          roles: [
            { role: 'incident-commander', userRef: 'user:default/grace', assignedBy: 'user:default/a', assignedAt: at(0) },
            { role: 'scribe', userRef: 'user:default/raj', assignedBy: 'user:default/a', assignedAt: at(0) },
          ],
        }),
      );
      await store.createIncident(
        incident({
          minute: 60,
          roles: [
            { role: 'technical-lead', userRef: 'user:default/grace', assignedBy: 'user:default/a', assignedAt: at(60), releasedAt: at(70), releasedBy: 'user:default/a' },
            { role: 'incident-commander', userRef: 'user:default/grace', assignedBy: 'user:default/a', assignedAt: at(70) },
          ],
        }),
      );
      expect(await store.getParticipation('user:default/grace')).toEqual({
        userRef: 'user:default/grace',
        incidents: 2,
        rolesHeld: { 'incident-commander': 2, 'technical-lead': 1 },
        lastIncidentAt: at(60),
      });
      expect(await store.getParticipation('user:default/nobody')).toEqual({
        userRef: 'user:default/nobody',
        incidents: 0,
        rolesHeld: {},
        lastIncidentAt: undefined,
      });
    });

    it('fills in missing owner snapshots without overwriting recorded ones', async () => {
      const { store } = await createStore(databaseId);
      const first = await store.createIncident(
        incident({ minute: 0, entities: [{ entityRef: 'component:default/checkout-api' }, { entityRef: 'resource:default/orders-db', ownerRef: 'group:default/dba' }] }),
      );
      await store.createIncident(incident({ minute: 5 }));
      expect(await store.listEntityRefsWithoutOwner(10)).toEqual(['component:default/checkout-api']);
      expect(await store.setOwnerSnapshot('component:default/checkout-api', 'group:default/payments', 'system:default/checkout')).toBe(2);
      expect(await store.setOwnerSnapshot('resource:default/orders-db', 'group:default/other')).toBe(0);
      expect(await store.listEntityRefsWithoutOwner(10)).toEqual([]);
      const after = await store.getIncident(first.id);
      expect(after!.entities).toEqual([
        { entityRef: 'component:default/checkout-api', ownerRef: 'group:default/payments', systemRef: 'system:default/checkout' },
        { entityRef: 'resource:default/orders-db', ownerRef: 'group:default/dba' },
      ]);
    });
  });
});
