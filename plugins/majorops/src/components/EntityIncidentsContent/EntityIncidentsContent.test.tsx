import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { EntityProvider, entityRouteRef } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import type { FollowThroughMetrics, Incident, IncidentStatus, Page, Severity } from '@majorops/plugin-majorops-common';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { ListIncidentsRequest, MajorOpsApi, majorOpsApiRef } from '../../api';
import { EntityIncidentsContent } from './EntityIncidentsContent';
import { mockMajorOpsApi } from '../../testing/mockMajorOpsApi';
import { computeIncidentMetrics } from '@majorops/plugin-majorops-common';
import { rootRouteRef } from '../../routes';


// Rendering the tables is slow on a loaded 2-core machine.
jest.setTimeout(20_000);
const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout-api', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/team-a', lifecycle: 'production' },
};

const group: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-a', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

let nextId = 1;
function incident(
  title: string,
  severity: Severity,
  status: IncidentStatus,
  opts: { commander?: string; externalCause?: boolean } = {},
): Incident {
  const id = `inc-${nextId++}`;
  const declaredAt = '2026-03-01T10:00:00.000Z';
  const resolved = status === 'resolved' || status === 'closed';
  return {
    id,
    title,
    summary: `${title} summary`,
    severity,
    status,
    tags: [],
    externalCause: opts.externalCause ?? false,
    customerReported: false,
    payingCustomer: false,
    dataIntegrityConcern: false,
    source: 'majorops',
    entities: [{ entityRef: 'component:default/checkout-api', ownerRef: 'group:default/team-a' }],
    roles: opts.commander
      ? [
          {
            role: 'incident-commander',
            userRef: opts.commander,
            assignedBy: 'user:default/admin',
            assignedAt: declaredAt,
          },
          {
            role: 'scribe',
            userRef: 'user:default/not-the-commander',
            assignedBy: 'user:default/admin',
            assignedAt: declaredAt,
          },
        ]
      : [],
    milestones: {
      declaredAt,
      impactStartedAt: '2026-03-01T09:48:00.000Z',
      resolvedAt: resolved ? '2026-03-01T11:00:00.000Z' : undefined,
    },
    createdBy: 'user:default/admin',
    createdAt: declaredAt,
    updatedAt: declaredAt,
    version: 1,
  };
}

function isHistoryRequest(r: ListIncidentsRequest) {
  return r.status?.includes('resolved') ?? false;
}

const emptyIncidentMetrics = computeIncidentMetrics([]).all;
const emptyMetrics = {
  scope: {},
  internal: emptyIncidentMetrics,
  external: emptyIncidentMetrics,
  all: emptyIncidentMetrics,
};

const emptyFollowThrough: FollowThroughMetrics = {
  scope: {},
  postmortems: { required: 0, metDeadline: 0, late: 0, overdue: 0, due: 0 },
  actionItems: { judged: 0, doneOnTime: 0, doneLate: 0, overdue: 0, open: 0 },
  repeats: { incidents: 0, repeats: 0 },
  runbooks: { total: 0, stale: 0, neverTested: 0 },
  postmortemDeadlineHours: 48,
};

/** A MajorOpsApi whose listIncidents answers from the given open list and history pages. */
function fakeApi(options: {
  open?: Incident[];
  history?: Array<Page<Incident>>;
  listIncidents?: MajorOpsApi['listIncidents'];
}) {
  const historyPages = options.history ?? [{ items: [] }];
  const api = mockMajorOpsApi({
    getMetrics: async () => emptyMetrics,
    getFollowThrough: async () => emptyFollowThrough,
    listOverduePostmortems: async () => ({ items: [] }),
    findActionItems: async () => ({ items: [] }),
    listIncidents:
      options.listIncidents ??
      (async (r: ListIncidentsRequest) => {
        if (!isHistoryRequest(r)) return { items: options.open ?? [] };
        const index = r.cursor ? Number(r.cursor.replace('page-', '')) : 0;
        return historyPages[index];
      }),
  });
  return api;
}

async function render(api: MajorOpsApi, entity: Entity = component) {
  return renderInTestApp(
    <TestApiProvider apis={[[majorOpsApiRef, api]]}>
      <EntityProvider entity={entity}>
        <EntityIncidentsContent />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef, '/majorops': rootRouteRef } },
  );
}

async function findTitle(text: string) {
  return screen.findByText(text);
}

function rowOf(text: string) {
  const row = screen.getByText(text).closest('tr');
  if (!row) throw new Error(`no table row with ${text}`);
  return within(row);
}

describe('EntityIncidentsContent', () => {
  it('filters the history by severity on the server, and back to all severities', async () => {
    const sev1 = incident('Database down', 'SEV1', 'closed');
    const sev3 = incident('Slow search', 'SEV3', 'resolved');
    const api = fakeApi({
      listIncidents: async r => {
        if (!isHistoryRequest(r)) return { items: [] };
        if (r.severity?.length === 1 && r.severity[0] === 'SEV1') return { items: [sev1] };
        if (r.severity?.length === 1) return { items: [] };
        return { items: [sev1, sev3] };
      },
    });
    await render(api);
    expect(await screen.findByText('Slow search')).toBeInTheDocument();
    const filter = screen.getByLabelText('Severity');

    await userEvent.selectOptions(filter, 'SEV1');
    await waitFor(() => expect(screen.queryByText('Slow search')).not.toBeInTheDocument());
    expect(screen.getByText('Database down')).toBeInTheDocument();
    expect(api.listIncidents).toHaveBeenLastCalledWith(
      expect.objectContaining({ severity: ['SEV1'], status: ['resolved', 'closed'] }),
    );

    await userEvent.selectOptions(filter, 'SEV4');
    expect(await screen.findByText('No resolved SEV4 incidents.')).toBeInTheDocument();

    await userEvent.selectOptions(filter, 'all');
    expect(await screen.findByText('Slow search')).toBeInTheDocument();
    expect(api.listIncidents).toHaveBeenLastCalledWith(expect.objectContaining({ severity: undefined }));
  });

  it('shows when the next status update of each open incident is due, and flags overdue ones', async () => {
    const overdue = incident('Checkout returns 500', 'SEV1', 'investigating');
    const onTime = incident('Slow cart page', 'SEV3', 'monitoring');
    const api = fakeApi({ open: [overdue, onTime] });
    api.getInsights.mockImplementation(async id => ({
      cadence: {
        nextDueAt: new Date(Date.now() + (id === overdue.id ? -7 : 42) * 60_000).toISOString(),
      },
    }) as any);
    await render(api);
    await findTitle('Checkout returns 500');
    expect(rowOf('Checkout returns 500').getByText('overdue 7 min')).toBeInTheDocument();
    expect(rowOf('Slow cart page').getByText('in 42 min')).toBeInTheDocument();
  });

  it('shows open incidents and history with severity, status and commander', async () => {
    const api = fakeApi({
      open: [
        incident('Checkout returns 500', 'SEV1', 'investigating', { commander: 'user:default/jane' }),
        incident('Slow cart page', 'SEV3', 'monitoring'),
      ],
      history: [
        {
          items: [
            incident('Payments provider outage', 'SEV2', 'resolved', {
              commander: 'user:default/bob',
              externalCause: true,
            }),
            incident('Broken footer link', 'SEV4', 'closed', { commander: 'user:default/carol' }),
          ],
        },
      ],
    });
    await render(api);

    expect(await screen.findByText('Open incidents (2)')).toBeInTheDocument();
    expect(screen.getByText('Incident history')).toBeInTheDocument();

    const sev1 = rowOf('Checkout returns 500');
    expect(sev1.getByTestId('severity-SEV1')).toHaveTextContent('SEV1');
    expect(sev1.getByText('investigating')).toBeInTheDocument();
    expect(sev1.getByText('jane')).toBeInTheDocument();
    expect(sev1.queryByText('not-the-commander')).not.toBeInTheDocument();

    const sev3 = rowOf('Slow cart page');
    expect(sev3.getByTestId('severity-SEV3')).toHaveTextContent('SEV3');
    expect(sev3.getByText('unassigned')).toBeInTheDocument();

    const past = rowOf('Payments provider outage');
    expect(past.getByTestId('severity-SEV2')).toHaveTextContent('SEV2');
    expect(past.getByText('resolved')).toBeInTheDocument();
    expect(past.getByText('bob')).toBeInTheDocument();
    // impact started 09:48, resolved 11:00
    expect(past.getByText('1 h 12 min')).toBeInTheDocument();
    expect(past.getByText('third party')).toBeInTheDocument();

    const closed = rowOf('Broken footer link');
    expect(closed.getByTestId('severity-SEV4')).toHaveTextContent('SEV4');
    expect(closed.getByText('carol')).toBeInTheDocument();
    expect(closed.getByText('internal')).toBeInTheDocument();

    expect(screen.queryByRole('button', { name: 'Load older incidents' })).not.toBeInTheDocument();
  });

  it.each<[string, Entity, ListIncidentsRequest]>([
    ['a Component by entityRef', component, { entityRef: 'component:default/checkout-api' }],
    ['a Group by groupRef', group, { groupRef: 'group:default/team-a' }],
  ])('asks for %s, open and resolved/closed', async (_what, entity, scope) => {
    const api = fakeApi({});
    await render(api, entity);
    await screen.findByText('No incidents recorded');

    expect(api.listIncidents).toHaveBeenCalledTimes(2);
    expect(api.listIncidents).toHaveBeenCalledWith({ ...scope, status: ['open'], limit: 100 });
    expect(api.listIncidents).toHaveBeenCalledWith({ ...scope, status: ['resolved', 'closed'], limit: 20 });
    for (const [request] of api.listIncidents.mock.calls) {
      expect(Object.keys(request)).not.toContain(scope.entityRef ? 'groupRef' : 'entityRef');
    }
  });

  it.each<[string, Entity, RegExp]>([
    ['component', component, /no incident touching component:default\/checkout-api\. /],
    ['group', group, /no incident touching group:default\/team-a or anything the group owns\./],
  ])('shows the empty state for a %s when both lists are empty', async (_what, entity, description) => {
    await render(fakeApi({}), entity);
    expect(await screen.findByText('No incidents recorded')).toBeInTheDocument();
    expect(screen.getByText(description)).toBeInTheDocument();
    expect(screen.queryByText(/Open incidents/)).not.toBeInTheDocument();
  });

  it('shows the overdue follow-ups above the history and the follow-through figures for the same scope', async () => {
    const api = fakeApi({ history: [{ items: [incident('Old outage', 'SEV2', 'closed')] }] });
    api.getFollowThrough.mockResolvedValue({
      ...emptyFollowThrough,
      actionItems: { judged: 4, doneOnTime: 3, doneLate: 0, overdue: 1, open: 2, onTimePercent: 75 },
    });
    await render(api, group);
    expect(await screen.findByText('Overdue follow-ups')).toBeInTheDocument();
    expect(await screen.findByText('No action item is past its due date.')).toBeInTheDocument();
    expect(await screen.findByTestId('follow-through-action-items')).toHaveTextContent('75%');
    expect(screen.getByTestId('follow-through-postmortems')).toHaveTextContent('–');
    const overdue = screen.getByText('Overdue follow-ups');
    const history = screen.getByText('Incident history');
    expect(overdue.compareDocumentPosition(history) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    for (const method of [api.getFollowThrough, api.listOverduePostmortems, api.findActionItems]) {
      expect(method).toHaveBeenCalledWith(expect.objectContaining({ groupRef: 'group:default/team-a' }));
    }
  });

  it('shows "All quiet" when nothing is open but there is history', async () => {
    await render(fakeApi({ history: [{ items: [incident('Old outage', 'SEV2', 'closed')] }] }));
    expect(await screen.findByText('Open incidents (0)')).toBeInTheDocument();
    expect(screen.getByText('No open incidents. All quiet.')).toBeInTheDocument();
    expect(screen.getByText('Old outage')).toBeInTheDocument();
    expect(screen.queryByText('No incidents recorded')).not.toBeInTheDocument();
  });

  it('shows the resolved-history empty text when only open incidents exist', async () => {
    await render(fakeApi({ open: [incident('Live one', 'SEV2', 'declared')] }));
    expect(await screen.findByText('Open incidents (1)')).toBeInTheDocument();
    expect(screen.getByText('No resolved incidents yet.')).toBeInTheDocument();
  });

  it('shows an error panel when the API rejects', async () => {
    const api = fakeApi({
      listIncidents: async () => {
        throw new Error('MajorOps backend unreachable');
      },
    });
    await render(api);
    expect(await screen.findByText('Error: MajorOps backend unreachable')).toBeInTheDocument();
    expect(screen.queryByText('No incidents recorded')).not.toBeInTheDocument();
    expect(screen.queryByText(/Open incidents/)).not.toBeInTheDocument();
  });

  it('shows an error panel when only the history request fails', async () => {
    const api = fakeApi({
      listIncidents: async r => {
        if (isHistoryRequest(r)) throw new Error('history is broken');
        return { items: [incident('Live one', 'SEV1', 'declared')] };
      },
    });
    await render(api);
    expect(await screen.findByText('Error: history is broken')).toBeInTheDocument();
    expect(screen.queryByText('Live one')).not.toBeInTheDocument();
  });

  it('shows the backend message of a ResponseError', async () => {
    const response = new Response(
      JSON.stringify({
        error: { name: 'NotAllowedError', message: 'You may not read incidents' },
        request: { method: 'GET', url: '/api/majorops/incidents' },
        response: { statusCode: 403 },
      }),
      { status: 403, statusText: 'Forbidden', headers: { 'content-type': 'application/json' } },
    );
    const error = await ResponseError.fromResponse(response);
    await render(fakeApi({ listIncidents: () => Promise.reject(error) }));
    expect((await screen.findAllByText(/You may not read incidents/)).length).toBeGreaterThan(0);
  });

  it('"Load older incidents" fetches the next page with the cursor and appends rows', async () => {
    const api = fakeApi({
      open: [],
      history: [
        { items: [incident('First page A', 'SEV2', 'closed'), incident('First page B', 'SEV3', 'closed')], nextCursor: 'page-1' },
        { items: [incident('Second page A', 'SEV1', 'resolved')], nextCursor: 'page-2' },
        { items: [incident('Third page A', 'SEV4', 'closed')] },
      ],
    });
    await render(api, group);
    expect(await screen.findByText('First page A')).toBeInTheDocument();
    expect(screen.queryByText('Second page A')).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Load older incidents' }));
    expect(await screen.findByText('Second page A')).toBeInTheDocument();
    expect(api.listIncidents).toHaveBeenLastCalledWith({
      groupRef: 'group:default/team-a',
      status: ['resolved', 'closed'],
      limit: 20,
      cursor: 'page-1',
    });
    // rows are appended, not replaced
    expect(screen.getByText('First page A')).toBeInTheDocument();
    expect(screen.getByText('First page B')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Load older incidents' }));
    expect(await screen.findByText('Third page A')).toBeInTheDocument();
    expect(api.listIncidents).toHaveBeenLastCalledWith(expect.objectContaining({ cursor: 'page-2' }));
    expect(api.listIncidents).toHaveBeenCalledTimes(4);

    // the last page has no cursor: the button goes away
    await waitFor(() =>
      expect(screen.queryByRole('button', { name: 'Load older incidents' })).not.toBeInTheDocument(),
    );
    const titles = ['First page A', 'First page B', 'Second page A', 'Third page A'];
    const rows = screen.getAllByRole('row').map(r => r.textContent ?? '');
    const order = titles.map(t => rows.findIndex(text => text.includes(t)));
    expect(order.every(i => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('keeps the rows and shows an error when loading an older page fails', async () => {
    const api = fakeApi({
      listIncidents: async r => {
        if (!isHistoryRequest(r)) return { items: [] };
        if (r.cursor) throw new Error('page 2 is gone');
        return { items: [incident('Kept row', 'SEV2', 'closed')], nextCursor: 'page-1' };
      },
    });
    await render(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Load older incidents' }));
    expect(await screen.findByText('Error: page 2 is gone')).toBeInTheDocument();
    expect(screen.getByText('Kept row')).toBeInTheDocument();
    // the cursor is kept so the user can try again
    expect(screen.getByRole('button', { name: 'Load older incidents' })).toBeEnabled();
  });

  // The same component instance is reused when navigating between entity pages.
  it('does not append an older page of the previous entity after switching entity', async () => {
    let releaseOlderPage: (page: Page<Incident>) => void = () => {};
    const api = fakeApi({
      listIncidents: r => {
        if (!isHistoryRequest(r)) return Promise.resolve({ items: [] });
        if (r.groupRef) return Promise.resolve({ items: [incident('Team A outage', 'SEV2', 'closed')] });
        if (r.cursor) return new Promise(resolve => (releaseOlderPage = resolve));
        return Promise.resolve({ items: [incident('Checkout newest', 'SEV2', 'closed')], nextCursor: 'page-1' });
      },
    });
    function Switcher() {
      const [entity, setEntity] = useState(component);
      return (
        <>
          <button onClick={() => setEntity(group)}>switch entity</button>
          <EntityProvider entity={entity}>
            <EntityIncidentsContent />
          </EntityProvider>
        </>
      );
    }
    await renderInTestApp(
      <TestApiProvider apis={[[majorOpsApiRef, api]]}>
        <Switcher />
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef, '/majorops': rootRouteRef } },
    );
    await userEvent.click(await screen.findByRole('button', { name: 'Load older incidents' }));
    await userEvent.click(screen.getByRole('button', { name: 'switch entity' }));
    expect(await screen.findByText('Team A outage')).toBeInTheDocument();

    await act(async () => releaseOlderPage({ items: [incident('Checkout older', 'SEV3', 'closed')] }));
    expect(screen.getByText('Team A outage')).toBeInTheDocument();
    expect(screen.queryByText('Checkout older')).not.toBeInTheDocument();
  });
});
