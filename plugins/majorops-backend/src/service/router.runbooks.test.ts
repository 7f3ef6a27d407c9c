import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  RUNBOOK_SECTIONS,
  runbookTemplate,
  type Runbook,
  type RunbookDrill,
  type RunbookFreshness,
  type RunbookRevision,
} from '@majorops/plugin-majorops-common';
import { Server } from 'http';
import { Knex } from 'knex';
import request from 'supertest';
import { shapeProblems } from '../tests/openapiShape';
import { rowCounts, startMajorOpsBackend, entity } from '../tests/testBackend';
import { createTestDatabases } from '../tests/testDatabases';

jest.setTimeout(180_000);

const API = '/api/majorops';
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const GRACE = 'user:default/grace';
const LIAM = 'user:default/liam';
const MAYA = 'user:default/maya';
const PAYMENTS = 'group:default/payments';
const CHECKOUT = 'component:default/checkout-api';
const SEARCH = 'component:default/search-service';
const LEGACY = 'component:default/legacy-batch';

/** A runbook as the API answers it. */
type RunbookResponse = Runbook & { freshness: RunbookFreshness; missingSections: string[] };

const as = (userRef: string) => mockCredentials.user.header(userRef);
/** An ISO timestamp `days` days and `hours` hours ago. */
const ago = (days: number, hours = 0) => new Date(Date.now() - days * DAY - hours * HOUR).toISOString();

const entities: Entity[] = [
  entity('User', 'grace'),
  entity('User', 'liam'),
  entity('User', 'maya'),
  entity('Group', 'payments'),
  entity('Group', 'storefront'),
  entity('Component', 'checkout-api', PAYMENTS),
  entity('Component', 'search-service', 'group:default/storefront'),
  // Known to the catalog, but nobody owns it.
  entity('Component', 'legacy-batch'),
];

const RUNBOOK_TABLES = ['runbooks', 'runbook_revisions', 'runbook_drills'];

/** Row counts of every table a runbook write could touch. */
const counts = (knex: Knex) => rowCounts(knex, RUNBOOK_TABLES);

describe('majorops runbooks API', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function start(options: { deny?: boolean; config?: object } = {}) {
      const knex = await databases.init(databaseId);
      const server = await startMajorOpsBackend({ knex, entities, ...options });
      return { server, knex };
    }

    async function create(server: Server, body: object = {}, actor = GRACE) {
      const res = await request(server)
        .post(`${API}/runbooks`)
        .set('Authorization', as(actor))
        .send({ entityRef: CHECKOUT, title: 'Checkout 5xx', ...body });
      expect(res.status).toBe(201);
      return res.body as RunbookResponse;
    }

    async function get(server: Server, id: string) {
      const res = await request(server).get(`${API}/runbooks/${id}`).set('Authorization', as(GRACE));
      expect(res.status).toBe(200);
      return res.body as RunbookResponse;
    }

    function put(server: Server, id: string, body: object, actor = GRACE) {
      return request(server).put(`${API}/runbooks/${id}`).set('Authorization', as(actor)).send(body);
    }

    function drill(server: Server, id: string, body: object, actor = GRACE) {
      return request(server)
        .post(`${API}/runbooks/${id}/drills`)
        .set('Authorization', as(actor))
        .send({ kind: 'drill', outcome: 'passed', performedAt: ago(1), ...body });
    }

    async function revisions(server: Server, id: string, query: Record<string, string | number> = {}) {
      const res = await request(server)
        .get(`${API}/runbooks/${id}/revisions`)
        .query(query)
        .set('Authorization', as(GRACE));
      expect(res.status).toBe(200);
      return res.body as { items: RunbookRevision[]; nextCursor?: string };
    }

    async function drills(server: Server, id: string) {
      const res = await request(server).get(`${API}/runbooks/${id}/drills`).set('Authorization', as(GRACE));
      expect(res.status).toBe(200);
      return res.body.items as RunbookDrill[];
    }

    describe('creating', () => {
      it('creates a runbook from the template with the owner from the catalog, and records revision 1', async () => {
        const { server, knex } = await start();
        const before = new Date().toISOString();
        const res = await request(server)
          .post(`${API}/runbooks`)
          .set('Authorization', as(GRACE))
          .send({ entityRef: 'Component:default/Checkout-API', title: '  Checkout 5xx  ' });
        const after = new Date().toISOString();
        expect(res.status).toBe(201);
        const runbook = res.body as RunbookResponse;

        expect(runbook).toEqual({
          id: expect.any(String),
          entityRef: CHECKOUT,
          title: 'Checkout 5xx',
          body: runbookTemplate({ title: 'Checkout 5xx', entityRef: CHECKOUT, ownerRef: PAYMENTS }),
          revision: 1,
          version: 1,
          createdBy: GRACE,
          updatedBy: GRACE,
          createdAt: expect.any(String),
          updatedAt: runbook.createdAt,
          freshness: { status: 'never-tested', explanation: expect.stringMatching(/never tested/i) },
          missingSections: [],
        });
        expect(runbook.createdAt >= before && runbook.createdAt <= after).toBe(true);
        expect(runbook).not.toHaveProperty('lastTestedAt');
        // The body is the seed's template: six sections, the service and its owner filled in.
        for (const section of RUNBOOK_SECTIONS) {
          expect(runbook.body).toContain(`\n## ${section}\n`);
        }
        expect(runbook.body).toContain(`- **Service**: ${CHECKOUT}`);
        expect(runbook.body).toContain(`- **Owner team**: ${PAYMENTS}`);

        expect(await get(server, runbook.id)).toEqual(runbook);
        expect(await revisions(server, runbook.id)).toEqual({
          items: [
            {
              runbookId: runbook.id,
              revision: 1,
              title: 'Checkout 5xx',
              body: runbook.body,
              authorRef: GRACE,
              createdAt: runbook.createdAt,
              changeNote: 'Created',
            },
          ],
        });
        expect(await counts(knex)).toEqual({ runbooks: 1, runbook_revisions: 1, runbook_drills: 0 });
      });

      it('fills the template with a placeholder owner when the catalog knows none', async () => {
        const { server } = await start();
        const runbook = await create(server, { entityRef: LEGACY, title: 'Nightly batch stuck' });
        expect(runbook.body).toBe(runbookTemplate({ title: 'Nightly batch stuck', entityRef: LEGACY }));
        expect(runbook.body).toContain('- **Owner team**: (owner from the catalog)');
        expect(runbook.missingSections).toEqual([]);
      });

      it('stores a body of its own verbatim, script tags included, and returns it as JSON text', async () => {
        const { server } = await start();
        const body =
          '  # Runbook: hostile\r\n\n<script>alert("x")</script>\n<img src=x onerror="alert(1)">\n' +
          '[link](javascript:alert(1))\n## Detection\n* unicode: ✓ Grüße 🚒\n\n\n';
        const res = await request(server)
          .post(`${API}/runbooks`)
          .set('Authorization', as(GRACE))
          .send({ entityRef: CHECKOUT, title: 'Hostile', body });
        expect(res.status).toBe(201);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        // The markup is a JSON string value, never HTML of the response.
        expect(res.text).toContain(JSON.stringify(body).slice(1, -1));
        const runbook = res.body as RunbookResponse;
        expect(runbook.body).toBe(body);
        expect(runbook.missingSections).toEqual(['Quick Reference', 'Diagnosis', 'Remediation', 'Verification', 'Communication']);
        expect((await get(server, runbook.id)).body).toBe(body);

        const revision = await request(server)
          .get(`${API}/runbooks/${runbook.id}/revisions/1`)
          .set('Authorization', as(GRACE));
        expect(revision.headers['content-type']).toMatch(/^application\/json/);
        expect(revision.body.body).toBe(body);

        // An empty body is a body: it is not replaced by the template.
        const empty = await create(server, { title: 'Empty', body: '' });
        expect(empty.body).toBe('');
        expect(empty.missingSections).toEqual([...RUNBOOK_SECTIONS]);
      });

      it('refuses an entity the catalog does not know with 400, and writes nothing', async () => {
        const { server, knex } = await start();
        const res = await request(server)
          .post(`${API}/runbooks`)
          .set('Authorization', as(GRACE))
          .send({ entityRef: 'component:default/ghost', title: 'Ghost' });
        expect(res.status).toBe(400);
        expect(res.body.error).toMatchObject({ name: 'InputError', message: 'Not in the catalog: component:default/ghost' });
        expect(await counts(knex)).toEqual({ runbooks: 0, runbook_revisions: 0, runbook_drills: 0 });
      });

      it('refuses bad input with 400 naming the problem, and writes nothing', async () => {
        const { server, knex } = await start();
        const cases: Array<[unknown, RegExp]> = [
          [{ entityRef: CHECKOUT }, /title: title must be a string/],
          [{ entityRef: CHECKOUT, title: '   ' }, /title: title is required/],
          [{ entityRef: CHECKOUT, title: 'x'.repeat(201) }, /title is longer than 200 characters/],
          [{ title: 't' }, /entityRef: an entity ref is required/],
          [{ entityRef: 'checkout-api', title: 't' }, /is not an entity ref/],
          [{ entityRef: CHECKOUT, title: 't', body: 42 }, /body: body must be a string/],
          [{ entityRef: CHECKOUT, title: 't', body: 'x'.repeat(100_001) }, /body is longer than 100000 characters/],
          [{ entityRef: CHECKOUT, title: 't', createdBy: MAYA }, /unknown field createdBy/],
          [[{ entityRef: CHECKOUT, title: 't' }], /Invalid runbook/],
        ];
        for (const [body, message] of cases) {
          const res = await request(server).post(`${API}/runbooks`).set('Authorization', as(GRACE)).send(body as object);
          expect({ body, status: res.status, name: res.body.error?.name }).toEqual({ body, status: 400, name: 'InputError' });
          expect(res.body.error.message).toMatch(message);
        }
        expect(await counts(knex)).toEqual({ runbooks: 0, runbook_revisions: 0, runbook_drills: 0 });
      });
    });

    describe('listing', () => {
      it('lists the runbooks of one entity by title, with freshness, in pages', async () => {
        const { server } = await start();
        const zeta = await create(server, { title: 'Zeta failover' });
        const alpha = await create(server, { title: 'Alpha restart' });
        const mid = await create(server, { title: 'Mid rollback' });
        await create(server, { entityRef: SEARCH, title: 'Search index rebuild' });
        expect((await drill(server, mid.id, { performedAt: ago(3, 1) })).status).toBe(201);

        const first = await request(server)
          .get(`${API}/runbooks`)
          .query({ entityRef: 'Component:default/Checkout-API', limit: 2 })
          .set('Authorization', as(GRACE));
        expect(first.status).toBe(200);
        expect(first.body.items.map((r: RunbookResponse) => [r.id, r.freshness.status])).toEqual([
          [alpha.id, 'never-tested'],
          [mid.id, 'fresh'],
        ]);
        expect(first.body.items[1].freshness.ageDays).toBe(3);
        expect(first.body.items[0].missingSections).toEqual([]);
        const second = await request(server)
          .get(`${API}/runbooks`)
          .query({ entityRef: CHECKOUT, limit: 2, cursor: first.body.nextCursor })
          .set('Authorization', as(GRACE));
        expect(second.body.items.map((r: RunbookResponse) => r.id)).toEqual([zeta.id]);
        expect(second.body.nextCursor).toBeUndefined();

        const missing = await request(server).get(`${API}/runbooks`).set('Authorization', as(GRACE));
        expect(missing.status).toBe(400);
      });
    });

    describe('editing', () => {
      it('saves each edit at the current version as a new revision with its author and note', async () => {
        const { server } = await start();
        const created = await create(server);

        const res = await put(
          server,
          created.id,
          { version: 1, title: ' Checkout 5xx and timeouts ', body: '## Detection\nnew', changeNote: '  added timeouts  ' },
          LIAM,
        );
        expect(res.status).toBe(200);
        const edited = res.body as RunbookResponse;
        expect(edited).toMatchObject({
          id: created.id,
          entityRef: CHECKOUT,
          title: 'Checkout 5xx and timeouts',
          body: '## Detection\nnew',
          version: 2,
          revision: 2,
          createdBy: GRACE,
          createdAt: created.createdAt,
          updatedBy: LIAM,
          missingSections: ['Quick Reference', 'Diagnosis', 'Remediation', 'Verification', 'Communication'],
        });
        expect(edited.updatedAt >= created.updatedAt).toBe(true);
        expect(await get(server, created.id)).toEqual(edited);

        const second = await request(server)
          .get(`${API}/runbooks/${created.id}/revisions/2`)
          .set('Authorization', as(GRACE));
        expect(second.status).toBe(200);
        expect(second.body).toEqual({
          runbookId: created.id,
          revision: 2,
          title: 'Checkout 5xx and timeouts',
          body: '## Detection\nnew',
          authorRef: LIAM,
          createdAt: edited.updatedAt,
          changeNote: 'added timeouts',
        });
        // The first revision is kept as it was.
        const first = await request(server)
          .get(`${API}/runbooks/${created.id}/revisions/1`)
          .set('Authorization', as(GRACE));
        expect(first.body).toMatchObject({ revision: 1, body: created.body, title: 'Checkout 5xx', authorRef: GRACE });

        // Without a note, or with a blank one, the revision has none (left out, never "" or null).
        const noNote = await put(server, created.id, { version: 2, title: 't', body: 'b3' }, GRACE);
        const blankNote = await put(server, created.id, { version: 3, title: 't', body: 'b4', changeNote: '   ' }, MAYA);
        expect([noNote.status, blankNote.status]).toEqual([200, 200]);
        expect(blankNote.body).toMatchObject({ version: 4, revision: 4, updatedBy: MAYA, body: 'b4' });
        const { items } = await revisions(server, created.id);
        expect(items.map(r => [r.revision, r.authorRef, r.body])).toEqual([
          [4, MAYA, 'b4'],
          [3, GRACE, 'b3'],
          [2, LIAM, '## Detection\nnew'],
          [1, GRACE, created.body],
        ]);
        expect(items[0]).not.toHaveProperty('changeNote');
        expect(items[1]).not.toHaveProperty('changeNote');
      });

      it('refuses a stale version with a 409 that names the current version, and changes nothing', async () => {
        const { server, knex } = await start();
        const created = await create(server);
        expect((await put(server, created.id, { version: 1, title: 't2', body: 'b2' })).status).toBe(200);
        const current = await get(server, created.id);

        const stale = await put(server, created.id, { version: 1, title: 'lost', body: 'lost update' }, LIAM);
        expect(stale.status).toBe(409);
        expect(stale.body.error.name).toBe('ConflictError');
        expect(stale.body.error.message).toContain('you sent version 1, it is now at version 2');
        const ahead = await put(server, created.id, { version: 7, title: 'lost', body: 'lost update' }, LIAM);
        expect(ahead.status).toBe(409);
        expect(ahead.body.error.message).toContain('you sent version 7, it is now at version 2');

        expect(await get(server, created.id)).toEqual(current);
        expect(await counts(knex)).toEqual({ runbooks: 1, runbook_revisions: 2, runbook_drills: 0 });
      });

      it('lets exactly one of two concurrent edits at the same version win, and records only its revision', async () => {
        const { server, knex } = await start();
        const created = await create(server);
        for (let version = 1; version <= 3; version++) {
          const responses = await Promise.all([
            put(server, created.id, { version, title: `grace ${version}`, body: `grace's text ${version}` }, GRACE),
            put(server, created.id, { version, title: `liam ${version}`, body: `liam's text ${version}` }, LIAM),
          ]);
          expect(responses.map(r => r.status).sort()).toEqual([200, 409]);
          const winner = responses.find(r => r.status === 200)!.body as RunbookResponse;
          const loser = responses.find(r => r.status === 409)!;
          expect(loser.body.error.message).toContain(`it is now at version ${version + 1}`);
          const author = winner.updatedBy === GRACE ? 'grace' : 'liam';
          expect(winner).toMatchObject({ version: version + 1, body: `${author}'s text ${version}` });

          // The stored runbook and its newest revision are the winner's, whole: never a mix of the two.
          const stored = await get(server, created.id);
          expect(stored).toMatchObject({ version: version + 1, title: `${author} ${version}`, body: `${author}'s text ${version}` });
          const rows = await knex('runbook_revisions').where({ runbook_id: created.id }).orderBy('revision');
          expect(rows.map(r => Number(r.revision))).toEqual(Array.from({ length: version + 1 }, (_, i) => i + 1));
          expect(rows[version]).toMatchObject({
            title: `${author} ${version}`,
            body: `${author}'s text ${version}`,
            author_ref: winner.updatedBy,
          });
        }
        expect(await counts(knex)).toEqual({ runbooks: 1, runbook_revisions: 4, runbook_drills: 0 });
      });

      it('refuses bad edits with 400 and changes nothing', async () => {
        const { server, knex } = await start();
        const created = await create(server);
        const cases: Array<[object, RegExp]> = [
          [{ title: 't', body: 'b' }, /version is required: send the version you last read/],
          [{ version: '1', title: 't', body: 'b' }, /version is required/],
          [{ version: 0, title: 't', body: 'b' }, /version must be at least 1/],
          [{ version: 1, title: 't' }, /body: body must be a string/],
          [{ version: 1, title: '', body: 'b' }, /title is required/],
          [{ version: 1, title: 't', body: 'b', changeNote: 'x'.repeat(501) }, /changeNote is longer than 500/],
          [{ version: 1, title: 't', body: 'x'.repeat(100_001) }, /body is longer than 100000/],
          [{ version: 1, title: 't', body: 'b', entityRef: SEARCH }, /unknown field entityRef/],
          [{ version: 1, title: 't', body: 'b', authorRef: MAYA }, /unknown field authorRef/],
        ];
        for (const [body, message] of cases) {
          const res = await put(server, created.id, body);
          expect({ body, status: res.status }).toEqual({ body, status: 400 });
          expect(res.body.error.message).toMatch(message);
        }
        expect(await get(server, created.id)).toEqual(created);
        expect(await counts(knex)).toEqual({ runbooks: 1, runbook_revisions: 1, runbook_drills: 0 });
      });
    });

    describe('revisions', () => {
      it('lists revisions newest first, in pages with a cursor', async () => {
        const { server } = await start();
        const created = await create(server);
        const authors = [LIAM, MAYA, GRACE, LIAM];
        for (const [i, author] of authors.entries()) {
          const res = await put(server, created.id, { version: i + 1, title: 't', body: `text ${i + 2}` }, author);
          expect(res.status).toBe(200);
        }

        const seen: Array<[number, string]> = [];
        let page = await revisions(server, created.id, { limit: 2 });
        const sizes = [page.items.length];
        seen.push(...page.items.map(r => [r.revision, r.authorRef] as [number, string]));
        while (page.nextCursor) {
          page = await revisions(server, created.id, { limit: 2, cursor: page.nextCursor });
          sizes.push(page.items.length);
          seen.push(...page.items.map(r => [r.revision, r.authorRef] as [number, string]));
        }
        expect(sizes).toEqual([2, 2, 1]);
        expect(seen).toEqual([
          [5, LIAM],
          [4, GRACE],
          [3, MAYA],
          [2, LIAM],
          [1, GRACE],
        ]);
        // A page that ends exactly at the last revision says so.
        const exact = await revisions(server, created.id, { limit: 5 });
        expect(exact.items).toHaveLength(5);
        expect(exact.nextCursor).toBeUndefined();
      });

      it('refuses bad paging with 400', async () => {
        const { server } = await start();
        const created = await create(server);
        const forged = Buffer.from(JSON.stringify(['not-a-revision']), 'utf8').toString('base64url');
        for (const query of [{ limit: 0 }, { limit: 201 }, { cursor: 'garbage' }, { cursor: forged }, { sort: 'asc' }]) {
          const res = await request(server)
            .get(`${API}/runbooks/${created.id}/revisions`)
            .query(query)
            .set('Authorization', as(GRACE));
          expect({ query, status: res.status }).toEqual({ query, status: 400 });
        }
      });

      it('gets one revision of one runbook; an unknown revision is 404 and a malformed one 400', async () => {
        const { server } = await start();
        const edited = await create(server, { title: 'Edited' });
        const other = await create(server, { title: 'Other', body: 'other body' });
        expect((await put(server, edited.id, { version: 1, title: 'Edited', body: 'v2' })).status).toBe(200);

        const one = await request(server)
          .get(`${API}/runbooks/${other.id}/revisions/1`)
          .set('Authorization', as(GRACE));
        expect(one.status).toBe(200);
        expect(one.body).toMatchObject({ runbookId: other.id, revision: 1, body: 'other body' });

        // Revision 2 exists, but of the other runbook.
        const notHere = await request(server)
          .get(`${API}/runbooks/${other.id}/revisions/2`)
          .set('Authorization', as(GRACE));
        expect(notHere.status).toBe(404);
        expect(notHere.body.error.name).toBe('NotFoundError');
        for (const revision of ['0', '-1', 'abc', '1.5', '99999999999']) {
          const res = await request(server)
            .get(`${API}/runbooks/${edited.id}/revisions/${revision}`)
            .set('Authorization', as(GRACE));
          expect({ revision, status: res.status }).toEqual({ revision, status: 400 });
        }
      });
    });

    describe('drills', () => {
      it('records a passed drill, which sets "last tested" to when it was performed', async () => {
        const { server, knex } = await start();
        const created = await create(server);
        const performed = new Date(Date.now() - 10 * DAY - HOUR);
        // Sent with a zone offset; stored and returned in UTC.
        const local = new Date(performed.getTime() + 2 * HOUR).toISOString().replace('Z', '+02:00');
        const before = new Date().toISOString();
        const res = await drill(
          server,
          created.id,
          {
            kind: 'game-day',
            outcome: 'passed',
            performedAt: local,
            participants: ['User:default/Liam', MAYA, 'user:liam', 'user:default/MAYA'],
            notes: '  failover took 4 minutes  ',
          },
          LIAM,
        );
        const after = new Date().toISOString();
        expect(res.status).toBe(201);
        const recorded = res.body as RunbookDrill;
        expect(recorded).toEqual({
          id: expect.any(String),
          runbookId: created.id,
          kind: 'game-day',
          outcome: 'passed',
          performedAt: performed.toISOString(),
          participants: [LIAM, MAYA],
          notes: 'failover took 4 minutes',
          recordedBy: LIAM,
          recordedAt: expect.any(String),
        });
        expect(recorded.recordedAt >= before && recorded.recordedAt <= after).toBe(true);

        const runbook = await get(server, created.id);
        expect(runbook.lastTestedAt).toBe(performed.toISOString());
        expect(runbook.freshness).toEqual({ status: 'fresh', ageDays: 10, explanation: 'Last tested 10 days ago.' });
        // A drill is not an edit: no new version or revision, so it never makes an editor's save conflict.
        expect(runbook).toMatchObject({ version: 1, revision: 1, updatedBy: GRACE, updatedAt: created.updatedAt });
        expect(await drills(server, created.id)).toEqual([recorded]);
        expect(await counts(knex)).toEqual({ runbooks: 1, runbook_revisions: 1, runbook_drills: 1 });
        expect((await put(server, created.id, { version: 1, title: 't', body: 'b' })).status).toBe(200);
      });

      it('moves "last tested" only for passed drills', async () => {
        const { server } = await start();
        const created = await create(server);

        for (const outcome of ['failed', 'partial']) {
          expect((await drill(server, created.id, { outcome, performedAt: ago(2) })).status).toBe(201);
          const untested = await get(server, created.id);
          expect(untested.lastTestedAt).toBeUndefined();
          expect(untested.freshness.status).toBe('never-tested');
        }

        const passed = ago(100, 1);
        expect((await drill(server, created.id, { outcome: 'passed', performedAt: passed })).status).toBe(201);
        const stale = await get(server, created.id);
        expect(stale.lastTestedAt).toBe(passed);
        expect(stale.freshness).toMatchObject({ status: 'stale', ageDays: 100 });

        for (const outcome of ['failed', 'partial']) {
          expect((await drill(server, created.id, { outcome, performedAt: ago(0, 1) })).status).toBe(201);
          const still = await get(server, created.id);
          expect({ outcome, lastTestedAt: still.lastTestedAt, status: still.freshness.status }).toEqual({
            outcome,
            lastTestedAt: passed,
            status: 'stale',
          });
        }
        // Each pair was recorded failed then partial, the partial at the same moment or later.
        expect((await drills(server, created.id)).map(d => d.outcome)).toEqual(['partial', 'failed', 'partial', 'failed', 'passed']);
      });

      it('never moves "last tested" back for an older passed drill', async () => {
        const { server } = await start();
        const created = await create(server);
        const recent = ago(5);
        expect((await drill(server, created.id, { performedAt: recent })).status).toBe(201);
        expect((await drill(server, created.id, { performedAt: ago(80) })).status).toBe(201);
        expect((await get(server, created.id)).lastTestedAt).toBe(recent);
        // The same moment again changes nothing either.
        expect((await drill(server, created.id, { performedAt: recent })).status).toBe(201);
        expect((await get(server, created.id)).lastTestedAt).toBe(recent);

        const newer = ago(2);
        expect((await drill(server, created.id, { performedAt: newer })).status).toBe(201);
        const runbook = await get(server, created.id);
        expect(runbook.lastTestedAt).toBe(newer);
        expect(runbook.freshness).toMatchObject({ status: 'fresh', ageDays: 2 });
      });

      it('judges freshness by the configured staleAfterDays', async () => {
        const { server } = await start({ config: { majorops: { runbooks: { staleAfterDays: 7 } } } });
        const created = await create(server);
        expect((await drill(server, created.id, { performedAt: ago(10) })).status).toBe(201);
        expect((await get(server, created.id)).freshness).toEqual({
          status: 'stale',
          ageDays: 10,
          explanation: 'Last tested 10 days ago, more than 7: run a drill before relying on it.',
        });
      });

      it('refuses a drill performed in the future with 400, and writes nothing', async () => {
        const { server, knex } = await start();
        const created = await create(server);
        const future = new Date(Date.now() + HOUR).toISOString();
        const res = await drill(server, created.id, { performedAt: future });
        expect(res.status).toBe(400);
        expect(res.body.error).toMatchObject({ name: 'InputError', message: `performedAt (${future}) lies in the future` });
        expect(await counts(knex)).toEqual({ runbooks: 1, runbook_revisions: 1, runbook_drills: 0 });
        expect((await get(server, created.id)).lastTestedAt).toBeUndefined();
      });

      it('refuses bad drills with 400 naming the problem, and writes nothing', async () => {
        const { server, knex } = await start();
        const created = await create(server);
        const cases: Array<[object, RegExp]> = [
          [{ kind: 'tabletop' }, /kind: kind must be one of drill, game-day/],
          [{ outcome: 'ok' }, /outcome: outcome must be one of passed, partial, failed/],
          [{ outcome: undefined }, /outcome/],
          [{ performedAt: undefined }, /performedAt: performedAt is required/],
          [{ performedAt: '2026-01-10T10:00:00' }, /performedAt: performedAt must be an ISO-8601 timestamp with a time zone/],
          [{ performedAt: '2026-02-30T10:00:00Z' }, /performedAt must be an ISO-8601 timestamp/],
          [{ performedAt: 'last tuesday' }, /performedAt must be an ISO-8601 timestamp/],
          [{ participants: 'user:default/grace' }, /participants/],
          [{ participants: ['grace'] }, /participants\.0: "grace" is not an entity ref/],
          [{ participants: Array.from({ length: 51 }, (_, i) => `user:default/u${i}`) }, /at most 50 participants/],
          [{ notes: 'x'.repeat(5001) }, /notes are longer than 5000 characters/],
          [{ recordedBy: MAYA }, /unknown field recordedBy/],
        ];
        for (const [body, message] of cases) {
          const res = await drill(server, created.id, body);
          expect({ body, status: res.status }).toEqual({ body, status: 400 });
          expect(res.body.error.message).toMatch(message);
        }
        expect(await counts(knex)).toEqual({ runbooks: 1, runbook_revisions: 1, runbook_drills: 0 });
        expect((await get(server, created.id)).lastTestedAt).toBeUndefined();
      });

      it('lists drills most recent first, the later recorded first on a tie, only of that runbook', async () => {
        const { server } = await start();
        const created = await create(server);
        const other = await create(server, { title: 'Other' });
        const tie = ago(3);
        const performed = [ago(30), tie, ago(1), ago(10)];
        const ids: string[] = [];
        for (const [i, performedAt] of performed.entries()) {
          const res = await drill(server, created.id, { performedAt, notes: `drill ${i}` });
          ids.push(res.body.id);
        }
        const tied = await drill(server, created.id, { performedAt: tie, outcome: 'failed', notes: 'tied', participants: [GRACE, 'User:default/Grace'] });
        expect(tied.status).toBe(201);
        expect((await drill(server, other.id, { performedAt: ago(0, 1) })).status).toBe(201);

        const listed = await drills(server, created.id);
        expect(listed.map(d => d.notes)).toEqual(['drill 2', 'tied', 'drill 1', 'drill 3', 'drill 0']);
        expect(listed.map(d => d.performedAt)).toEqual([performed[2], tie, tie, performed[3], performed[0]]);
        expect(listed[1]).toMatchObject({ id: tied.body.id, participants: [GRACE], outcome: 'failed' });
        expect(new Set(listed.map(d => d.id)).size).toBe(5);
        expect(listed.every(d => d.runbookId === created.id)).toBe(true);
        expect(await drills(server, other.id)).toHaveLength(1);
      });
    });

    describe('the documented shapes', () => {
      it('answers in the shapes openapi.yaml documents', async () => {
        const { server } = await start();
        const untested = await create(server, { title: 'Untested' });
        const created = await create(server);
        const edited = (await put(server, created.id, { version: 1, title: 't', body: 'b', changeNote: 'n' })).body;
        const recorded = (await drill(server, created.id, { participants: [GRACE] })).body;
        const tested = await get(server, created.id);
        const list = await request(server).get(`${API}/runbooks`).query({ entityRef: CHECKOUT }).set('Authorization', as(GRACE));
        const history = await revisions(server, created.id);

        expect(tested.freshness.status).toBe('fresh');
        expect([
          ...shapeProblems('Runbook', untested),
          ...shapeProblems('Runbook', edited),
          ...shapeProblems('Runbook', tested),
          ...shapeProblems('RunbookPage', list.body),
          ...shapeProblems('RunbookRevisionPage', history),
          ...history.items.flatMap(r => shapeProblems('RunbookRevision', r)),
          ...shapeProblems('RunbookDrill', recorded),
          ...shapeProblems('RunbookDrillList', { items: await drills(server, created.id) }),
        ]).toEqual([]);
        // The checker itself notices an undocumented field, a missing one and a wrong enum value.
        const { missingSections: _m, ...incomplete } = tested;
        expect(
          shapeProblems('Runbook', { ...incomplete, extra: 1, freshness: { ...tested.freshness, status: 'rotten' } }),
        ).toEqual([
          'Runbook.extra is not documented',
          'Runbook.missingSections is required but missing',
          'RunbookFreshness.status: rotten is not in the enum',
        ]);
      });
    });

    describe('access', () => {
      const validEdit = { version: 1, title: 't', body: 'b' };
      const validDrill = { kind: 'drill', outcome: 'passed', performedAt: '2026-01-10T10:00:00Z' };
      const writes: Array<[string, string, object]> = [
        ['post', '/runbooks', { entityRef: CHECKOUT, title: 'x' }],
        ['put', '/runbooks/ID', validEdit],
        ['post', '/runbooks/ID/drills', validDrill],
      ];
      const reads = [
        `/runbooks?entityRef=${encodeURIComponent(CHECKOUT)}`,
        '/runbooks/ID',
        '/runbooks/ID/revisions',
        '/runbooks/ID/revisions/1',
        '/runbooks/ID/drills',
      ];

      function call(server: Server, method: string, route: string, body: object, id: string) {
        const url = `${API}${route.replace('ID', id)}`;
        const req = (request(server) as any)[method](url);
        return method === 'get' ? req : req.send(body);
      }

      /** A runbook written straight into the database, for backends that refuse every write. */
      async function seedRunbook(knex: Knex) {
        const at = new Date('2026-11-01T10:00:00.000Z');
        await knex('runbooks').insert({
          id: 'rb-1',
          entity_ref: CHECKOUT,
          title: 'Seeded',
          body: 'seeded body',
          created_by: GRACE,
          updated_by: GRACE,
          created_at: at,
          updated_at: at,
          version: 1,
        });
        await knex('runbook_revisions').insert({
          runbook_id: 'rb-1',
          revision: 1,
          title: 'Seeded',
          body: 'seeded body',
          author_ref: GRACE,
          created_at: at,
          change_note: 'Created',
        });
      }

      it('answers 404 for an unknown runbook on every route, and writes nothing', async () => {
        const { server, knex } = await start();
        await create(server);
        const before = await counts(knex);
        const routes: Array<[string, string, object]> = [
          ...writes.filter(([, route]) => route.includes('ID')),
          ...reads.filter(route => route.includes('ID')).map(route => ['get', route, {}] as [string, string, object]),
        ];
        expect(routes).toHaveLength(6);
        for (const [method, route, body] of routes) {
          const res = await call(server, method, route, body, 'no-such-runbook').set('Authorization', as(GRACE));
          expect({ method, route, status: res.status, name: res.body.error?.name }).toEqual({
            method,
            route,
            status: 404,
            name: 'NotFoundError',
          });
        }
        expect(await counts(knex)).toEqual(before);
      });

      it('answers 401 without credentials on every route, and writes nothing', async () => {
        const { server, knex } = await start();
        const created = await create(server);
        const before = await counts(knex);
        for (const [method, route, body] of writes) {
          const res = await call(server, method, route, body, created.id);
          expect({ method, route, status: res.status }).toEqual({ method, route, status: 401 });
        }
        for (const route of reads) {
          const res = await call(server, 'get', route, {}, created.id);
          expect({ route, status: res.status }).toEqual({ route, status: 401 });
        }
        expect(await counts(knex)).toEqual(before);
        expect(await get(server, created.id)).toEqual(created);
      });

      it('answers 403 when the permission policy denies, and writes nothing', async () => {
        const { server, knex } = await start({ deny: true });
        await seedRunbook(knex);
        const before = await counts(knex);
        const [row] = await knex('runbooks').where({ id: 'rb-1' });
        for (const [method, route, body] of writes) {
          const res = await call(server, method, route, body, 'rb-1').set('Authorization', as(GRACE));
          expect({ method, route, status: res.status, name: res.body.error?.name }).toEqual({
            method,
            route,
            status: 403,
            name: 'NotAllowedError',
          });
        }
        for (const route of reads) {
          const res = await call(server, 'get', route, {}, 'rb-1').set('Authorization', as(GRACE));
          expect({ route, status: res.status }).toEqual({ route, status: 403 });
        }
        expect(await counts(knex)).toEqual(before);
        expect(await knex('runbooks').where({ id: 'rb-1' })).toEqual([row]);
      });

      it('lets a service token read but never write: every write has a signed-in author', async () => {
        const { server, knex } = await start();
        const created = await create(server);
        expect((await drill(server, created.id, {})).status).toBe(201);
        const before = await counts(knex);
        const service = mockCredentials.service.header();
        for (const route of reads) {
          const res = await call(server, 'get', route, {}, created.id).set('Authorization', service);
          expect({ route, status: res.status }).toEqual({ route, status: 200 });
        }
        for (const [method, route, body] of writes) {
          const res = await call(server, method, route, body, created.id).set('Authorization', service);
          expect({ method, route, status: res.status, name: res.body.error?.name }).toEqual({
            method,
            route,
            status: 403,
            name: 'NotAllowedError',
          });
        }
        expect(await counts(knex)).toEqual(before);
        expect(await get(server, created.id)).toMatchObject({ version: 1, updatedBy: GRACE });
      });

      it('refuses to start with a staleAfterDays that is not a whole number of days', async () => {
        for (const staleAfterDays of [0, -5, 2.5]) {
          await expect(start({ config: { majorops: { runbooks: { staleAfterDays } } } })).rejects.toThrow(
            `Invalid config majorops.runbooks.staleAfterDays: ${staleAfterDays}`,
          );
        }
      });
    });
  });
});
