import { Entity } from '@backstage/catalog-model';
import { EntityProvider, entityRouteRef } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MajorOpsApi, majorOpsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { mockMajorOpsApi } from '../../testing/mockMajorOpsApi';
import { notAllowedError } from '../../testing/notAllowedError';
import { EntityReputationContent } from './EntityReputationContent';
import { LEDGER_PAGE_SIZE } from './LedgerCard';
import { ledgerEntry, reputationView, USER_REF } from './testFixtures';

jest.setTimeout(20_000);

function user(title?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'jane', namespace: 'default', ...(title ? { title } : {}) },
    spec: { memberOf: ['group:default/team-a'] },
  };
}

function fakeApi(implementations: Partial<MajorOpsApi> = {}) {
  return mockMajorOpsApi({
    getResponderReputation: async () => reputationView(),
    listLedger: async () => ({ items: [] }),
    ...implementations,
  });
}

async function render(api: MajorOpsApi, entity: Entity = user('Jane Doe')) {
  return renderInTestApp(
    <TestApiProvider apis={[[majorOpsApiRef, api]]}>
      <EntityProvider entity={entity}>
        <EntityReputationContent />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/majorops': rootRouteRef, '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('EntityReputationContent', () => {
  it('asks for the reputation of the user entity and shows the score with its explanation', async () => {
    const api = fakeApi();
    await render(api);
    expect(await screen.findByTestId('reputation-score')).toHaveTextContent('712 / 1000');
    expect(screen.getByText(/712 of 1000: the average of the six metrics/)).toBeInTheDocument();
    expect(api.getResponderReputation).toHaveBeenCalledWith(USER_REF);
    expect(screen.getByText('▲ 62 since 2026-02')).toBeInTheDocument();
    expect(screen.getByRole('img', { name: /Score per month: 2026-02: 650, 2026-03: 690, 2026-04: 712/ })).toBeInTheDocument();
  });

  it('shows the level, what was met and what the next level still needs', async () => {
    await render(fakeApi());
    expect(await screen.findByTestId('reputation-level')).toHaveTextContent('Level 3: Senior Responder');
    expect(screen.getByText('Cleared for SEV2. Can contribute to and update runbooks.')).toBeInTheDocument();
    expect(screen.getByText('basic training completed')).toBeInTheDocument();
    expect(screen.getByText('Next: Level 4 MIM Candidate still needs')).toBeInTheDocument();
    expect(screen.getByText('score of at least 750 (now 712)')).toBeInTheDocument();
  });

  it('shows a suspension with its reason and review date', async () => {
    const base = reputationView();
    const view = reputationView({
      level: {
        ...base.level,
        name: 'Suspended',
        description: 'Temporary revocation pending retraining review.',
        suspended: true,
        suspension: {
          reason: 'Abandoned a recovery track',
          setBy: 'user:default/lead',
          setAt: '2026-04-01T00:00:00.000Z',
          reviewAt: '2026-05-01T00:00:00.000Z',
          reviewOverdue: false,
        },
      },
    });
    await render(fakeApi({ getResponderReputation: async () => view }));
    expect(await screen.findByTestId('reputation-level')).toHaveTextContent('Suspended');
    const alert = screen.getByTestId('reputation-suspended');
    expect(alert).toHaveTextContent('Abandoned a recovery track');
    expect(alert).toHaveTextContent('2026-05-01');
    expect(screen.getByRole('button', { name: 'Lift suspension' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Suspend' })).not.toBeInTheDocument();
  });

  it('shows each badge criterion met or not, and revocation reasons', async () => {
    const base = reputationView();
    const view = reputationView({ badge: { ...base.badge, revokedBecause: ['no SEV1/SEV2 incident in 6 months'] } });
    await render(fakeApi({ getResponderReputation: async () => view }));
    expect(await screen.findByTestId('reputation-badge')).toHaveTextContent('Not an SRE Champion');
    expect(within(screen.getByTestId('badge-criterion-participation')).getByTitle('met')).toBeInTheDocument();
    expect(within(screen.getByTestId('badge-criterion-peer-feedback')).getByTitle('not met')).toBeInTheDocument();
    expect(screen.getByTestId('badge-criterion-peer-feedback')).toHaveTextContent('average 7.9 over the last 10 incidents');
    expect(screen.getByText(/Revoked because: no SEV1\/SEV2 incident in 6 months/)).toBeInTheDocument();
  });

  it('shows the six metrics with weight class, explanation and the incidents that moved them', async () => {
    await render(fakeApi());
    const speed = await screen.findByTestId('metric-responseSpeed');
    expect(speed).toHaveTextContent('Response speed');
    expect(speed).toHaveTextContent('weight High');
    expect(speed).toHaveTextContent('82.5');
    expect(speed).toHaveTextContent('engaged within 4 min on average');
    expect(speed).toHaveTextContent('Engaged 3 min after being paged');
    expect(speed).toHaveTextContent('41% of the weight');
    expect(within(speed).getByRole('link', { name: 'SEV1 incident inc-7' })).toHaveAttribute(
      'href',
      '/majorops/incidents/inc-7',
    );
    expect(screen.getByTestId('metric-communicationQuality')).toHaveTextContent('weight Medium');
    expect(screen.getAllByTestId(/^metric-/)).toHaveLength(6);
  });

  it('shows workload beside the score and a burnout flag with its reasons', async () => {
    const base = reputationView();
    const view = reputationView({
      workload: {
        ...base.workload,
        flaggedPeriods: [
          { from: '2026-03-09T00:00:00.000Z', to: '2026-03-16T00:00:00.000Z', reasons: ['14 pages in a week (limit 10)'] },
        ],
      },
    });
    await render(fakeApi({ getResponderReputation: async () => view }));
    expect(await screen.findByTestId('workload-pages')).toHaveTextContent('3');
    expect(screen.getByTestId('workload-incidents')).toHaveTextContent('1.3');
    expect(screen.getByTestId('workload-hours')).toHaveTextContent('3.8');
    expect(screen.getByTestId('workload-off-hours-pages')).toHaveTextContent('25%');
    expect(screen.getByTestId('workload-burnout')).toHaveTextContent('2026-03-09 – 2026-03-16: 14 pages in a week (limit 10)');
  });

  it('shows peer feedback averages, and a suppressed window without any count', async () => {
    await render(fakeApi());
    const shown = await screen.findByTestId('feedback-quarter:user:default/jane:2026-Q1');
    expect(shown).toHaveTextContent('8.5');
    expect(shown).toHaveTextContent('8.3');
    const suppressed = screen.getByTestId('feedback-quarter:user:default/jane:2025-Q4');
    expect(suppressed).toHaveTextContent('Not shown');
    // only the window and the backend's count-free message: no averages, no number of colleagues
    expect(suppressed.textContent).toBe('2025 Q4Not shown: fewer than 3 colleagues answered, so nothing is shown');
    expect(suppressed.querySelectorAll('td')).toHaveLength(2);
    expect(screen.queryByText(/Comments/)).not.toBeInTheDocument();
  });

  it('shows comments only when the backend sent them', async () => {
    const base = reputationView();
    const [shown, suppressed] = base.peerFeedback;
    const view = reputationView({ peerFeedback: [{ ...shown, comments: ['Calm on the bridge'] } as typeof shown, suppressed] });
    await render(fakeApi({ getResponderReputation: async () => view }));
    expect(await screen.findByText('Calm on the bridge')).toBeInTheDocument();
  });

  it('shows training records and knowledge contributions', async () => {
    await render(fakeApi());
    expect(await screen.findByText('SRE academy')).toBeInTheDocument();
    expect(screen.getByText('basic training')).toBeInTheDocument();
    expect(screen.getByText('Runbook Revisions').closest('tr')).toHaveTextContent('6');
    expect(screen.getByText('Action Items Completed').closest('tr')).toHaveTextContent('4');
  });

  it('says kindly that the reputation may not be seen on a 403', async () => {
    const error = await notAllowedError('Not allowed to read the reputation of user:default/jane');
    await render(fakeApi({ getResponderReputation: () => Promise.reject(error) }));
    expect(await screen.findByText('This reputation is not yours to see')).toBeInTheDocument();
    expect(screen.getByText(/Seeing Jane Doe's needs the majorops.reputation.read permission/)).toBeInTheDocument();
    expect(screen.queryByText(/Error/)).not.toBeInTheDocument();
  });

  it('shows other errors as errors', async () => {
    await render(fakeApi({ getResponderReputation: () => Promise.reject(new Error('reputation unavailable')) }));
    expect(await screen.findByText('Error: reputation unavailable')).toBeInTheDocument();
  });

  it('pages through the ledger newest first with the cursor', async () => {
    const first = Array.from({ length: 2 }, (_, i) => ledgerEntry(`e${i}`, `First page reason ${i}`, { incidentId: 'inc-3', incidentTitle: 'DB failover', severity: 'SEV2' }));
    const api = fakeApi({
      listLedger: async (_ref, options) =>
        options?.cursor === 'c-2'
          ? { items: [ledgerEntry('e9', 'Older reason', { metric: 'knowledgeContribution', weight: 2 })] }
          : { items: first, nextCursor: 'c-2' },
    });
    await render(api);
    expect(await screen.findByText('First page reason 0')).toBeInTheDocument();
    expect(api.listLedger).toHaveBeenCalledWith(USER_REF, { limit: LEDGER_PAGE_SIZE, cursor: undefined });
    expect(screen.getAllByRole('link', { name: 'SEV2 DB failover' })[0]).toHaveAttribute('href', '/majorops/incidents/inc-3');

    await userEvent.click(screen.getByRole('button', { name: 'Older' }));
    expect(await screen.findByText('Older reason')).toBeInTheDocument();
    expect(api.listLedger).toHaveBeenLastCalledWith(USER_REF, { limit: LEDGER_PAGE_SIZE, cursor: 'c-2' });
    const row = screen.getByText('Older reason').closest('tr')!;
    expect(row).toHaveTextContent('Knowledge contribution');
    expect(row).toHaveTextContent('2');
    expect(screen.queryByText('First page reason 0')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Older' })).toBeDisabled();

    await userEvent.click(screen.getByRole('button', { name: 'Newer' }));
    expect(await screen.findByText('First page reason 0')).toBeInTheDocument();
  });

  it('records training and reloads the reputation', async () => {
    const api = fakeApi({ recordTraining: jest.fn(async () => reputationView().training[0]) });
    await render(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Record training' }));
    const dialog = await screen.findByRole('dialog');
    const save = within(dialog).getByRole('button', { name: 'Record training' });
    expect(save).toBeDisabled();
    await userEvent.type(within(dialog).getByLabelText(/Issuer/), 'SRE academy');
    await userEvent.click(save);
    await waitFor(() => expect(api.recordTraining).toHaveBeenCalledTimes(1));
    expect(api.recordTraining).toHaveBeenCalledWith(USER_REF, expect.objectContaining({ kind: 'basic-training', issuer: 'SRE academy' }));
    await waitFor(() => expect(api.getResponderReputation).toHaveBeenCalledTimes(2));
  });

  it('replaces the manager actions with a note after a 403', async () => {
    const error = await notAllowedError();
    const api = fakeApi({ suspendResponder: () => Promise.reject(error) });
    await render(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Suspend' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/Reason/), 'Abandoned a recovery track');
    // jsdom's date input takes the value typed in ISO form
    await userEvent.type(within(dialog).getByLabelText(/Retraining review on/), '2026-06-01');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Suspend responder' }));
    expect(await screen.findByTestId('responder-actions-forbidden')).toHaveTextContent('majorops.responder.manage');
    expect(api.suspendResponder).toHaveBeenCalledWith(USER_REF, {
      reason: 'Abandoned a recovery track',
      reviewAt: '2026-06-01T00:00:00.000Z',
    });
    expect(screen.queryByRole('button', { name: 'Record training' })).not.toBeInTheDocument();
  });
});
