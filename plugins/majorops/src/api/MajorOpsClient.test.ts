import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { ListIncidentsRequest } from './MajorOpsApi';
import { MajorOpsClient } from './MajorOpsClient';

const BASE = 'http://localhost:7007/api/majorops';

function jsonResponse(body: unknown, status = 200, statusText = status === 200 ? 'OK' : '') {
  return new Response(JSON.stringify(body), {
    status,
    statusText,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

function setup(response: () => Response = () => jsonResponse({ items: [] })) {
  const discoveryApi: jest.Mocked<DiscoveryApi> = {
    getBaseUrl: jest.fn(async (_pluginId: string) => BASE),
  };
  const fetch = jest.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => response());
  const fetchApi: FetchApi = { fetch };
  const client = new MajorOpsClient({ discoveryApi, fetchApi });
  const urls = () => fetch.mock.calls.map(([input]) => String(input));
  return { client, discoveryApi, fetch, urls };
}

describe('MajorOpsClient', () => {
  describe('listIncidents', () => {
    it.each<[string, ListIncidentsRequest, string]>([
      ['no filters', {}, `${BASE}/incidents`],
      [
        'an entity ref',
        { entityRef: 'component:default/checkout-api' },
        `${BASE}/incidents?entityRef=component%3Adefault%2Fcheckout-api`,
      ],
      [
        'a group ref',
        { groupRef: 'group:default/team-a' },
        `${BASE}/incidents?groupRef=group%3Adefault%2Fteam-a`,
      ],
      ['status open', { status: ['open'] }, `${BASE}/incidents?status=open`],
      ['several statuses, comma-joined', { status: ['resolved', 'closed'] }, `${BASE}/incidents?status=resolved%2Cclosed`],
      ['several severities, comma-joined', { severity: ['SEV1', 'SEV2'] }, `${BASE}/incidents?severity=SEV1%2CSEV2`],
      ['empty arrays, omitted', { status: [], severity: [] }, `${BASE}/incidents`],
      [
        'undefined values, omitted',
        { entityRef: undefined, status: undefined, limit: undefined, cursor: undefined },
        `${BASE}/incidents`,
      ],
      ['limit and cursor', { limit: 20, cursor: 'abc=/+' }, `${BASE}/incidents?limit=20&cursor=abc%3D%2F%2B`],
      [
        'everything, in a fixed order',
        {
          cursor: 'c1',
          limit: 100,
          severity: ['SEV3'],
          status: ['open', 'resolved'],
          entityRef: 'component:default/checkout-api',
        },
        `${BASE}/incidents?entityRef=component%3Adefault%2Fcheckout-api&status=open%2Cresolved&severity=SEV3&limit=100&cursor=c1`,
      ],
    ])('builds the URL for %s', async (_what, request, url) => {
      const { client, urls } = setup();
      await client.listIncidents(request);
      expect(urls()).toEqual([url]);
    });

    it('decodes back to the same query the backend parses', async () => {
      const { client, urls } = setup();
      await client.listIncidents({
        groupRef: 'group:default/team-a',
        status: ['resolved', 'closed'],
        limit: 20,
        cursor: 'eyJpZCI6IjEyMyJ9',
      });
      const url = new URL(urls()[0]);
      expect(url.pathname).toBe('/api/majorops/incidents');
      expect(Object.fromEntries(url.searchParams)).toEqual({
        groupRef: 'group:default/team-a',
        status: 'resolved,closed',
        limit: '20',
        cursor: 'eyJpZCI6IjEyMyJ9',
      });
    });

    it('asks discovery for the majorops plugin and returns the parsed page', async () => {
      const page = { items: [{ id: 'inc-1', title: 'Checkout down' }], nextCursor: 'next' };
      const { client, discoveryApi } = setup(() => jsonResponse(page));
      await expect(client.listIncidents({})).resolves.toEqual(page);
      expect(discoveryApi.getBaseUrl).toHaveBeenCalledWith('majorops');
    });
  });

  describe('other endpoints', () => {
    it.each<[string, (c: MajorOpsClient) => Promise<unknown>, string]>([
      ['getIncident', c => c.getIncident('inc-1'), `${BASE}/incidents/inc-1`],
      ['getIncident with an id to encode', c => c.getIncident('a/b?c'), `${BASE}/incidents/a%2Fb%3Fc`],
      ['getSeverityMatrix', c => c.getSeverityMatrix(), `${BASE}/severity-matrix`],
      [
        'listRunbooks',
        c => c.listRunbooks({ entityRef: 'component:default/checkout-api', limit: 100 }),
        `${BASE}/runbooks?entityRef=component%3Adefault%2Fcheckout-api&limit=100`,
      ],
      [
        'listRunbooks with a cursor',
        c => c.listRunbooks({ entityRef: 'component:default/x', cursor: 'p2' }),
        `${BASE}/runbooks?entityRef=component%3Adefault%2Fx&cursor=p2`,
      ],
    ])('%s', async (_what, call, url) => {
      const { client, urls } = setup(() => jsonResponse({}));
      await call(client);
      expect(urls()).toEqual([url]);
    });
  });

  describe('post-mortems and follow-through', () => {
    /** Method, URL and parsed JSON body of each request. */
    const requests = (fetch: jest.Mock) =>
      fetch.mock.calls.map(([input, init]: [RequestInfo | URL, RequestInit | undefined]) => ({
        method: init?.method ?? 'GET',
        url: String(input),
        body: init?.body === undefined ? undefined : JSON.parse(String(init.body)),
      }));

    it.each<[string, (c: MajorOpsClient) => Promise<unknown>, string, string, unknown]>([
      ['getPostmortem', c => c.getPostmortem('inc/1'), 'GET', `${BASE}/incidents/inc%2F1/postmortem`, undefined],
      [
        'addShadow with the version',
        c => c.addShadow('inc-1', 'incident-commander', 'user:default/jane', 4),
        'PUT',
        `${BASE}/incidents/inc-1/roles/incident-commander/shadows/user%3Adefault%2Fjane`,
        { version: 4 },
      ],
      [
        'releaseShadow with the version',
        c => c.releaseShadow('inc-1', 'scribe', 'user:default/jane', 5),
        'DELETE',
        `${BASE}/incidents/inc-1/roles/scribe/shadows/user%3Adefault%2Fjane?version=5`,
        undefined,
      ],
      ['savePostmortem creating (empty body)', c => c.savePostmortem('inc-1', {}), 'PUT', `${BASE}/incidents/inc-1/postmortem`, {}],
      [
        'savePostmortem replacing, with version and status',
        c => c.savePostmortem('inc-1', { version: 4, status: 'review', executiveSummary: 'Pool exhausted' }),
        'PUT',
        `${BASE}/incidents/inc-1/postmortem`,
        { version: 4, status: 'review', executiveSummary: 'Pool exhausted' },
      ],
      [
        'listPostmortems with a scope and statuses',
        c => c.listPostmortems({ groupRef: 'group:default/team-a', status: ['draft', 'review'], limit: 20 }),
        'GET',
        `${BASE}/postmortems?groupRef=group%3Adefault%2Fteam-a&status=draft%2Creview&limit=20`,
        undefined,
      ],
      [
        'listOverduePostmortems',
        c => c.listOverduePostmortems({ entityRef: 'system:default/shop' }),
        'GET',
        `${BASE}/postmortems/overdue?entityRef=system%3Adefault%2Fshop`,
        undefined,
      ],
      ['listActionItems', c => c.listActionItems('inc-1'), 'GET', `${BASE}/incidents/inc-1/action-items`, undefined],
      [
        'createActionItem',
        c =>
          c.createActionItem('inc-1', {
            title: 'Validate pool size in CI',
            ownerRef: 'group:default/team-a',
            priority: 'P1',
            dueDate: '2026-04-15',
            trackerUrl: 'https://tracker.example.com/OPS-1',
          }),
        'POST',
        `${BASE}/incidents/inc-1/action-items`,
        {
          title: 'Validate pool size in CI',
          ownerRef: 'group:default/team-a',
          priority: 'P1',
          dueDate: '2026-04-15',
          trackerUrl: 'https://tracker.example.com/OPS-1',
        },
      ],
      [
        'updateActionItem, encoding both ids',
        c => c.updateActionItem('inc-1', 'ai/7', { version: 3, status: 'done' }),
        'PATCH',
        `${BASE}/incidents/inc-1/action-items/ai%2F7`,
        { version: 3, status: 'done' },
      ],
      [
        'findActionItems of an owner, overdue only',
        c => c.findActionItems({ ownerRef: 'user:default/jane', state: 'overdue' }),
        'GET',
        `${BASE}/action-items?ownerRef=user%3Adefault%2Fjane&state=overdue`,
        undefined,
      ],
      ['getRepeats', c => c.getRepeats('inc-1'), 'GET', `${BASE}/incidents/inc-1/repeats`, undefined],
      [
        'linkRepeat',
        c => c.linkRepeat('inc-1', { earlierIncidentId: 'inc-0', failureMode: 'pool-exhaustion' }),
        'POST',
        `${BASE}/incidents/inc-1/repeats`,
        { earlierIncidentId: 'inc-0', failureMode: 'pool-exhaustion' },
      ],
      ['unlinkRepeat', c => c.unlinkRepeat('inc-1', 'inc-0'), 'DELETE', `${BASE}/incidents/inc-1/repeats/inc-0`, undefined],
      ['listRunbookUsage', c => c.listRunbookUsage('inc-1'), 'GET', `${BASE}/incidents/inc-1/runbooks`, undefined],
      [
        'recordRunbookUsage',
        c => c.recordRunbookUsage('inc-1', 'rb-2', { adherence: 'deviated', deviationReason: 'Step 3 was wrong' }),
        'PUT',
        `${BASE}/incidents/inc-1/runbooks/rb-2`,
        { adherence: 'deviated', deviationReason: 'Step 3 was wrong' },
      ],
      [
        'getFollowThrough',
        c => c.getFollowThrough({ entityRef: 'component:default/x', from: '2026-01-01T00:00:00.000Z' }),
        'GET',
        `${BASE}/metrics/follow-through?entityRef=component%3Adefault%2Fx&from=2026-01-01T00%3A00%3A00.000Z`,
        undefined,
      ],
    ])('%s', async (_what, call, method, url, body) => {
      const { client, fetch } = setup(() => jsonResponse({}));
      await call(client);
      expect(requests(fetch)).toEqual([{ method, url, body }]);
    });

    it('sends JSON bodies with their content type', async () => {
      const { client, fetch } = setup(() => jsonResponse({}));
      await client.savePostmortem('inc-1', { version: 2 });
      expect(fetch.mock.calls[0][1]?.headers).toEqual({ 'Content-Type': 'application/json' });
    });

    it('returns the post-mortem as the backend sends it', async () => {
      const view = { incidentId: 'inc-1', status: 'draft', version: 1, missingSections: [] };
      const { client } = setup(() => jsonResponse(view));
      await expect(client.getPostmortem('inc-1')).resolves.toEqual(view);
    });

    it('reads a 404 for the post-mortem as "none yet"', async () => {
      const { client } = setup(() =>
        jsonResponse(
          {
            error: { name: 'NotFoundError', message: 'Incident inc-1 has no post-mortem' },
            request: { method: 'GET', url: '/api/majorops/incidents/inc-1/postmortem' },
            response: { statusCode: 404 },
          },
          404,
          'Not Found',
        ),
      );
      await expect(client.getPostmortem('inc-1')).resolves.toBeUndefined();
    });

    it('still throws other errors of the post-mortem', async () => {
      const { client } = setup(() =>
        jsonResponse(
          {
            error: { name: 'NotAllowedError', message: 'not allowed' },
            request: { method: 'GET', url: '/x' },
            response: { statusCode: 403 },
          },
          403,
          'Forbidden',
        ),
      );
      const error = await client.getPostmortem('inc-1').catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(403);
    });

    it('throws the 409 of a stale save with the backend message', async () => {
      const { client } = setup(() =>
        jsonResponse(
          {
            error: { name: 'ConflictError', message: 'The post-mortem was changed by someone else' },
            request: { method: 'PUT', url: '/x' },
            response: { statusCode: 409 },
          },
          409,
          'Conflict',
        ),
      );
      const error = await client.savePostmortem('inc-1', { version: 1 }).catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(409);
      expect(error.cause.message).toBe('The post-mortem was changed by someone else');
    });
  });

  describe('reputation', () => {
    const requests = (fetch: jest.Mock) =>
      fetch.mock.calls.map(([input, init]: [RequestInfo | URL, RequestInit | undefined]) => ({
        method: init?.method ?? 'GET',
        url: String(input),
        body: init?.body === undefined ? undefined : JSON.parse(String(init.body)),
      }));

    it.each<[string, (c: MajorOpsClient) => Promise<unknown>, string, string, unknown]>([
      [
        'getResponderReputation, encoding the user ref',
        c => c.getResponderReputation('user:default/jane.doe'),
        'GET',
        `${BASE}/responders/user%3Adefault%2Fjane.doe/reputation`,
        undefined,
      ],
      [
        'listLedger with limit and cursor',
        c => c.listLedger('user:default/jane', { limit: 20, cursor: 'c/2' }),
        'GET',
        `${BASE}/responders/user%3Adefault%2Fjane/ledger?limit=20&cursor=c%2F2`,
        undefined,
      ],
      ['getGroupRanking', c => c.getGroupRanking('group:default/team-a'), 'GET', `${BASE}/groups/group%3Adefault%2Fteam-a/ranking`, undefined],
      ['listPendingSurveys', c => c.listPendingSurveys(), 'GET', `${BASE}/surveys/pending`, undefined],
      [
        'answerSurvey',
        c => c.answerSurvey('s/1', { answers: { clearAndCalm: 8, helpedResolution: 9, primaryContact: 7 }, comment: 'Calm' }),
        'POST',
        `${BASE}/surveys/s%2F1/responses`,
        { answers: { clearAndCalm: 8, helpedResolution: 9, primaryContact: 7 }, comment: 'Calm' },
      ],
      [
        'recordTraining',
        c => c.recordTraining('user:default/jane', { kind: 'basic-training', issuer: 'Academy', completedAt: '2026-01-01T00:00:00.000Z' }),
        'POST',
        `${BASE}/responders/user%3Adefault%2Fjane/training`,
        { kind: 'basic-training', issuer: 'Academy', completedAt: '2026-01-01T00:00:00.000Z' },
      ],
      [
        'suspendResponder',
        c => c.suspendResponder('user:default/jane', { reason: 'Retraining', reviewAt: '2026-06-01T00:00:00.000Z' }),
        'PUT',
        `${BASE}/responders/user%3Adefault%2Fjane/suspension`,
        { reason: 'Retraining', reviewAt: '2026-06-01T00:00:00.000Z' },
      ],
      [
        'liftSuspension',
        c => c.liftSuspension('user:default/jane', { note: 'Review passed' }),
        'DELETE',
        `${BASE}/responders/user%3Adefault%2Fjane/suspension`,
        { note: 'Review passed' },
      ],
    ])('%s', async (_what, call, method, url, body) => {
      const { client, fetch } = setup(() => jsonResponse({}));
      await call(client);
      expect(requests(fetch)).toEqual([{ method, url, body }]);
    });

    it('accepts an answered survey without a body (204)', async () => {
      const { client } = setup(() => new Response(null, { status: 204 }));
      await expect(
        client.answerSurvey('s-1', { answers: { clearAndCalm: 8, helpedResolution: 9, primaryContact: 7 } }),
      ).resolves.toBeUndefined();
    });

    it('returns the reputation view as the backend sends it', async () => {
      const body = { userRef: 'user:default/jane', reputation: { score: 700 } };
      const { client } = setup(() => jsonResponse(body));
      await expect(client.getResponderReputation('user:default/jane')).resolves.toEqual(body);
    });

    it('throws the 403 of someone else\'s reputation as a ResponseError', async () => {
      const { client } = setup(() =>
        jsonResponse({ error: { name: 'NotAllowedError', message: 'not yours' } }, 403, 'Forbidden'),
      );
      const error = await client.getResponderReputation('user:default/ada').catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.response.status).toBe(403);
    });
  });

  describe('errors', () => {
    const backendError = {
      error: { name: 'InputError', message: 'Invalid incident query: unknown status "done"' },
      request: { method: 'GET', url: '/api/majorops/incidents?status=done' },
      response: { statusCode: 400 },
    };

    it('throws a ResponseError carrying the backend message', async () => {
      const { client } = setup(() => jsonResponse(backendError, 400, 'Bad Request'));
      const error = await client.listIncidents({ status: ['open'] }).then(
        () => undefined,
        e => e,
      );
      expect(error).toBeInstanceOf(ResponseError);
      expect(error).toMatchObject({
        name: 'ResponseError',
        message: 'Request failed with 400 Bad Request',
        statusCode: 400,
        cause: { name: 'InputError', message: 'Invalid incident query: unknown status "done"' },
        body: backendError,
      });
    });

    it.each<[number, string, { name: string; message: string }]>([
      [403, 'Forbidden', { name: 'NotAllowedError', message: 'not allowed to read incidents' }],
      [404, 'Not Found', { name: 'NotFoundError', message: 'No incident with id inc-9' }],
      [409, 'Conflict', { name: 'ConflictError', message: 'version mismatch' }],
      [500, 'Internal Server Error', { name: 'Error', message: 'boom' }],
    ])('maps a %i to a ResponseError with the backend error', async (status, statusText, err) => {
      const { client } = setup(() =>
        jsonResponse({ error: err, request: { method: 'GET', url: '/x' }, response: { statusCode: status } }, status, statusText),
      );
      const error = await client.getIncident('inc-9').catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(status);
      expect(error.message).toBe(`Request failed with ${status} ${statusText}`);
      expect(error.cause).toMatchObject(err);
    });

    it('still throws a ResponseError when the body is not JSON', async () => {
      const { client } = setup(
        () => new Response('upstream gone', { status: 502, statusText: 'Bad Gateway', headers: { 'content-type': 'text/plain' } }),
      );
      const error = await client.getSeverityMatrix().catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(502);
      expect(error.cause.message).toContain('upstream gone');
    });

    it('propagates a network failure as is', async () => {
      const { client, fetch } = setup();
      fetch.mockRejectedValueOnce(new TypeError('Failed to fetch'));
      await expect(client.listIncidents({})).rejects.toThrow('Failed to fetch');
    });
  });
});
