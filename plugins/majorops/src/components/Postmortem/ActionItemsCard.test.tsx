import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import type { ActionItemView } from '@majorops/plugin-majorops-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent, { PointerEventsCheckLevel, type UserEvent } from '@testing-library/user-event';
import { MajorOpsApi, majorOpsApiRef } from '../../api';
import { mockMajorOpsApi } from '../../testing/mockMajorOpsApi';
import { ActionItemsCard } from './ActionItemsCard';
import { makeActionItem, responseError } from './testFixtures';

jest.setTimeout(30_000);

async function renderCard(api: MajorOpsApi, onItemsChange?: (items: ActionItemView[]) => void) {
  return renderInTestApp(
    <TestApiProvider apis={[[majorOpsApiRef, api]]}>
      <ActionItemsCard incidentId="inc-1" onItemsChange={onItemsChange} />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

const field = (label: string | RegExp) => screen.getByLabelText(label, { selector: 'input' });
const row = (id: string) => within(screen.getByTestId(`action-item-${id}`));

describe('ActionItemsCard', () => {
  let user: UserEvent;
  beforeEach(() => {
    user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
  });

  it('lists the items with owner, priority, due date, status and where each stands', async () => {
    const onItemsChange = jest.fn();
    const api = mockMajorOpsApi({
      listActionItems: async () => ({
        items: [
          makeActionItem({ trackerUrl: 'https://tracker.example.com/OPS-12' }),
          makeActionItem({
            id: 'ai-2',
            title: 'Canary deploys for config',
            ownerRef: 'user:default/jane',
            priority: 'P2',
            dueDate: '2020-01-10',
            status: 'in-progress',
          }),
          makeActionItem({
            id: 'ai-3',
            title: 'Update runbook',
            dueDate: '2020-01-10',
            status: 'done',
            completedAt: '2020-01-12T09:00:00.000Z',
          }),
        ],
      }),
    });
    await renderCard(api, onItemsChange);
    await screen.findByTestId('action-item-ai-1');
    expect(api.listActionItems).toHaveBeenCalledWith('inc-1');
    expect(onItemsChange).toHaveBeenLastCalledWith(expect.arrayContaining([expect.objectContaining({ id: 'ai-3' })]));

    expect(row('ai-1').getByText('Add integration test for config validation')).toBeInTheDocument();
    expect(row('ai-1').getByRole('link', { name: 'team-a' })).toBeInTheDocument();
    expect(row('ai-1').getByText('P1')).toBeInTheDocument();
    expect(row('ai-1').getByText('2999-12-31')).toBeInTheDocument();
    expect(row('ai-1').getByText('open').closest('[data-state]')).toHaveAttribute('data-state', 'open');
    const tracker = row('ai-1').getByRole('link', { name: 'tracker' });
    expect(tracker).toHaveAttribute('href', 'https://tracker.example.com/OPS-12');
    expect(tracker).toHaveAttribute('target', '_blank');
    expect(tracker).toHaveAttribute('rel', 'noopener noreferrer');

    // Past its due day and not done: overdue, in red.
    const overdue = row('ai-2').getByText('overdue').closest('[data-state]')!;
    expect(overdue).toHaveAttribute('data-state', 'overdue');
    expect(overdue).toHaveStyle({ backgroundColor: '#b71c1c' });
    expect(row('ai-2').getByRole('link', { name: 'jane' })).toBeInTheDocument();
    expect(row('ai-2').getByRole('button', { name: /Status of Canary deploys for config: in-progress/ })).toBeInTheDocument();

    // Done two days after its due day.
    expect(row('ai-3').getByText('done late')).toBeInTheDocument();
    expect(row('ai-3').queryByRole('link', { name: 'tracker' })).not.toBeInTheDocument();
  });

  it('says when there is no action item yet', async () => {
    await renderCard(mockMajorOpsApi({ listActionItems: async () => ({ items: [] }) }));
    expect(await screen.findByText('No action items yet.')).toBeInTheDocument();
  });

  it('adds an action item and shows it in the table', async () => {
    const api = mockMajorOpsApi({
      listActionItems: async () => ({ items: [] }),
      createActionItem: async (_id, request) =>
        makeActionItem({ id: 'ai-9', ...request, trackerUrl: request.trackerUrl }),
    });
    const onItemsChange = jest.fn();
    await renderCard(api, onItemsChange);
    await screen.findByText('No action items yet.');

    await user.type(field('Action'), 'Validate pool size in CI');
    await user.type(field('Owner'), 'group:default/payments-team');
    await user.click(screen.getByRole('button', { name: /Priority/ }));
    await user.click(await screen.findByRole('option', { name: 'P1' }));
    await user.type(field('Due date'), '2026-04-15');
    await user.type(field(/Tracker link/), 'https://tracker.example.com/OPS-99');
    await user.click(screen.getByRole('button', { name: 'Add action item' }));

    expect(api.createActionItem).toHaveBeenCalledWith('inc-1', {
      title: 'Validate pool size in CI',
      ownerRef: 'group:default/payments-team',
      priority: 'P1',
      dueDate: '2026-04-15',
      trackerUrl: 'https://tracker.example.com/OPS-99',
    });
    expect(await row('ai-9').findByText('Validate pool size in CI')).toBeInTheDocument();
    expect(field('Action')).toHaveValue('');
    expect(onItemsChange).toHaveBeenLastCalledWith([expect.objectContaining({ id: 'ai-9' })]);
  });

  it('checks the fields before sending: a team name is not an owner ref', async () => {
    const api = mockMajorOpsApi({ listActionItems: async () => ({ items: [] }) });
    await renderCard(api);
    await screen.findByText('No action items yet.');
    expect(screen.getByText(/A user or group ref: user:default\/jane or group:default\/payments-team/)).toBeInTheDocument();

    await user.type(field('Action'), 'Add alerts');
    await user.type(field('Owner'), 'component:default/checkout-api');
    await user.click(screen.getByRole('button', { name: 'Add action item' }));
    expect(api.createActionItem).not.toHaveBeenCalled();
    expect(screen.getByText('ownerRef "component:default/checkout-api" must be a user or a group')).toBeInTheDocument();
    expect(screen.getByText(/dueDate/)).toBeInTheDocument();
  });

  it('shows the server refusal in the card and keeps the form', async () => {
    const refusal = await responseError(400, 'InputError', 'dueDate is before the incident was declared');
    const api = mockMajorOpsApi({
      listActionItems: async () => ({ items: [] }),
      createActionItem: () => Promise.reject(refusal),
    });
    await renderCard(api);
    await screen.findByText('No action items yet.');
    await user.type(field('Action'), 'Add alerts');
    await user.type(field('Owner'), 'user:default/jane');
    await user.type(field('Due date'), '2020-01-01');
    await user.click(screen.getByRole('button', { name: 'Add action item' }));
    expect(await screen.findByText('dueDate is before the incident was declared')).toBeInTheDocument();
    expect(field('Action')).toHaveValue('Add alerts');
  });

  it('changes the status in place with the version it was read at', async () => {
    const item = makeActionItem({ version: 3 });
    const api = mockMajorOpsApi({
      listActionItems: async () => ({ items: [item] }),
      updateActionItem: async (_id, _itemId, request) =>
        makeActionItem({ ...item, status: 'done', completedAt: new Date().toISOString(), version: request.version + 1 }),
    });
    await renderCard(api);
    await screen.findByTestId('action-item-ai-1');
    await user.click(row('ai-1').getByRole('button', { name: /Status of/ }));
    await user.click(await screen.findByRole('option', { name: 'done' }));

    expect(api.updateActionItem).toHaveBeenCalledWith('inc-1', 'ai-1', { version: 3, status: 'done' });
    expect(await row('ai-1').findByText('done on time')).toBeInTheDocument();
    expect(row('ai-1').getByRole('button', { name: /Status of .*: done/ })).toBeInTheDocument();
  });

  it('shows a conflict on a status change and reloads the list on request', async () => {
    const conflict = await responseError(409, 'ConflictError', 'Action item ai-1 was changed by someone else (version 4)');
    const api = mockMajorOpsApi({
      listActionItems: jest
        .fn()
        .mockResolvedValueOnce({ items: [makeActionItem({ version: 3 })] })
        .mockResolvedValueOnce({ items: [makeActionItem({ version: 4, status: 'in-progress' })] }),
      updateActionItem: () => Promise.reject(conflict),
    });
    await renderCard(api);
    await screen.findByTestId('action-item-ai-1');
    await user.click(row('ai-1').getByRole('button', { name: /Status of/ }));
    await user.click(await screen.findByRole('option', { name: 'cancelled' }));

    expect(await screen.findByText(/was changed by someone else \(version 4\)/)).toBeInTheDocument();
    expect(screen.getByText('Someone else changed this action item first')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Reload' }));
    await waitFor(() =>
      expect(row('ai-1').getByRole('button', { name: /Status of .*: in-progress/ })).toBeInTheDocument(),
    );
    expect(screen.queryByText(/was changed by someone else/)).not.toBeInTheDocument();
  });

  it('shows an error when the items cannot be loaded', async () => {
    await renderCard(mockMajorOpsApi({ listActionItems: () => Promise.reject(new Error('Not allowed to read action items')) }));
    expect((await screen.findAllByText(/Not allowed to read action items/)).length).toBeGreaterThan(0);
  });
});
