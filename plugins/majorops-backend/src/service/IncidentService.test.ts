import { mockCredentials } from '@backstage/backend-test-utils';
import { ConflictError, InputError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DEFAULT_SEVERITY_MATRIX,
  declareIncidentSchema,
  type DeclareIncidentRequest,
  type Incident,
} from '@majorops/plugin-majorops-common';
import { Knex } from 'knex';
import { DatabaseIncidentStore, MIGRATIONS_DIRECTORY } from '../database/DatabaseIncidentStore';
import { IncidentStore } from '../database/IncidentStore';
import { IncidentService } from './IncidentService';
import { entity } from '../tests/testBackend';
import { createTestDatabases } from '../tests/testDatabases';

// Generous: the shared test databases are dropped in an afterAll hook, slow on a loaded machine.
jest.setTimeout(180_000);

const MINUTE = 60_000;
const T0 = Date.parse('2026-11-23T10:00:00.000Z');
/** The moment `minutes` after T0, as the API writes it. */
const at = (minutes: number) => new Date(T0 + minutes * MINUTE).toISOString();

const GRACE = 'user:default/grace';
const LIAM = 'user:default/liam';
const MAYA = 'user:default/maya';
const CHECKOUT = 'component:default/checkout-api';
const credentials = mockCredentials.user(GRACE);

const entities = [
  entity('User', 'grace'),
  entity('User', 'liam'),
  entity('User', 'maya'),
  entity('Group', 'payments'),
  entity('Component', 'checkout-api', 'group:default/payments'),
];

describe('IncidentService', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function setup() {
      const knex: Knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
      const store = DatabaseIncidentStore.create(knex);
      let now = T0;
      const clock = () => new Date(now);
      const makeService = (s: IncidentStore = store) =>
        new IncidentService({
          store: s,
          catalog: catalogServiceMock({ entities }),
          severityMatrix: DEFAULT_SEVERITY_MATRIX,
          clock,
        });
      const service = makeService();
      /** Moves the clock to `minutes` after T0. */
      const setMinute = (minutes: number) => {
        now = T0 + minutes * MINUTE;
      };
      const declare = (body: Partial<DeclareIncidentRequest> = {}, actor = GRACE) =>
        service.declare(
          declareIncidentSchema.parse({ title: 'Checkout 5xx', severity: 'SEV1', entityRefs: [CHECKOUT], ...body }),
          actor,
          credentials,
        );
      const escalations = async (id: string) =>
        (await store.listTimeline(id, { limit: 100, types: ['escalation'] })).items;
      return { knex, store, service, makeService, setMinute, declare, escalations };
    }

    describe('root-cause escalation sweep', () => {
      it('escalates a SEV1 without root cause after 30 minutes, once', async () => {
        const { service, store, setMinute, declare, escalations } = await setup();
        const incident = await declare({ severity: 'SEV1' });

        setMinute(29);
        expect(await service.sweepRootCauseEscalations()).toBe(0);
        // "After 30 minutes": exactly 30 is still in time.
        setMinute(30);
        expect(await service.sweepRootCauseEscalations()).toBe(0);
        expect(await escalations(incident.id)).toEqual([]);

        setMinute(31);
        expect(await service.sweepRootCauseEscalations()).toBe(1);
        const [escalation, ...more] = await escalations(incident.id);
        expect(more).toEqual([]);
        expect(escalation).toMatchObject({
          type: 'escalation',
          actorRef: 'majorops',
          occurredAt: at(31),
          body: { trigger: 'root-cause-timeout', target: 'VP Eng + CTO immediately' },
        });
        expect(escalation.body.text).toMatch(/No root cause has been identified 31 minutes after declaration/);
        expect(escalation.body.text).toMatch(/Escalate to the next tier \(VP Eng \+ CTO immediately\)/);
        const stored = await store.getIncident(incident.id);
        expect(stored).toMatchObject({ rootCauseEscalatedAt: at(31), version: 2, severity: 'SEV1' });

        setMinute(32);
        expect(await service.sweepRootCauseEscalations()).toBe(0);
        setMinute(600);
        expect(await service.sweepRootCauseEscalations()).toBe(0);
        expect(await escalations(incident.id)).toHaveLength(1);

        // The incident page says the same.
        const insights = await service.insights(incident.id);
        expect(insights.rootCause).toMatchObject({ applies: true, overdue: true, dueAt: at(30) });
      });

      it('records each escalation once when sweeps run concurrently, also on several instances', async () => {
        const { knex, service, makeService, store, setMinute, declare, escalations } = await setup();
        const first = await declare({ severity: 'SEV1' });
        const second = await declare({ severity: 'SEV1', title: 'Orders stuck' });
        const third = await declare({ severity: 'SEV2', title: 'Search slow' });
        setMinute(200);
        // Another backend instance: its own service and store on the same database.
        const other = makeService(DatabaseIncidentStore.create(knex));
        const counts = await Promise.all([
          service.sweepRootCauseEscalations(),
          service.sweepRootCauseEscalations(),
          other.sweepRootCauseEscalations(),
        ]);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(3);
        for (const incident of [first, second, third]) {
          expect(await escalations(incident.id)).toHaveLength(1);
          expect((await store.getIncident(incident.id))!.version).toBe(2);
        }
        expect(await service.sweepRootCauseEscalations()).toBe(0);
      });

      it('escalates a SEV2 after two hours, not at 119 minutes', async () => {
        const { service, setMinute, declare, escalations } = await setup();
        const incident = await declare({ severity: 'SEV2' });
        setMinute(119);
        expect(await service.sweepRootCauseEscalations()).toBe(0);
        setMinute(120);
        expect(await service.sweepRootCauseEscalations()).toBe(0);
        expect(await escalations(incident.id)).toEqual([]);
        setMinute(121);
        expect(await service.sweepRootCauseEscalations()).toBe(1);
        const [escalation] = await escalations(incident.id);
        expect(escalation.body).toMatchObject({ target: 'Eng Manager within 15 min' });
        expect(escalation.body.text).toMatch(/within 2 hours/);
      });

      it('does not escalate once the root cause was identified in time', async () => {
        const { service, setMinute, declare, escalations } = await setup();
        const incident = await declare({ severity: 'SEV1' });
        setMinute(5);
        await service.transition(incident.id, { to: 'investigating' }, GRACE);
        setMinute(25);
        const identified = await service.transition(incident.id, { to: 'identified' }, GRACE);
        expect(identified.rootCauseIdentifiedAt).toBe(at(25));
        // The fix does not hold: back to investigating, but the root cause stays known.
        setMinute(40);
        await service.transition(incident.id, { to: 'investigating' }, GRACE);
        setMinute(90);
        expect(await service.sweepRootCauseEscalations()).toBe(0);
        expect(await escalations(incident.id)).toEqual([]);
        expect((await service.insights(incident.id)).rootCause).toEqual({ applies: false });
      });

      it('never escalates SEV3 or SEV4, nor incidents resolved or closed without a root cause', async () => {
        const { service, setMinute, declare, escalations } = await setup();
        const sev3 = await declare({ severity: 'SEV3' });
        const sev4 = await declare({ severity: 'SEV4' });
        const resolved = await declare({ severity: 'SEV1' });
        setMinute(10);
        await service.transition(resolved.id, { to: 'resolved' }, GRACE);
        setMinute(10 * 24 * 60);
        expect(await service.sweepRootCauseEscalations()).toBe(0);
        for (const incident of [sev3, sev4, resolved]) {
          expect(await escalations(incident.id)).toEqual([]);
        }
        expect((await service.insights(sev3.id)).rootCause).toEqual({ applies: false });
      });

      it('records nothing when the root cause is identified between the check and the write', async () => {
        const { store, makeService, service, setMinute, declare, escalations } = await setup();
        const incident = await declare({ severity: 'SEV1' });
        setMinute(45);
        // A sweep that reads the candidates just before someone marks the root cause identified.
        const racing = new Proxy(store, {
          get(target, prop) {
            if (prop === 'listRootCauseEscalationCandidates') {
              return async (limit: number) => {
                const candidates = await target.listRootCauseEscalationCandidates(limit);
                await service.transition(incident.id, { to: 'identified' }, LIAM);
                return candidates;
              };
            }
            const value = (target as any)[prop];
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
        expect(await makeService(racing).sweepRootCauseEscalations()).toBe(0);
        expect(await escalations(incident.id)).toEqual([]);
        const stored = await store.getIncident(incident.id);
        expect(stored).toMatchObject({ status: 'identified', rootCauseIdentifiedAt: at(45) });
        expect(stored!.rootCauseEscalatedAt).toBeUndefined();
      });
    });

    describe('hypotheses', () => {
      it('expire when still open after their 15-minute timebox', async () => {
        const { service, setMinute, declare } = await setup();
        const incident = await declare();
        setMinute(2);
        const pool = await service.openHypothesis(incident.id, 'Connection pool too small', LIAM);
        expect(pool).toMatchObject({ status: 'open', openedAt: at(2), timeboxEndsAt: at(17), openedBy: LIAM });
        setMinute(5);
        const dns = await service.openHypothesis(incident.id, 'DNS', MAYA);
        setMinute(10);
        await service.resolveHypothesis(incident.id, dns.id, { status: 'refuted' }, MAYA);

        setMinute(17);
        expect((await service.insights(incident.id)).hypotheses.map(h => h.status)).toEqual(['open', 'refuted']);
        setMinute(18);
        const later = (await service.insights(incident.id)).hypotheses;
        expect(later.map(h => [h.statement, h.status])).toEqual([
          ['Connection pool too small', 'expired'],
          ['DNS', 'refuted'],
        ]);
        expect(later[1]).toMatchObject({ resolvedBy: MAYA, resolvedAt: at(10) });

        // A late verdict is still recorded; a second one is refused.
        const confirmed = await service.resolveHypothesis(incident.id, pool.id, { status: 'confirmed' }, GRACE);
        expect(confirmed).toMatchObject({ status: 'confirmed', resolvedAt: at(18) });
        await expect(
          service.resolveHypothesis(incident.id, pool.id, { status: 'refuted' }, GRACE),
        ).rejects.toThrow(ConflictError);
      });
    });

    describe('status-update cadence', () => {
      it('counts missed windows on a SEV1 left 40 minutes without an update', async () => {
        const { service, setMinute, declare } = await setup();
        const incident = await declare({ severity: 'SEV1' });
        setMinute(40);
        const silent = (await service.insights(incident.id)).cadence;
        expect(silent).toEqual({
          nextDueAt: at(15),
          overdue: true,
          minutesUntilDue: -25,
          windows: [
            { from: at(0), dueAt: at(15) },
            { from: at(15), dueAt: at(30) },
          ],
          windowsOmitted: 0,
          missedWindows: 2,
          onTimeShare: 0,
        });

        setMinute(41);
        const update = await service.postStatusUpdate(
          incident.id,
          { audience: 'executives', conditions: 'Checkout down', actions: 'Rolling back', needs: '' },
          LIAM,
        );
        expect(update.occurredAt).toBe(at(41));
        const after = (await service.insights(incident.id)).cadence;
        expect(after).toMatchObject({
          nextDueAt: at(56),
          overdue: false,
          minutesUntilDue: 15,
          missedWindows: 2,
          onTimeShare: 1 / 3,
        });
        expect(after.windows[2]).toEqual({ from: at(30), dueAt: at(45), metAt: at(41) });
      });

      it('shortens the window when the severity is raised mid-window, and stops at resolution', async () => {
        const { service, setMinute, declare } = await setup();
        const incident = await declare({ severity: 'SEV2' });
        setMinute(5);
        expect((await service.insights(incident.id)).cadence.nextDueAt).toBe(at(30));
        setMinute(10);
        const raised = await service.update(incident.id, { version: 1, severity: 'SEV1', severityReason: 'all regions' }, GRACE);
        expect(raised.severity).toBe('SEV1');
        expect((await service.insights(incident.id)).cadence.nextDueAt).toBe(at(25));
        setMinute(26);
        await service.transition(incident.id, { to: 'resolved' }, GRACE);
        setMinute(300);
        const done = (await service.insights(incident.id)).cadence;
        expect(done).toMatchObject({ nextDueAt: undefined, overdue: false, missedWindows: 1 });
      });
    });

    describe('declaring and moving on the clock', () => {
      it('records every lifecycle milestone at the moment it happened', async () => {
        const { service, store, setMinute, declare } = await setup();
        const incident = await declare({ severity: 'SEV2', impactStartedAt: at(-12), detectedAt: at(-4) });
        expect(incident.milestones).toEqual({ impactStartedAt: at(-12), detectedAt: at(-4), declaredAt: at(0) });
        const step = async (minute: number, to: Incident['status']) => {
          setMinute(minute);
          return service.transition(incident.id, { to }, GRACE);
        };
        expect((await step(3, 'investigating')).milestones.acknowledgedAt).toBe(at(3));
        expect((await step(12, 'identified')).rootCauseIdentifiedAt).toBe(at(12));
        expect((await step(15, 'mitigating')).milestones.mitigatedAt).toBeUndefined();
        expect((await step(20, 'monitoring')).milestones.mitigatedAt).toBe(at(20));
        expect((await step(25, 'resolved')).milestones).toMatchObject({ mitigatedAt: at(20), resolvedAt: at(25) });
        expect((await step(30, 'investigating')).milestones.resolvedAt).toBeUndefined();
        const final = await step(40, 'resolved');
        expect(final.milestones).toEqual({
          impactStartedAt: at(-12),
          detectedAt: at(-4),
          declaredAt: at(0),
          acknowledgedAt: at(3),
          mitigatedAt: at(20),
          resolvedAt: at(40),
        });
        expect((await step(41, 'closed')).milestones.closedAt).toBe(at(41));
        expect(await store.listMetricRows({ entityRefs: [CHECKOUT] })).toEqual([
          {
            severity: 'SEV2',
            externalCause: false,
            impactStartedAt: at(-12),
            detectedAt: at(-4),
            declaredAt: at(0),
            acknowledgedAt: at(3),
            mitigatedAt: at(20),
            resolvedAt: at(40),
          },
        ]);
      });

      it('tolerates two minutes of clock skew on client timestamps, and no more', async () => {
        const { service, store, declare } = await setup();
        const skewed = await declare({ detectedAt: at(2) });
        expect(skewed.milestones.detectedAt).toBe(at(2));
        await expect(declare({ detectedAt: at(3) })).rejects.toThrow(/detectedAt \(2026-11-23T10:03:00.000Z\) lies in the future/);
        // Impact cannot start after the detection it defaults to (the declaration).
        await expect(declare({ impactStartedAt: at(1) })).rejects.toThrow(InputError);
        await expect(
          service.addTimelineEntry(skewed.id, { type: 'note', text: 'x', occurredAt: at(3) }, GRACE),
        ).rejects.toThrow(/occurredAt .* lies in the future/);
        const note = await service.addTimelineEntry(skewed.id, { type: 'note', text: 'x', occurredAt: at(1) }, GRACE);
        expect(note.occurredAt).toBe(at(1));
        expect(await store.countIncidents()).toBe(1);
      });

      it('reports a root cause found late as overdue on the incident', async () => {
        const { service, setMinute, declare } = await setup();
        const incident = await declare({ severity: 'SEV1' });
        setMinute(45);
        await service.transition(incident.id, { to: 'identified' }, GRACE);
        setMinute(60);
        expect((await service.insights(incident.id)).rootCause).toMatchObject({
          applies: true,
          overdue: true,
          minutesOverdue: 15,
          dueAt: at(30),
        });
      });
    });

    describe('roles', () => {
      it('refuses a release when the role changed hands after it was read, instead of releasing the new holder', async () => {
        const { service, store, makeService, declare, setMinute } = await setup();
        const incident = await declare();
        await service.assignRole(incident.id, 'scribe', LIAM, undefined, GRACE, credentials);
        setMinute(5);
        // Grace reads "liam is scribe"; before her release is written, maya takes over.
        const racing = new Proxy(store, {
          get(target, prop) {
            if (prop === 'releaseRole') {
              return async (...args: Parameters<IncidentStore['releaseRole']>) => {
                await service.assignRole(incident.id, 'scribe', MAYA, undefined, GRACE, credentials);
                return target.releaseRole(...args);
              };
            }
            const value = (target as any)[prop];
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
        await expect(makeService(racing).releaseRole(incident.id, 'scribe', undefined, GRACE)).rejects.toThrow(
          /Scribe role changed meanwhile: it is now held by user:default\/maya/,
        );
        const stored = await store.getIncident(incident.id);
        expect(stored!.roles.find(r => r.role === 'scribe')?.userRef).toBe(MAYA);
        expect((await store.listTimeline(incident.id, { limit: 50, types: ['role-released'] })).items).toEqual([]);
      });
    });
  });
});
