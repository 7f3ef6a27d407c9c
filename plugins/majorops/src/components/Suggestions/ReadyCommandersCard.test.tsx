import { Entity } from '@backstage/catalog-model';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MajorOpsApi, majorOpsApiRef } from '../../api';
import { mockMajorOpsApi } from '../../testing/mockMajorOpsApi';
import { notAllowedError } from '../../testing/notAllowedError';
import { ReadyCommandersCard } from './ReadyCommandersCard';
import { AMARA, JANE, candidate, redacted, suggestions } from './testFixtures';

jest.setTimeout(20_000);

const jane: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'jane', namespace: 'default' },
  spec: { profile: { displayName: 'Jane Doe' } },
};

async function render(api: MajorOpsApi) {
  await renderInTestApp(
    <TestApiProvider apis={[[majorOpsApiRef, api], [catalogApiRef, catalogApiMock({ entities: [jane] })]]}>
      <ReadyCommandersCard groupRef="group:default/payments" />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('ReadyCommandersCard', () => {
  it("lists the team's ready commanders with their reasons, and the breakdown behind Why?", async () => {
    const api = mockMajorOpsApi({
      getReadyCommanders: async () => ({
        groupRef: 'group:default/payments',
        items: [candidate(JANE, 1), candidate(AMARA, 2, { displayName: 'Amara O.', reasons: ['SRE Champion'] })],
      }),
    });
    await render(api);
    expect(api.getReadyCommanders).toHaveBeenCalledWith('group:default/payments');
    const first = within(await screen.findByTestId(`ready-${JANE}`));
    expect(await first.findByRole('link', { name: 'Jane Doe' })).toBeInTheDocument();
    expect(first.getByText('score 51.5')).toBeInTheDocument();
    expect(
      first.getByText(
        'Reputation 810 of 1000; Member of group:default/payments, which owns component:default/checkout-api; 2 incidents in the last week',
      ),
    ).toBeInTheDocument();
    const second = within(screen.getByTestId(`ready-${AMARA}`));
    expect(second.getByRole('link', { name: 'Amara O.' })).toBeInTheDocument();
    expect(second.getByText('SRE Champion')).toBeInTheDocument();

    await userEvent.click(first.getByRole('button', { name: 'Why?' }));
    expect(first.getByRole('table', { name: 'Score breakdown' })).toBeInTheDocument();
    expect(screen.getByText(/never an assignment/)).toBeInTheDocument();
  });

  it('renders redacted numbers without a score', async () => {
    const items = redacted(suggestions()).incidentCommander;
    await render(mockMajorOpsApi({ getReadyCommanders: async () => ({ groupRef: 'group:default/payments', items }) }));
    const first = within(await screen.findByTestId(`ready-${JANE}`));
    expect(first.getByText('Certified MIM')).toBeInTheDocument();
    expect(first.queryByText(/^score/)).not.toBeInTheDocument();
  });

  it('says when no one is ready', async () => {
    await render(mockMajorOpsApi({ getReadyCommanders: async () => ({ groupRef: 'group:default/payments', items: [] }) }));
    expect(await screen.findByTestId('ready-commanders-none')).toHaveTextContent(
      'No one on this team is ready to command a SEV1 or SEV2 right now.',
    );
  });

  it('says kindly that the list may not be seen on a 403', async () => {
    const error = await notAllowedError('Not allowed');
    await render(mockMajorOpsApi({ getReadyCommanders: () => Promise.reject(error) }));
    expect(await screen.findByText("This team's ready commanders are not yours to see")).toBeInTheDocument();
  });
});
