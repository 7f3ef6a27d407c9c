import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import {
  actionItemDueAt,
  postmortemDeadline,
  type ActionItemView,
  type OverduePostmortem,
} from '@majorops/plugin-majorops-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { majorOpsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { mockMajorOpsApi } from '../../testing/mockMajorOpsApi';
import { OverdueFollowUpsCard } from './OverdueFollowUpsCard';

jest.setTimeout(20_000);

const HOUR = 3_600_000;

function overduePostmortem(id: string, title: string, hoursPastDeadline: number, status?: OverduePostmortem['postmortemStatus']): OverduePostmortem {
  const now = new Date().toISOString();
  const resolvedAt = new Date(Date.now() - (48 + hoursPastDeadline) * HOUR + 60_000).toISOString();
  return {
    incidentId: id,
    incidentTitle: title,
    severity: 'SEV1',
    resolvedAt,
    deadline: postmortemDeadline({ required: true, resolvedAt, now }),
    postmortemStatus: status,
  };
}

function actionItem(id: string, title: string, overrides: Partial<ActionItemView> = {}): ActionItemView {
  const dueDate = overrides.dueDate ?? '2026-02-10';
  return {
    id,
    incidentId: 'inc-9',
    title,
    ownerRef: 'user:default/jane',
    priority: 'P1',
    dueDate,
    status: 'in-progress',
    createdBy: 'user:default/alice',
    createdAt: '2026-02-01T10:00:00.000Z',
    updatedBy: 'user:default/alice',
    updatedAt: '2026-02-01T10:00:00.000Z',
    version: 1,
    state: 'overdue',
    dueAt: actionItemDueAt(dueDate),
    incidentTitle: 'Checkout returns 500',
    incidentSeverity: 'SEV2',
    ...overrides,
  };
}

async function render(api: ReturnType<typeof mockMajorOpsApi>, scope: { entityRef?: string; groupRef?: string }) {
  return renderInTestApp(
    <TestApiProvider apis={[[majorOpsApiRef, api]]}>
      <OverdueFollowUpsCard {...scope} />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef, '/majorops': rootRouteRef } },
  );
}

function rowOf(text: string) {
  const row = screen.getByText(text).closest('tr');
  if (!row) throw new Error(`no row with ${text}`);
  return within(row);
}

describe('OverdueFollowUpsCard', () => {
  it('lists overdue post-mortems with link, severity, hours overdue and status when given', async () => {
    const api = mockMajorOpsApi({
      listOverduePostmortems: async () => ({
        items: [
          overduePostmortem('inc-1', 'Database down', 30, 'draft'),
          // a restricted post-mortem: the caller is not told whether it exists
          overduePostmortem('inc-2', 'Payments failing', 5),
        ],
      }),
      findActionItems: async () => ({ items: [] }),
    });
    await render(api, { entityRef: 'component:default/checkout-api' });

    await screen.findByText('Database down');
    const first = rowOf('Database down');
    expect(first.getByTestId('severity-SEV1')).toBeInTheDocument();
    expect(first.getByText('30 h')).toBeInTheDocument();
    expect(first.getByText('draft')).toBeInTheDocument();
    expect(screen.getByText('Database down').closest('a')).toHaveAttribute('href', '/majorops/incidents/inc-1');

    const second = rowOf('Payments failing');
    expect(second.getByText('5 h')).toBeInTheDocument();
    expect(second.queryByText(/draft|review|final/)).not.toBeInTheDocument();

    expect(api.listOverduePostmortems).toHaveBeenCalledWith({
      entityRef: 'component:default/checkout-api',
      groupRef: undefined,
    });
    expect(screen.getByText('No action item is past its due date.')).toBeInTheDocument();
  });

  it('lists overdue action items of the scope with owner, due date and incident, and pages on', async () => {
    const api = mockMajorOpsApi({
      listOverduePostmortems: async () => ({ items: [] }),
      findActionItems: async request =>
        request.cursor
          ? { items: [actionItem('ai-3', 'Rotate the credentials')] }
          : {
              items: [
                actionItem('ai-1', 'Add a connection-pool alert', { ownerRef: 'group:default/team-a' }),
                actionItem('ai-2', 'Document the failover', { dueDate: '2026-03-05' }),
              ],
              nextCursor: 'c-1',
            },
    });
    await render(api, { groupRef: 'group:default/team-a' });

    await screen.findByText('Add a connection-pool alert');
    const first = rowOf('Add a connection-pool alert');
    expect(first.getByText('team-a')).toBeInTheDocument();
    expect(first.getByText(/^2026-02-10/)).toBeInTheDocument();
    expect(first.getByText('Checkout returns 500').closest('a')).toHaveAttribute('href', '/majorops/incidents/inc-9');
    expect(first.getByTestId('severity-SEV2')).toBeInTheDocument();
    const second = rowOf('Document the failover');
    expect(second.getByText('jane')).toBeInTheDocument();
    expect(second.getByText(/^2026-03-05/)).toBeInTheDocument();

    expect(api.findActionItems).toHaveBeenCalledWith({
      entityRef: undefined,
      groupRef: 'group:default/team-a',
      state: 'overdue',
      limit: 20,
      cursor: undefined,
    });
    expect(screen.getByText('Every required post-mortem is final or still within its deadline.')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Show more overdue action items' }));
    expect(await screen.findByText('Rotate the credentials')).toBeInTheDocument();
    expect(screen.getByText('Add a connection-pool alert')).toBeInTheDocument();
    expect(api.findActionItems).toHaveBeenLastCalledWith(expect.objectContaining({ cursor: 'c-1', state: 'overdue' }));
    expect(screen.queryByRole('button', { name: 'Show more overdue action items' })).not.toBeInTheDocument();
  });

  it('words both empty states positively', async () => {
    const api = mockMajorOpsApi({
      listOverduePostmortems: async () => ({ items: [] }),
      findActionItems: async () => ({ items: [] }),
    });
    await render(api, { entityRef: 'component:default/checkout-api' });
    expect(await screen.findByTestId('overdue-postmortems-empty')).toHaveTextContent(
      'Every required post-mortem is final or still within its deadline.',
    );
    expect(await screen.findByTestId('overdue-action-items-empty')).toHaveTextContent(
      'No action item is past its due date.',
    );
  });

  it('keeps one list when the other fails', async () => {
    const api = mockMajorOpsApi({
      listOverduePostmortems: async () => {
        throw new Error('post-mortems are unavailable');
      },
      findActionItems: async () => ({ items: [actionItem('ai-1', 'Add a connection-pool alert')] }),
    });
    await render(api, { entityRef: 'component:default/checkout-api' });
    expect(await screen.findByText('Error: post-mortems are unavailable')).toBeInTheDocument();
    expect(await screen.findByText('Add a connection-pool alert')).toBeInTheDocument();
  });
});
