import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import type { Incident } from '@majorops/plugin-majorops-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MajorOpsApi, majorOpsApiRef } from '../../api';
import { mockMajorOpsApi } from '../../testing/mockMajorOpsApi';
import { notAllowedError } from '../../testing/notAllowedError';
import { SuggestionsCard } from './SuggestionsCard';
import { AMARA, JANE, redacted, suggestions } from './testFixtures';

jest.setTimeout(20_000);

const user = (name: string, displayName: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: { profile: { displayName }, memberOf: ['payments'] },
});

const catalogUsers = [user('jane', 'Jane Doe'), user('amara', 'Amara Okafor'), user('sofia', 'Sofia Rossi')];

const incident: Pick<Incident, 'id' | 'version' | 'roles'> = { id: 'inc-1', version: 7, roles: [] };

async function conflictError(): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'ConflictError', message: 'Incident inc-1 is at version 8, not 7' },
        request: { method: 'POST', url: '/api/majorops/incidents/inc-1/suggestions/accept' },
        response: { statusCode: 409 },
      }),
      { status: 409, statusText: 'Conflict', headers: { 'content-type': 'application/json' } },
    ),
  );
}

async function render(api: MajorOpsApi, props: Partial<Parameters<typeof SuggestionsCard>[0]> = {}) {
  const onChanged = jest.fn();
  await renderInTestApp(
    <TestApiProvider apis={[[majorOpsApiRef, api], [catalogApiRef, catalogApiMock({ entities: catalogUsers })]]}>
      <SuggestionsCard incident={incident} onChanged={onChanged} {...props} />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  await screen.findByTestId('suggestions');
  return { onChanged };
}

const commanders = () => within(screen.getByRole('region', { name: 'Suggested incident commanders' }));
const chief = () => within(screen.getByRole('region', { name: 'Suggested operations chief' }));

describe('SuggestionsCard', () => {
  it('shows the commander candidates by their catalog names, with level, score and the explanation', async () => {
    const api = mockMajorOpsApi({ getSuggestions: async () => suggestions() });
    await render(api);
    expect(api.getSuggestions).toHaveBeenCalledWith('inc-1');
    const first = within(await screen.findByTestId(`candidate-incident-commander-${JANE}`));
    expect(await first.findByRole('link', { name: 'Jane Doe' })).toHaveAttribute('href', '/catalog/default/user/jane');
    expect(first.getByText('#1')).toBeInTheDocument();
    expect(first.getByText('L5 Certified MIM')).toBeInTheDocument();
    expect(first.getByText('score 51.5')).toBeInTheDocument();
    expect(commanders().getByRole('link', { name: 'Amara Okafor' })).toBeInTheDocument();
    expect(chief().getByRole('link', { name: 'Amara Okafor' })).toBeInTheDocument();
    expect(screen.getByTestId('suggestions-explanation')).toHaveTextContent(/2 suggested incident commanders for this SEV1/);
    expect(screen.getByText(/never an assignment/)).toBeInTheDocument();
  });

  it('shows the reasons, the score breakdown and the track record only after "Why?"', async () => {
    await render(mockMajorOpsApi({ getSuggestions: async () => suggestions() }));
    const first = within(screen.getByTestId(`candidate-incident-commander-${JANE}`));
    expect(first.queryByText('Reputation 810 of 1000')).not.toBeInTheDocument();

    await userEvent.click(first.getByRole('button', { name: 'Why?' }));
    const why = within(first.getByTestId(`why-${JANE}`));
    const reasons = within(why.getByRole('list', { name: 'Reasons' }));
    expect(reasons.getAllByRole('listitem').map(li => li.textContent)).toEqual([
      'Reputation 810 of 1000',
      'Member of group:default/payments, which owns component:default/checkout-api',
      '2 incidents in the last week',
    ]);
    const breakdown = why.getByRole('table', { name: 'Score breakdown' });
    const rows = within(breakdown).getAllByRole('row').slice(1);
    // only the parts that moved the score, in the engine's order
    expect(rows.map(r => r.getAttribute('data-testid'))).toEqual(['breakdown-reputation', 'breakdown-ownership', 'breakdown-workload']);
    expect(rows[0]).toHaveTextContent('Reputation score0.8140+32.4Reputation 810 of 1000');
    expect(rows[2]).toHaveTextContent('Current incident workload0.220-42 incidents in the last week');
    expect(why.getByRole('list', { name: 'Track record' })).toHaveTextContent(
      'Orders DB pool exhausted (SEV1, Incident Commander, 2026-09-01, resolved without reopen or repeat)',
    );
    expect(why.queryByText(/Some numbers are hidden/)).not.toBeInTheDocument();

    await userEvent.click(first.getByRole('button', { name: 'Hide why' }));
    expect(first.queryByTestId(`why-${JANE}`)).not.toBeInTheDocument();
  });

  it('accepts a commander with the role, the person and the incident version, then reloads the incident', async () => {
    const api = mockMajorOpsApi({
      getSuggestions: async () => suggestions(),
      acceptSuggestion: async () => ({}) as Incident,
    });
    const { onChanged } = await render(api);
    await userEvent.click(await commanders().findByRole('button', { name: 'Accept Jane Doe as Incident Commander' }));
    await waitFor(() => expect(onChanged).toHaveBeenCalledTimes(1));
    expect(api.acceptSuggestion).toHaveBeenCalledWith('inc-1', {
      role: 'incident-commander',
      userRef: JANE,
      version: 7,
    });
    expect(await screen.findByText('Jane Doe is now Incident Commander.')).toBeInTheDocument();
  });

  it('accepts the operations chief', async () => {
    const api = mockMajorOpsApi({
      getSuggestions: async () => suggestions(),
      acceptSuggestion: async () => ({}) as Incident,
    });
    await render(api);
    await userEvent.click(await chief().findByRole('button', { name: 'Accept Amara Okafor as Operations Chief' }));
    await waitFor(() =>
      expect(api.acceptSuggestion).toHaveBeenCalledWith('inc-1', { role: 'operations-chief', userRef: AMARA, version: 7 }),
    );
  });

  it('says the incident was stale on a 409 and reloads it', async () => {
    const error = await conflictError();
    const api = mockMajorOpsApi({
      getSuggestions: async () => suggestions(),
      acceptSuggestion: () => Promise.reject(error),
    });
    const { onChanged } = await render(api);
    await userEvent.click(await commanders().findByRole('button', { name: 'Accept Jane Doe as Incident Commander' }));
    expect(await screen.findByTestId('suggestion-conflict')).toHaveTextContent(
      'The incident changed since you loaded it, so nothing was accepted.',
    );
    expect(onChanged).toHaveBeenCalledTimes(1);
    expect(screen.queryByText(/is now Incident Commander/)).not.toBeInTheDocument();
  });

  it('shows who holds the role instead of an Accept button', async () => {
    await render(mockMajorOpsApi({ getSuggestions: async () => suggestions() }), {
      incident: {
        ...incident,
        roles: [{ role: 'incident-commander', userRef: JANE, assignedBy: JANE, assignedAt: '2026-11-20T14:00:00.000Z' }],
      },
    });
    const first = within(screen.getByTestId(`candidate-incident-commander-${JANE}`));
    expect(first.getByText('Incident Commander now')).toBeInTheDocument();
    expect(first.queryByRole('button', { name: /^Accept/ })).not.toBeInTheDocument();
  });

  it('offers no Accept where accepting is not possible', async () => {
    await render(mockMajorOpsApi({ getSuggestions: async () => suggestions() }), { canAccept: false });
    expect(screen.queryByRole('button', { name: /^Accept/ })).not.toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: 'Why?' }).length).toBeGreaterThan(0);
  });

  it('renders suggestions whose numbers were redacted, with the reasons and without a score', async () => {
    await render(mockMajorOpsApi({ getSuggestions: async () => redacted(suggestions()) }));
    const first = within(screen.getByTestId(`candidate-incident-commander-${JANE}`));
    expect(first.getByText('Certified MIM')).toBeInTheDocument();
    expect(first.queryByText(/^score/)).not.toBeInTheDocument();
    await userEvent.click(first.getByRole('button', { name: 'Why?' }));
    const why = within(first.getByTestId(`why-${JANE}`));
    expect(why.getByTestId('breakdown-ownership')).toHaveTextContent(
      'Ownership of the affected entities———Member of group:default/payments, which owns component:default/checkout-api',
    );
    expect(why.getByText(/Some numbers are hidden/)).toBeInTheDocument();

    const expert = within(screen.getByTestId('expert-user:default/liam'));
    await userEvent.click(expert.getByRole('button', { name: 'Why?' }));
    expect(expert.getByText('Worked 3 database incidents in the last year, 2 as incident commander')).toBeInTheDocument();
    expect(expert.queryByText(/Weight of the track record/)).not.toBeInTheDocument();
  });

  it('flags experts per incident type, named by the suggestion when the catalog does not know them', async () => {
    await render(mockMajorOpsApi({ getSuggestions: async () => suggestions() }));
    const experts = within(screen.getByRole('region', { name: 'Experts' }));
    const database = within(experts.getByTestId('experts-type-database'));
    expect(database.getByText('Incident type: database')).toBeInTheDocument();
    expect(database.getByRole('link', { name: 'Liam from the suggestion' })).toBeInTheDocument();
    expect(database.getByText('3 past incidents')).toBeInTheDocument();
    // a topic without experts is left out
    expect(experts.queryByTestId('experts-tech-kafka')).not.toBeInTheDocument();
    await userEvent.click(database.getByRole('button', { name: 'Why?' }));
    expect(database.getByText('Weight of the track record (recency and outcome): 1.75')).toBeInTheDocument();
  });

  it('explains who is left out, and why, behind the "Not suggested" expander', async () => {
    await render(mockMajorOpsApi({ getSuggestions: async () => suggestions() }));
    expect(screen.queryByText(/Suspended pending a retraining review/)).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /Not suggested \(2\)/ }));
    const sofia = within(await screen.findByTestId('excluded-user:default/sofia'));
    expect(await sofia.findByRole('link', { name: 'Sofia Rossi' })).toBeInTheDocument();
    expect(sofia.getByText('Not as Incident Commander: Suspended pending a retraining review.')).toBeInTheDocument();
    expect(sofia.getByText('Not as Operations Chief: Suspended pending a retraining review.')).toBeInTheDocument();
    expect(within(screen.getByTestId('excluded-user:default/liam')).getByText(
      'Not as Incident Commander: Level 3 (Senior Responder) is not cleared to command a SEV1; level 5 is.',
    )).toBeInTheDocument();
  });

  it('counts the people left out without listing them when the backend summarises them', async () => {
    const summarised = {
      ...suggestions(),
      excludedSummary: [{ slot: 'incident-commander' as const, reasons: ['Not yet levelled.'], count: 40 }],
    };
    await render(mockMajorOpsApi({ getSuggestions: async () => summarised }));
    await userEvent.click(screen.getByRole('button', { name: /Not suggested \(2 and more\)/ }));
    expect(await screen.findByTestId('excluded-counted')).toHaveTextContent('40 others not as Incident Commander: Not yet levelled.');
  });

  it('says kindly that suggestions may not be seen on a 403', async () => {
    const error = await notAllowedError('Not allowed to read suggestions');
    await renderInTestApp(
      <TestApiProvider apis={[[majorOpsApiRef, mockMajorOpsApi({ getSuggestions: () => Promise.reject(error) })]]}>
        <SuggestionsCard incident={incident} />
      </TestApiProvider>,
    );
    expect(await screen.findByText('Suggestions are not yours to see')).toBeInTheDocument();
  });
});
