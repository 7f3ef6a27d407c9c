import { mockServices } from '@backstage/backend-test-utils';
import fs from 'fs/promises';
import os from 'os';
import path from 'path';
import { IncidentStore, NewIncident } from '../database/IncidentStore';
import { DemoIncident, demoIncidentToNew, loadDemoData } from './demoData';

const now = new Date('2026-11-23T10:00:00.000Z');

function demo(overrides: Partial<DemoIncident>): DemoIncident {
  return {
    title: 't',
    summary: '',
    severity: 'SEV2',
    status: 'closed',
    tags: [],
    externalCause: false,
    customerReported: false,
    entities: ['component:default/checkout-api'],
    minutesAfterStart: { detected: 3, declared: 6, acknowledged: 7, resolved: 28, closed: 2900 },
    roles: {},
    updates: [],
    ...overrides,
  };
}

describe('demoIncidentToNew', () => {
  it.each([
    [
      'a past day at a UTC time',
      { daysAgo: 3, startUtc: '14:02' },
      { impactStartedAt: '2026-11-20T14:02:00.000Z', declaredAt: '2026-11-20T14:08:00.000Z', closedAt: '2026-11-22T14:22:00.000Z' },
    ],
    [
      'minutes before loading',
      { minutesAgo: 3000 },
      { impactStartedAt: '2026-11-21T08:00:00.000Z', declaredAt: '2026-11-21T08:06:00.000Z', closedAt: '2026-11-23T08:20:00.000Z' },
    ],
  ])('places milestones for %s', (_name, placement, expected) => {
    const result = demoIncidentToNew(demo(placement), now);
    expect(result.milestones).toMatchObject(expected);
    expect(result.milestones.mitigatedAt).toBeUndefined();
    expect(result.source).toBe('demo');
  });

  it('records roles as assigned by the commander at declaration', () => {
    const result = demoIncidentToNew(
      demo({
        minutesAgo: 60,
        roles: { 'incident-commander': 'user:default/grace', scribe: 'user:default/raj' },
      }),
      now,
    );
    expect(result.createdBy).toBe('user:default/grace');
    expect(result.roles).toEqual([
      { role: 'incident-commander', userRef: 'user:default/grace', assignedBy: 'user:default/grace', assignedAt: '2026-11-23T09:06:00.000Z' },
      { role: 'scribe', userRef: 'user:default/raj', assignedBy: 'user:default/grace', assignedAt: '2026-11-23T09:06:00.000Z' },
    ]);
  });
});

describe('demo timelines', () => {
  it('derive declaration, roles and status changes from the milestones, in order', () => {
    const result = demoIncidentToNew(
      demo({
        minutesAgo: 3000,
        roles: { 'incident-commander': 'user:default/grace', 'communications-lead': 'user:default/elena' },
        updates: [
          { minutesAfterStart: 15, audience: 'executives', conditions: 'Checkout failing for 30%', actions: 'Rolling back', needs: '' },
        ],
      }),
      now,
    );
    expect(result.timeline!.map(e => [e.type, e.occurredAt.slice(11, 16), e.body.text])).toEqual([
      ['declared', '08:06', 'Declared SEV2: t'],
      ['role-assigned', '08:06', 'user:default/grace is Incident Commander'],
      ['role-assigned', '08:06', 'user:default/elena is Communications Lead'],
      ['status-change', '08:07', 'Status declared → investigating'],
      ['status-update', '08:15', expect.stringContaining('Impact: Checkout failing for 30%')],
      ['status-change', '08:28', 'Status investigating → resolved'],
      ['status-change', '08:20', 'Status resolved → closed'],
    ]);
    const update = result.timeline!.find(e => e.type === 'status-update')!;
    expect(update.actorRef).toBe('user:default/elena');
    expect(update.body.canComplete).toBe(false);
  });
});

describe('loadDemoData', () => {
  function memoryStore(existing: number) {
    const created: NewIncident[] = [];
    const store = {
      countIncidents: async () => existing + created.length,
      createIncident: async (incident: NewIncident) => {
        created.push(incident);
        return {} as any;
      },
    } as unknown as IncidentStore;
    return { store, created };
  }

  it('loads the shipped example history into an empty database', async () => {
    const { store, created } = memoryStore(0);
    const count = await loadDemoData({
      store,
      path: path.resolve(__dirname, '../../../../examples/majorops-demo-data.yaml'),
      logger: mockServices.logger.mock(),
      now,
    });
    expect(count).toBeGreaterThanOrEqual(30);
    expect(created).toHaveLength(count);
    // Nothing in the demo history lies in the future of the moment it was loaded.
    for (const incident of created) {
      for (const value of Object.values(incident.milestones)) {
        if (value) expect(Date.parse(value)).toBeLessThanOrEqual(now.getTime());
      }
    }
    expect(new Set(created.map(i => i.severity))).toEqual(new Set(['SEV1', 'SEV2', 'SEV3', 'SEV4']));
  });

  it('does nothing when incidents exist', async () => {
    const { store, created } = memoryStore(1);
    const count = await loadDemoData({
      store,
      path: path.resolve(__dirname, '../tests/fixtures/demo.yaml'),
      logger: mockServices.logger.mock(),
      now,
    });
    expect(count).toBe(0);
    expect(created).toHaveLength(0);
  });

  it('refuses a file with placement errors and says which incident', async () => {
    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'majorops-')), 'bad.yaml');
    await fs.writeFile(
      file,
      'incidents:\n  - title: x\n    severity: SEV2\n    status: investigating\n    entities: [component:default/a]\n    minutesAgo: 5\n    minutesAfterStart: { detected: 1, declared: 10 }\n',
    );
    const { store, created } = memoryStore(0);
    await expect(
      loadDemoData({ store, path: file, logger: mockServices.logger.mock(), now }),
    ).rejects.toThrow(/incidents\.0.*lies in the future/);
    expect(created).toHaveLength(0);
  });
});
