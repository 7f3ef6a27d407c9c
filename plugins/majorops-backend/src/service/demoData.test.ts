import { mockServices } from '@backstage/backend-test-utils';
import {
  actionItemState,
  blamelessWordingHints,
  postmortemDeadline,
  postmortemRequirement,
  postmortemText,
  repeatCallout,
  runbookFreshness,
} from '@majorops/plugin-majorops-common';
import fs from 'fs/promises';
import { Knex } from 'knex';
import os from 'os';
import path from 'path';
import { parse as parseYaml } from 'yaml';
import { DatabaseIncidentStore, MIGRATIONS_DIRECTORY } from '../database/DatabaseIncidentStore';
import { DatabasePostmortemStore } from '../database/DatabasePostmortemStore';
import { DatabaseRunbookStore } from '../database/DatabaseRunbookStore';
import { IncidentStore } from '../database/IncidentStore';
import { PostmortemAccess, PostmortemStore } from '../database/PostmortemStore';
import { RunbookStore } from '../database/RunbookStore';
import { DatabaseReputationStore } from '../reputation/DatabaseReputationStore';
import { DemoIncident, demoIncidentToNew, loadDemoData } from './demoData';
import { createTestDatabases } from '../tests/testDatabases';

jest.setTimeout(120_000);

const EXAMPLES = path.resolve(__dirname, '../../../../examples');
const DEMO_FILE = path.join(EXAMPLES, 'majorops-demo-data.yaml');

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
    shadows: {},
    updates: [],
    actionItems: [],
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

  it('records shadows from the declaration on, with their timeline entry', () => {
    const result = demoIncidentToNew(
      demo({
        daysAgo: 3,
        startUtc: '14:02',
        roles: { 'incident-commander': 'user:default/grace' },
        shadows: { 'incident-commander': 'user:default/liam' },
      }),
      now,
    );
    expect(result.shadows).toEqual([
      { role: 'incident-commander', userRef: 'user:default/liam', assignedBy: 'user:default/grace', assignedAt: '2026-11-20T14:08:00.000Z' },
    ]);
    expect(result.timeline!.filter(e => e.type === 'shadow-assigned').map(e => [e.occurredAt, e.body.text])).toEqual([
      ['2026-11-20T14:08:00.000Z', 'user:default/liam shadows user:default/grace as Incident Commander'],
    ]);
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

async function writeTemp(text: string): Promise<string> {
  const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'majorops-')), 'demo.yaml');
  await fs.writeFile(file, text);
  return file;
}

/** Two closed incidents; `extra` is appended to the second one. */
function twoIncidents(extra: string): string {
  const incident = (title: string, days: number) => `  - title: ${title}
    severity: SEV2
    status: closed
    entities: [component:default/checkout-api]
    daysAgo: ${days}
    startUtc: "10:00"
    minutesAfterStart: { detected: 1, declared: 2, acknowledged: 3, mitigated: 20, resolved: 30, closed: 2000 }
    roles: { incident-commander: user:default/grace-obi }
`;
  return `incidents:\n${incident('Pool exhausted', 40)}${incident('Pool exhausted again', 10)}${extra}`;
}

describe('demo data file checks', () => {
  // Checks that refuse a file before anything is written need no database.
  const stores = {
    store: { countIncidents: async () => 0 } as unknown as IncidentStore,
    postmortems: {} as PostmortemStore,
    runbooks: {} as RunbookStore,
  };
  const load = (file: string) => loadDemoData({ ...stores, path: file, logger: mockServices.logger.mock(), now });

  it.each([
    [
      'a misspelt repeat reference',
      '    repeatOf: { incident: Pool exausted, failureMode: connection-pool-exhaustion }\n',
      /incidents\.1 "Pool exhausted again" repeatOf: no incident in the file is titled "Pool exausted"/,
    ],
    [
      'a repeat of a later incident',
      '    repeatOf: { incident: Pool exhausted again, failureMode: pool }\n',
      /"Pool exhausted again" is not listed before it/,
    ],
    [
      'a final post-mortem with empty sections',
      '    postmortem:\n      author: user:default/grace-obi\n      status: final\n      draftHoursAfterResolved: 1\n      reviewHoursAfterResolved: 2\n      finalHoursAfterResolved: 3\n      executiveSummary: Pool ran dry.\n',
      /a final post-mortem needs Immediate cause, Users affected, What happened, .*At least one action item/,
    ],
    [
      'a post-mortem that gives its own timeline',
      '    postmortem:\n      author: user:default/grace-obi\n      draftHoursAfterResolved: 1\n      timeline: []\n',
      /incidents\.1\.postmortem\.timeline: the timeline is generated/,
    ],
    [
      'a done action item without its completion day',
      '    actionItems:\n      - { title: Alert on pool, owner: group:default/payments, priority: P1, dueDays: 7, status: done }\n',
      /incidents\.1\.actionItems\.0\.statusDays/,
    ],
    [
      'an action item completed in the future',
      '    actionItems:\n      - { title: Alert on pool, owner: group:default/payments, priority: P1, dueDays: 7, status: done, statusDays: 12 }\n',
      /its move to done lies in the future/,
    ],
    [
      'a shadow of a role nobody holds',
      '    shadows: { scribe: user:default/liam-chen }\n',
      /incidents\.1 "Pool exhausted again" shadows\.scribe: nobody holds that role to be shadowed/,
    ],
    [
      'a shadow of a role they hold',
      '    shadows: { incident-commander: user:default/grace-obi }\n',
      /shadows\.incident-commander: user:default\/grace-obi cannot shadow a role they hold/,
    ],
    [
      'training of an unknown kind',
      'training:\n  - { userRef: user:default/grace-obi, kind: first-aid, issuer: Acme SRE Academy, completedDaysAgo: 10 }\n',
      /training\.0\.kind: kind must be one of basic-training, incident-command, certified-mim/,
    ],
    [
      'training of a user the file does not name',
      'training:\n  - { userRef: user:default/grace-obi, kind: basic-training, issuer: Acme SRE Academy, completedDaysAgo: 10 }\n' +
        '  - { userRef: user:default/grace-obie, kind: basic-training, issuer: Acme SRE Academy, completedDaysAgo: 10 }\n',
      /training\.1 user:default\/grace-obie basic-training: user:default\/grace-obie appears nowhere else in the file/,
    ],
    [
      'training of a group',
      'training:\n  - { userRef: group:default/sre, kind: basic-training, issuer: Acme SRE Academy, completedDaysAgo: 10 }\n',
      /training\.0\.userRef/,
    ],
    [
      'a certification that expires before it was completed',
      'training:\n  - { userRef: user:default/grace-obi, kind: certified-mim, issuer: MIMI, completedDaysAgo: 10, expiresInDays: -20 }\n',
      /training\.0\.expiresInDays: a record expires after it was completed/,
    ],
  ])('refuses %s', async (_name, extra, message) => {
    await expect(load(await writeTemp(twoIncidents(extra)))).rejects.toThrow(message);
  });

  it('refuses a runbook used in an incident that is not in the file, and one missing template sections', async () => {
    const runbook = `runbooks:
  - entity: component:default/checkout-api
    title: Pool
    author: user:default/grace-obi
    createdDaysAgo: 50
    body: "## Quick Reference\\n## Detection\\n"
    usedIn:
      - { incident: Pool exhausted agian, adherence: followed }
`;
    await expect(load(await writeTemp(twoIncidents(runbook)))).rejects.toThrow(
      /runbooks\.0 "Pool": the body lacks the template's sections Diagnosis, Remediation, Verification, Communication; runbooks\.0 "Pool" usedIn\.0: no incident in the file is titled "Pool exhausted agian"/,
    );
  });

  it('refuses a file with placement errors and says which incident', async () => {
    const file = await writeTemp(
      'incidents:\n  - title: x\n    severity: SEV2\n    status: investigating\n    entities: [component:default/a]\n    minutesAgo: 5\n    minutesAfterStart: { detected: 1, declared: 10 }\n',
    );
    await expect(load(file)).rejects.toThrow(/incidents\.0.*lies in the future/);
  });

  it('names only users and groups of the example organisation', async () => {
    const org = parseYamlDocuments(await fs.readFile(path.join(EXAMPLES, 'org.yaml'), 'utf8'));
    const known = new Set(org.map(doc => `${String(doc.kind).toLowerCase()}:default/${doc.metadata.name}`));
    const text = await fs.readFile(DEMO_FILE, 'utf8');
    const refs = new Set(text.match(/\b(user|group):default\/[a-z0-9-]+/g));
    expect([...refs].filter(ref => !known.has(ref))).toEqual([]);
    const training: Array<{ userRef: string }> = parseYaml(text).training;
    expect(training.length).toBeGreaterThan(0);
    expect(training.map(t => t.userRef).filter(ref => !known.has(ref))).toEqual([]);
  });

  it('writes post-mortems without blaming wording', async () => {
    const file = parseYaml(await fs.readFile(DEMO_FILE, 'utf8'));
    const hints = file.incidents
      .filter((i: any) => i.postmortem)
      .map((i: any) => {
        const p = i.postmortem;
        const text = postmortemText({
          kind: 'full',
          executiveSummary: p.executiveSummary ?? '',
          impact: p.impact,
          timeline: [],
          whatHappened: p.whatHappened ?? '',
          contributingFactors: { immediate: '', underlying: '', systemic: '', ...p.contributingFactors },
          fiveWhys: p.fiveWhys ?? [],
          wentWell: p.wentWell ?? [],
          wentPoorly: p.wentPoorly ?? [],
          lessonsLearned: p.lessonsLearned ?? '',
        });
        return [i.title, blamelessWordingHints(text).map(h => h.phrase)];
      })
      .filter(([, phrases]: [string, string[]]) => phrases.length > 0);
    expect(hints).toEqual([]);
  });
});

function parseYamlDocuments(text: string): any[] {
  return text
    .split(/^---$/m)
    .map(part => parseYaml(part))
    .filter(Boolean);
}

describe('loadDemoData', () => {
  const databases = createTestDatabases();

  async function createStores(databaseId: Parameters<typeof databases.init>[0]) {
    const knex: Knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
    return {
      knex,
      store: DatabaseIncidentStore.create(knex),
      postmortems: DatabasePostmortemStore.create(knex),
      runbooks: DatabaseRunbookStore.create(knex),
      reputation: DatabaseReputationStore.create(knex),
    };
  }

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('loads the shipped example history so every tab has content', async () => {
      const { knex, store, postmortems, runbooks, reputation } = await createStores(databaseId);
      const summary = await loadDemoData({
        store,
        postmortems,
        runbooks,
        reputation,
        path: DEMO_FILE,
        logger: mockServices.logger.mock(),
        now,
      });
      expect(summary).toEqual({
        incidents: 39,
        postmortems: 15,
        actionItems: 40,
        repeatLinks: 2,
        runbooks: 6,
        runbookRevisions: 4,
        drills: 7,
        runbookUsages: 6,
        training: 32,
      });
      expect(await store.countIncidents()).toBe(39);
      // Shadows from the declaration on, open: the ledger counts them up to the resolution.
      const shadows = await knex('incident_shadows').orderBy(['user_ref', 'role']).select('role', 'user_ref', 'released_at');
      expect(shadows.map(r => [r.user_ref, r.role, r.released_at])).toEqual([
        ['user:default/liam-chen', 'incident-commander', null],
        ['user:default/liam-chen', 'technical-lead', null],
        ['user:default/mateo-garcia', 'incident-commander', null],
        ['user:default/mateo-garcia', 'incident-commander', null],
      ]);
      const idOf = async (title: string): Promise<string> =>
        (await knex('incidents').where({ title }).first('id')).id;
      const nowIso = now.toISOString();

      // Post-mortems: every SEV1/SEV2 resolved more than 2 days ago has one; most are final.
      const all = await postmortems.listPostmortems({ limit: 100 }, { kind: 'all' });
      expect(all.items).toHaveLength(15);
      const statuses = all.items.map(p => p.status);
      expect(statuses.filter(s => s === 'final')).toHaveLength(13);
      expect(statuses.filter(s => s !== 'final').sort()).toEqual(['draft', 'review']);
      expect(all.items.filter(p => p.kind === 'summary').map(p => p.severity)).toEqual(['SEV3', 'SEV3']);
      const withPostmortem = new Set(all.items.map(p => p.incidentId));
      const twoDaysAgo = now.getTime() - 2 * 24 * 60 * 60 * 1000;
      const deadlines = await postmortems.listDeadlineRows({});
      const needing = deadlines.filter(
        d => (d.severity === 'SEV1' || d.severity === 'SEV2') && Date.parse(d.resolvedAt) < twoDaysAgo,
      );
      expect(needing.length).toBeGreaterThanOrEqual(13);
      expect(needing.filter(d => !withPostmortem.has(d.incidentId)).map(d => d.incidentTitle)).toEqual([]);

      // Deadlines: some met, some late, and at least one overdue as of loading.
      const states = deadlines.map(
        d =>
          postmortemDeadline({
            required: postmortemRequirement({ severity: d.severity, isRepeat: d.isRepeat }).required,
            resolvedAt: d.resolvedAt,
            finalizedAt: d.finalizedAt,
            now: nowIso,
          }).state,
      );
      expect(states).toContain('met');
      expect(states).toContain('late');
      expect(states.filter(s => s === 'overdue').length).toBeGreaterThanOrEqual(1);

      // The generated timeline comes from the incident's events.
      const spring = await idOf('Checkout down during spring sale: orders-db pool exhausted by retry storm');
      const springPostmortem = (await postmortems.getPostmortem(spring, { kind: 'all' }))!;
      const events = (await store.listTimeline(spring, { limit: 500 })).items;
      expect(springPostmortem.timeline[0]).toEqual({
        at: events[0].occurredAt,
        text: expect.stringContaining('Declared SEV1'),
        sourceEventId: events[0].id,
      });
      expect(springPostmortem.timeline.every(row => row.sourceEventId)).toBe(true);
      expect(springPostmortem.failureModes).toEqual(['connection-pool-exhaustion', 'retry-storm']);

      // The restricted post-mortem is readable by its group only.
      const wallet = await idOf('Wallet payments failing after callback TLS certificate expired on payment gateway');
      const restricted = (await postmortems.getPostmortem(wallet, { kind: 'all' }))!;
      expect(restricted).toMatchObject({ visibility: 'restricted', visibleToGroups: ['group:default/payments'] });
      const asGroup = (refs: string[]): PostmortemAccess => ({
        kind: 'conditional',
        criteria: { anyOf: [{ kind: 'organization-wide' }, { kind: 'visible-to-groups', refs }] },
      });
      expect(await postmortems.getPostmortem(wallet, asGroup(['group:default/storefront']))).toBeUndefined();
      expect(await postmortems.getPostmortem(wallet, asGroup(['group:default/payments']))).toBeDefined();
      expect((await postmortems.listPostmortems({ limit: 100 }, asGroup(['group:default/storefront']))).items).toHaveLength(14);

      // Repeats: the second pool exhaustion repeats the first, whose open item makes the call-out.
      const again = await idOf('Orders DB connections exhausted again by checkout-api, 30% of order submits failing');
      const [link] = await postmortems.listRepeatLinks(again);
      expect(link).toMatchObject({
        earlierTitle: 'Checkout API connection pool exhaustion on orders-db during evening peak',
        failureMode: 'connection-pool-exhaustion',
        earlierActionItems: { total: 2, done: 1, open: 1 },
      });
      expect(repeatCallout(link)).toContain('1 of 2 action items');
      expect(await postmortems.listRepeatLinks(spring)).toEqual([
        expect.objectContaining({ earlierIncidentId: again, failureMode: 'connection-pool-exhaustion' }),
      ]);

      // Action items: done on time, done late, overdue and not yet due, as of loading.
      const items = await postmortems.findActionItems({ today: nowIso.slice(0, 10), limit: 100 }, { kind: 'all' });
      const itemStates = items.items.map(item => actionItemState(item, nowIso));
      for (const state of ['done-on-time', 'done-late', 'overdue', 'open', 'cancelled'] as const) {
        expect(itemStates).toContain(state);
      }
      const overdue = await postmortems.findActionItems(
        { state: 'overdue', today: nowIso.slice(0, 10), limit: 100 },
        { kind: 'all' },
      );
      expect(overdue.items.length).toBeGreaterThanOrEqual(1);
      expect(items.items.every(item => /^(user|group):default\//.test(item.ownerRef))).toBe(true);
      const late = items.items.find(i => i.title.startsWith('Add a checkout synthetic check'))!;
      expect(late.completedAt).toBe(
        new Date(Date.parse((await store.getIncident(late.incidentId))!.milestones.impactStartedAt!) + 20 * 86_400_000).toISOString(),
      );

      // Runbooks: fresh, due soon, stale and never tested; revisions; use on incidents.
      const entities = [
        'component:default/checkout-api',
        'component:default/payment-gateway',
        'resource:default/session-cache',
        'resource:default/events-bus',
        'component:default/search-service',
        'component:default/web-storefront',
      ];
      const freshness = await runbooks.listRunbookFreshnessInputs(entities);
      expect(freshness.map(r => runbookFreshness(r.lastTestedAt, nowIso).status).sort()).toEqual([
        'due-soon',
        'fresh',
        'fresh',
        'fresh',
        'never-tested',
        'stale',
      ]);
      const [checkoutRunbook] = (await runbooks.listRunbooks({ entityRef: entities[0], limit: 10 })).items;
      expect(checkoutRunbook.revision).toBe(3);
      expect(checkoutRunbook.body).toContain('only without a retry storm');
      const usage = await postmortems.listRunbookUsage(spring);
      expect(usage).toEqual([
        expect.objectContaining({
          runbookId: checkoutRunbook.id,
          adherence: 'deviated',
          deviationReason: expect.stringContaining('retry storm'),
          recordedBy: 'user:default/liam-chen',
        }),
      ]);

      // Training: basic training for most, incident command for SRE and team leads, three valid
      // certified-MIM certifications and one lapsed; Liam Chen has none yet.
      const kinds: Array<{ kind: string; count: string | number }> = await knex('responder_training')
        .select('kind')
        .count({ count: '*' })
        .groupBy('kind');
      expect(Object.fromEntries(kinds.map(row => [row.kind, Number(row.count)]))).toEqual({
        'basic-training': 19,
        'incident-command': 9,
        'certified-mim': 4,
      });
      const valid = (t: { expiresAt?: string }) => !t.expiresAt || t.expiresAt > nowIso;
      const marcus = await reputation.listTraining('user:default/marcus-johnson');
      expect(marcus.filter(t => t.kind === 'certified-mim')).toEqual([
        expect.objectContaining({
          issuer: 'Major Incident Management Institute',
          completedAt: new Date(now.getTime() - 1160 * 86_400_000).toISOString(),
          expiresAt: new Date(now.getTime() - 65 * 86_400_000).toISOString(),
          recordedBy: 'user:default/guest',
        }),
      ]);
      expect(marcus.filter(t => t.kind === 'certified-mim').every(valid)).toBe(false);
      for (const commander of ['grace-obi', 'elena-petrova', 'raj-patel']) {
        const records = await reputation.listTraining(`user:default/${commander}`);
        expect(records.map(t => t.kind).sort()).toEqual(['basic-training', 'certified-mim', 'incident-command']);
        expect(records.every(valid)).toBe(true);
      }
      expect(await reputation.listTraining('user:default/liam-chen')).toEqual([]);
      const expired = await knex('responder_training').whereNotNull('expires_at').where('expires_at', '<=', now).select('user_ref', 'kind');
      expect(expired).toEqual([{ user_ref: 'user:default/marcus-johnson', kind: 'certified-mim' }]);
    });

    it('writes nothing into a database that already holds incidents', async () => {
      const stores = await createStores(databaseId);
      const options = { ...stores, path: DEMO_FILE, logger: mockServices.logger.mock(), now };
      await loadDemoData(options);
      const again = await loadDemoData(options);
      expect(again).toMatchObject({ incidents: 0, postmortems: 0, runbooks: 0, training: 0 });
      expect(await stores.store.countIncidents()).toBe(39);
      expect(Number((await stores.knex('responder_training').count({ count: '*' }))[0].count)).toBe(32);
      expect((await stores.postmortems.listPostmortems({ limit: 100 }, { kind: 'all' })).items).toHaveLength(15);
    });

    it('refuses a misspelt reference before writing anything', async () => {
      const stores = await createStores(databaseId);
      const text = (await fs.readFile(DEMO_FILE, 'utf8')).replace(
        'incident: Card payments failing at checkout during primary payment provider outage',
        'incident: Card payments failing at checkout during primary payment provder outage',
      );
      await expect(
        loadDemoData({ ...stores, path: await writeTemp(text), logger: mockServices.logger.mock(), now }),
      ).rejects.toThrow(
        'runbooks.1 "Payment gateway: fail over to the secondary card provider" usedIn.0: no incident in the file is titled "Card payments failing at checkout during primary payment provder outage"',
      );
      expect(await stores.store.countIncidents()).toBe(0);
      expect(Number((await stores.knex('responder_training').count({ count: '*' }))[0].count)).toBe(0);
    });
  });
});
