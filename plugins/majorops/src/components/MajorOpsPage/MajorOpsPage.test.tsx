import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { DEFAULT_SEVERITY_MATRIX, PEER_FEEDBACK_QUESTIONS, type Incident } from '@majorops/plugin-majorops-common';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { MajorOpsApi, majorOpsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { mockMajorOpsApi } from '../../testing/mockMajorOpsApi';
import { MajorOpsPage } from './MajorOpsPage';

jest.setTimeout(20_000);

function incident(id: string, title: string): Incident {
  const declaredAt = new Date(Date.now() - 10 * 60_000).toISOString();
  return {
    id,
    title,
    summary: '',
    severity: 'SEV2',
    status: 'investigating',
    tags: [],
    externalCause: false,
    customerReported: false,
    payingCustomer: false,
    dataIntegrityConcern: false,
    source: 'majorops',
    entities: [{ entityRef: 'component:default/checkout-api' }],
    roles: [],
    milestones: { declaredAt },
    createdBy: 'user:default/jane',
    createdAt: declaredAt,
    updatedAt: declaredAt,
    version: 3,
  };
}

function fakeApi() {
  const incidents = [incident('inc-1', 'Checkout returns 500'), incident('inc-2', 'Login errors')];
  return mockMajorOpsApi({
    listIncidents: async () => ({ items: incidents }),
    getIncident: async id => incidents.find(i => i.id === id)!,
    getInsights: async () => ({
      severityLevel: DEFAULT_SEVERITY_MATRIX.SEV2,
      cadence: {
        nextDueAt: new Date(Date.now() + 20 * 60_000).toISOString(),
        overdue: false,
        minutesUntilDue: 20,
        windows: [],
        windowsOmitted: 0,
        missedWindows: 0,
        onTimeShare: undefined,
      },
      rootCause: { applies: false },
      hypotheses: [],
    }),
    listTimeline: async () => ({ items: [] }),
  });
}

/** The page mounted at /majorops, as the app mounts it. */
async function renderAt(path: string, api: MajorOpsApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[majorOpsApiRef, api], [catalogApiRef, catalogApiMock()]]}>
      <Routes>
        <Route path="/majorops/*" element={<MajorOpsPage />} />
      </Routes>
    </TestApiProvider>,
    {
      routeEntries: [path],
      mountedRoutes: { '/majorops': rootRouteRef, '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

describe('MajorOpsPage', () => {
  it('shows the open incidents at its root', async () => {
    const api = fakeApi();
    await renderAt('/majorops', api);
    expect(await screen.findByText('Open incidents (2)')).toBeInTheDocument();
    expect(api.getIncident).not.toHaveBeenCalled();
  });

  it('shows the incident named in the path under incidents/:incidentId', async () => {
    const api = fakeApi();
    await renderAt('/majorops/incidents/inc-2', api);
    expect(await screen.findByRole('heading', { name: 'Login errors', level: 1 })).toBeInTheDocument();
    expect(api.getIncident).toHaveBeenCalledWith('inc-2');
    expect(api.getInsights).toHaveBeenCalledWith('inc-2');
    expect(api.listTimeline).toHaveBeenCalledWith('inc-2', expect.anything());
    expect(api.listIncidents).not.toHaveBeenCalled();
  });

  it('decodes an encoded incident id from the path', async () => {
    const api = fakeApi();
    api.getIncident.mockImplementation(async id => incident(id, 'Imported from PagerDuty'));
    await renderAt('/majorops/incidents/pd%2FP12', api);
    expect(await screen.findByRole('heading', { name: 'Imported from PagerDuty', level: 1 })).toBeInTheDocument();
    expect(api.getIncident).toHaveBeenCalledWith('pd/P12');
  });

  it('opens an incident from the list', async () => {
    const api = fakeApi();
    await renderAt('/majorops', api);
    await userEvent.click(await screen.findByRole('link', { name: 'Checkout returns 500' }));
    expect(await screen.findByRole('heading', { name: 'Checkout returns 500', level: 1 })).toBeInTheDocument();
    expect(api.getIncident).toHaveBeenCalledWith('inc-1');
  });

  it('links from the header to the surveys page, and from the incident with a survey about it', async () => {
    const api = fakeApi();
    const pending = {
      id: 's-1',
      incidentId: 'inc-2',
      incidentTitle: 'Login errors',
      severity: 'SEV1' as const,
      subjectRef: 'user:default/ada',
      subjectRoles: ['scribe' as const],
      questions: PEER_FEEDBACK_QUESTIONS.map(q => ({ id: q.id, text: q.text })),
      createdAt: new Date().toISOString(),
      closesAt: new Date(Date.now() + 7 * 24 * 3600_000).toISOString(),
    };
    api.listPendingSurveys.mockImplementation(async () => ({ items: [pending] }));
    await renderAt('/majorops', api);
    await userEvent.click(await screen.findByRole('link', { name: '1 survey waiting' }));
    expect(await screen.findByRole('heading', { name: 'Peer feedback surveys', level: 1 })).toBeInTheDocument();
    expect(await screen.findByRole('form', { name: 'Survey about ada on Login errors' })).toBeInTheDocument();

    await userEvent.click(screen.getByRole('link', { name: 'Login errors' }));
    expect(await screen.findByRole('heading', { name: 'Login errors', level: 1 })).toBeInTheDocument();
    expect(
      await screen.findByRole('link', { name: 'Rate your colleagues on this incident (1 survey waiting)' }),
    ).toHaveAttribute('href', '/majorops/surveys');
  });
});
