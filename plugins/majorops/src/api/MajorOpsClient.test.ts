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
      [
        'getReputation, encoding the user ref',
        c => c.getReputation('user:default/jane.doe'),
        `${BASE}/responders/user%3Adefault%2Fjane.doe/reputation`,
      ],
    ])('%s', async (_what, call, url) => {
      const { client, urls } = setup(() => jsonResponse({}));
      await call(client);
      expect(urls()).toEqual([url]);
    });

    it('returns the body of getReputation', async () => {
      const body = {
        participation: { userRef: 'user:default/jane', incidents: 3, rolesHeld: { scribe: 3 } },
      };
      const { client } = setup(() => jsonResponse(body));
      await expect(client.getReputation('user:default/jane')).resolves.toEqual(body);
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
