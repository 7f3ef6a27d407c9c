import { ResponseError } from '@backstage/errors';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { repeatCallout, type RepeatLink, type RepeatsView } from '@majorops/plugin-majorops-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { majorOpsApiRef } from '../../api';
import { mockMajorOpsApi } from '../../testing/mockMajorOpsApi';
import { RepeatsCard } from './RepeatsCard';

jest.setTimeout(20_000);

function link(overrides: Partial<RepeatLink> = {}): RepeatsView['links'][number] {
  const base: RepeatLink = {
    incidentId: 'inc-5',
    earlierIncidentId: 'inc-2',
    earlierTitle: 'Connection pool exhausted',
    earlierDeclaredAt: '2026-01-10T10:00:00.000Z',
    failureMode: 'connection-pool-exhaustion',
    linkedBy: 'user:default/alice',
    linkedAt: '2026-03-01T10:00:00.000Z',
    earlierActionItems: { total: 3, done: 1, open: 2 },
    ...overrides,
  };
  return { ...base, callout: repeatCallout(base) };
}

const candidate: RepeatsView['candidates'][number] = {
  incidentId: 'inc-3',
  title: 'Checkout timeouts',
  declaredAt: '2026-02-01T10:00:00.000Z',
  sharedEntityRefs: ['component:default/checkout-api'],
  sharedFailureModes: ['config-deploy', 'bad-rollout'],
  explanation: 'Same failure mode (config-deploy, bad-rollout) on component:default/checkout-api.',
};

async function render(api: ReturnType<typeof mockMajorOpsApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[majorOpsApiRef, api]]}>
      <Routes>
        <Route path="/majorops/incidents/:incidentId" element={<RepeatsCard incidentId="inc-5" />} />
      </Routes>
    </TestApiProvider>,
    {
      routeEntries: ['/majorops/incidents/inc-5'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

describe('RepeatsCard', () => {
  it('shows a linked earlier incident with its failure mode and the call-out as a warning', async () => {
    const api = mockMajorOpsApi({ getRepeats: async () => ({ links: [link()], candidates: [] }) });
    await render(api);

    const row = within(await screen.findByTestId('repeat-link-inc-2'));
    expect(row.getByText('Connection pool exhausted').closest('a')).toHaveAttribute('href', '/majorops/incidents/inc-2');
    expect(row.getByText('connection-pool-exhaustion')).toBeInTheDocument();
    expect(row.getByText(/1 of 3 done, 2 open/)).toBeInTheDocument();
    const alert = row.getByRole('alert');
    expect(alert).toHaveTextContent(
      '"connection-pool-exhaustion" recurred while 2 of 3 action items from "Connection pool exhausted" are still open.',
    );
    expect(alert.className).toMatch(/Warning/i);
    expect(api.getRepeats).toHaveBeenCalledWith('inc-5');
  });

  it('shows no call-out when the link has none', async () => {
    const api = mockMajorOpsApi({
      getRepeats: async () => ({ links: [link({ earlierActionItems: { total: 0, done: 0, open: 0 } })], candidates: [] }),
    });
    await render(api);
    const row = within(await screen.findByTestId('repeat-link-inc-2'));
    expect(row.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('links a candidate with the shared failure mode prefilled, or the one the user typed', async () => {
    const linked: RepeatsView = {
      links: [link({ earlierIncidentId: 'inc-3', earlierTitle: 'Checkout timeouts', failureMode: 'bad-rollout' })],
      candidates: [],
    };
    const api = mockMajorOpsApi({
      getRepeats: async () => ({ links: [], candidates: [candidate] }),
      linkRepeat: async () => linked,
    });
    await render(api);

    const row = within(await screen.findByTestId('repeat-candidate-inc-3'));
    expect(row.getByText(candidate.explanation)).toBeInTheDocument();
    const field = row.getByLabelText('Failure mode');
    expect(field).toHaveValue('config-deploy');
    expect(row.getByText('Shared: config-deploy, bad-rollout')).toBeInTheDocument();

    await userEvent.clear(field);
    expect(row.getByRole('button', { name: 'Link as repeat' })).toBeDisabled();
    await userEvent.type(field, ' bad-rollout ');
    await userEvent.click(row.getByRole('button', { name: 'Link as repeat' }));

    expect(api.linkRepeat).toHaveBeenCalledWith('inc-5', { earlierIncidentId: 'inc-3', failureMode: 'bad-rollout' });
    expect(await screen.findByTestId('repeat-link-inc-3')).toHaveTextContent('bad-rollout');
    expect(screen.queryByTestId('repeat-candidate-inc-3')).not.toBeInTheDocument();
  });

  it('unlinks an earlier incident and shows what the server answers', async () => {
    const api = mockMajorOpsApi({
      getRepeats: async () => ({ links: [link()], candidates: [] }),
      unlinkRepeat: async () => ({ links: [], candidates: [] }),
    });
    await render(api);
    const row = within(await screen.findByTestId('repeat-link-inc-2'));
    await userEvent.click(row.getByRole('button', { name: 'Unlink' }));
    expect(api.unlinkRepeat).toHaveBeenCalledWith('inc-5', 'inc-2');
    expect(await screen.findByText('No earlier incident with the same failure mode on these entities.')).toBeInTheDocument();
  });

  it('shows the backend message when linking is refused', async () => {
    const response = new Response(
      JSON.stringify({
        error: { name: 'InputError', message: 'a failure mode is letters, digits, spaces and - _ . /' },
        request: { method: 'POST', url: '/api/majorops/incidents/inc-5/repeats' },
        response: { statusCode: 400 },
      }),
      { status: 400, statusText: 'Bad Request', headers: { 'content-type': 'application/json' } },
    );
    const error = await ResponseError.fromResponse(response);
    const api = mockMajorOpsApi({
      getRepeats: async () => ({ links: [], candidates: [candidate] }),
      linkRepeat: () => Promise.reject(error),
    });
    await render(api);
    const row = within(await screen.findByTestId('repeat-candidate-inc-3'));
    await userEvent.click(row.getByRole('button', { name: 'Link as repeat' }));
    expect(await screen.findByText('a failure mode is letters, digits, spaces and - _ . /')).toBeInTheDocument();
    // the candidate stays, to try again
    expect(screen.getByTestId('repeat-candidate-inc-3')).toBeInTheDocument();
  });
});
