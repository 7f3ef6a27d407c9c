import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import type { Incident, IncidentStatus, Severity } from '@majorops/plugin-majorops-common';
import { screen, within } from '@testing-library/react';
import { MajorOpsApi, majorOpsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { mockMajorOpsApi } from '../../testing/mockMajorOpsApi';
import { OpenIncidentsPage } from './OpenIncidentsPage';

jest.setTimeout(20_000);

function incident(id: string, title: string, severity: Severity, status: IncidentStatus = 'investigating'): Incident {
  const declaredAt = new Date(Date.now() - 25 * 60_000).toISOString();
  return {
    id,
    title,
    summary: '',
    severity,
    status,
    tags: [],
    externalCause: false,
    customerReported: false,
    payingCustomer: false,
    dataIntegrityConcern: false,
    source: 'majorops',
    entities: [
      { entityRef: `component:default/${id}-api`, ownerRef: 'group:default/team-a' },
      { entityRef: 'resource:default/shared-db' },
    ],
    roles: [],
    milestones: { declaredAt },
    createdBy: 'user:default/jane',
    createdAt: declaredAt,
    updatedAt: declaredAt,
    version: 1,
  };
}

async function renderPage(api: MajorOpsApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[majorOpsApiRef, api]]}>
      <OpenIncidentsPage />
    </TestApiProvider>,
    { mountedRoutes: { '/majorops': rootRouteRef, '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('OpenIncidentsPage', () => {
  it('asks for every open incident', async () => {
    const api = mockMajorOpsApi({ listIncidents: async () => ({ items: [] }) });
    await renderPage(api);
    await screen.findByText('Open incidents (0)');
    expect(api.listIncidents).toHaveBeenCalledTimes(1);
    expect(api.listIncidents).toHaveBeenCalledWith(expect.objectContaining({ status: ['open'] }));
    const [request] = api.listIncidents.mock.calls[0];
    expect(Object.keys(request).sort()).toEqual(['limit', 'status']);
  });

  it('lists open incidents most severe first, linking each title to its page', async () => {
    const api = mockMajorOpsApi({
      listIncidents: async () => ({
        items: [
          incident('inc-3', 'Typo in footer', 'SEV4', 'declared'),
          incident('inc-1', 'Slow search', 'SEV3', 'monitoring'),
          incident('inc-7', 'Checkout down', 'SEV1', 'identified'),
          incident('inc-2', 'Login errors', 'SEV2', 'mitigating'),
        ],
      }),
    });
    await renderPage(api);
    expect(await screen.findByText('Open incidents (4)')).toBeInTheDocument();

    const titles = ['Checkout down', 'Login errors', 'Slow search', 'Typo in footer'];
    const rows = screen.getAllByRole('row').filter(r => titles.some(t => r.textContent?.includes(t)));
    expect(rows.map(r => titles.find(t => r.textContent!.includes(t)))).toEqual(titles);

    const first = within(rows[0]);
    expect(first.getByTestId('severity-SEV1')).toBeInTheDocument();
    expect(first.getByText('identified')).toBeInTheDocument();
    expect(first.getByText('25 min ago')).toBeInTheDocument();
    expect(first.getByRole('link', { name: 'Checkout down' })).toHaveAttribute('href', '/majorops/incidents/inc-7');
    expect(first.getByRole('link', { name: /inc-7-api/ })).toHaveAttribute(
      'href',
      '/catalog/default/component/inc-7-api',
    );
    expect(first.getByRole('link', { name: /shared-db/ })).toBeInTheDocument();

    expect(within(rows[3]).getByRole('link', { name: 'Typo in footer' })).toHaveAttribute(
      'href',
      '/majorops/incidents/inc-3',
    );
  });

  it('encodes incident ids in links', async () => {
    const api = mockMajorOpsApi({
      listIncidents: async () => ({ items: [incident('pd/P12 3', 'Imported from PagerDuty', 'SEV2')] }),
    });
    await renderPage(api);
    expect(await screen.findByRole('link', { name: 'Imported from PagerDuty' })).toHaveAttribute(
      'href',
      '/majorops/incidents/pd%2FP12%203',
    );
  });

  it('says when nothing is open', async () => {
    await renderPage(mockMajorOpsApi({ listIncidents: async () => ({ items: [] }) }));
    expect(await screen.findByText('No open incidents.')).toBeInTheDocument();
  });

  it('shows an error panel when the list cannot be loaded', async () => {
    await renderPage(mockMajorOpsApi({ listIncidents: () => Promise.reject(new Error('MajorOps backend unreachable')) }));
    expect((await screen.findAllByText(/MajorOps backend unreachable/)).length).toBeGreaterThan(0);
    expect(screen.queryByText(/Open incidents \(/)).not.toBeInTheDocument();
  });

  // Mounted at the app root, links must not start with "//" (another host).
  it('links to incidents correctly when MajorOps is mounted at the app root', async () => {
    const api = mockMajorOpsApi({ listIncidents: async () => ({ items: [incident('inc-1', 'Checkout down', 'SEV1')] }) });
    await renderInTestApp(
      <TestApiProvider apis={[[majorOpsApiRef, api]]}>
        <OpenIncidentsPage />
      </TestApiProvider>,
      { mountedRoutes: { '/': rootRouteRef, '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(await screen.findByRole('link', { name: 'Checkout down' })).toHaveAttribute('href', '/incidents/inc-1');
  });
});
