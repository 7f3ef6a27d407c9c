import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import {
  actionItemFollowThrough,
  postmortemDeadline,
  postmortemFollowThrough,
  repeatRate,
  type FollowThroughMetrics,
} from '@majorops/plugin-majorops-common';
import { screen } from '@testing-library/react';
import { majorOpsApiRef } from '../../api';
import { mockMajorOpsApi } from '../../testing/mockMajorOpsApi';
import { FollowThroughCard } from './FollowThroughCard';

const NOW = '2026-04-01T12:00:00.000Z';
const resolved = (daysBefore: number) => new Date(Date.parse(NOW) - daysBefore * 86_400_000).toISOString();
const finalAfter = (resolvedAt: string, hours: number) =>
  new Date(Date.parse(resolvedAt) + hours * 3_600_000).toISOString();

/** Figures computed by the same -common rules the backend uses. */
function metrics(): FollowThroughMetrics {
  const a = resolved(20);
  const b = resolved(15);
  const c = resolved(10);
  const d = resolved(5);
  return {
    scope: { entityRef: 'component:default/checkout-api' },
    postmortems: postmortemFollowThrough([
      postmortemDeadline({ required: true, resolvedAt: a, finalizedAt: finalAfter(a, 20), now: NOW }), // met
      postmortemDeadline({ required: true, resolvedAt: b, finalizedAt: finalAfter(b, 30), now: NOW }), // met
      postmortemDeadline({ required: true, resolvedAt: c, finalizedAt: finalAfter(c, 60), now: NOW }), // late
      postmortemDeadline({ required: true, resolvedAt: d, now: NOW }), // overdue
      postmortemDeadline({ required: true, resolvedAt: resolved(1), now: NOW }), // due, not judged
      postmortemDeadline({ required: false, now: NOW }),
    ]),
    actionItems: actionItemFollowThrough(
      [
        { status: 'done', dueDate: '2026-03-10', completedAt: '2026-03-09T10:00:00.000Z' },
        { status: 'done', dueDate: '2026-03-10', completedAt: '2026-03-12T10:00:00.000Z' },
        { status: 'in-progress', dueDate: '2026-03-20' },
        { status: 'not-started', dueDate: '2026-05-01' },
      ],
      NOW,
    ),
    repeats: repeatRate(8, 1),
    runbooks: { total: 5, stale: 2, neverTested: 1 },
    postmortemDeadlineHours: 48,
  };
}

function nothingJudged(): FollowThroughMetrics {
  return {
    scope: { groupRef: 'group:default/team-a' },
    postmortems: postmortemFollowThrough([postmortemDeadline({ required: true, resolvedAt: resolved(1), now: NOW })]),
    actionItems: actionItemFollowThrough([{ status: 'not-started', dueDate: '2026-05-01' }], NOW),
    repeats: repeatRate(0, 0),
    runbooks: { total: 0, stale: 0, neverTested: 0 },
    postmortemDeadlineHours: 48,
  };
}

async function render(api: ReturnType<typeof mockMajorOpsApi>, scope: { entityRef?: string; groupRef?: string }) {
  return renderInTestApp(
    <TestApiProvider apis={[[majorOpsApiRef, api]]}>
      <FollowThroughCard {...scope} />
    </TestApiProvider>,
  );
}

describe('FollowThroughCard', () => {
  it('asks for the entity over six months and shows the four figures with their counts', async () => {
    const api = mockMajorOpsApi({ getFollowThrough: async () => metrics() });
    await render(api, { entityRef: 'component:default/checkout-api' });

    // 2 met of 4 judged (met, met, late, overdue)
    expect(await screen.findByTestId('follow-through-postmortems')).toHaveTextContent('50%');
    expect(screen.getByTestId('follow-through-postmortems-counts')).toHaveTextContent(
      '5 required · 1 overdue · 1 final late',
    );
    expect(screen.getByText('Post-mortems final within 48 h')).toBeInTheDocument();
    // 1 on time of 3 judged (on time, late, overdue)
    expect(screen.getByTestId('follow-through-action-items')).toHaveTextContent('33.3%');
    expect(screen.getByTestId('follow-through-action-items-counts')).toHaveTextContent('1 overdue · 3 judged');
    expect(screen.getByTestId('follow-through-repeats')).toHaveTextContent('12.5%');
    expect(screen.getByTestId('follow-through-repeats-counts')).toHaveTextContent('1 of 8 incidents');
    expect(screen.getByTestId('follow-through-runbooks')).toHaveTextContent('2');
    expect(screen.getByTestId('follow-through-runbooks-counts')).toHaveTextContent('of 5 runbooks · 1 never tested');
    // every tile explains itself
    expect(screen.getByText(/ones still inside the window are not judged yet/)).toBeInTheDocument();
    expect(screen.getByText(/cancelled ones and ones not yet due don't count/)).toBeInTheDocument();
    expect(screen.getByText(/linked as a repeat of an earlier one/)).toBeInTheDocument();
    expect(screen.getByText(/an untested runbook is a false sense of security/)).toBeInTheDocument();

    expect(api.getFollowThrough).toHaveBeenCalledTimes(1);
    const request = api.getFollowThrough.mock.calls[0][0];
    expect(request.entityRef).toBe('component:default/checkout-api');
    expect(request.groupRef).toBeUndefined();
    const days = (Date.now() - Date.parse(request.from!)) / 86_400_000;
    expect(days).toBeGreaterThan(180);
    expect(days).toBeLessThan(186);
  });

  it('shows "–", never 0%, when nothing could be judged yet', async () => {
    const api = mockMajorOpsApi({ getFollowThrough: async () => nothingJudged() });
    await render(api, { groupRef: 'group:default/team-a' });

    for (const tile of ['postmortems', 'action-items', 'repeats', 'runbooks']) {
      expect(await screen.findByTestId(`follow-through-${tile}`)).toHaveTextContent(/^–$/);
    }
    expect(screen.queryByText(/0%/)).not.toBeInTheDocument();
    expect(screen.getByTestId('follow-through-postmortems-counts')).toHaveTextContent('1 required · 0 overdue');
    expect(screen.getByTestId('follow-through-runbooks-counts')).toHaveTextContent('no runbooks yet');
    expect(api.getFollowThrough).toHaveBeenCalledWith(expect.objectContaining({ groupRef: 'group:default/team-a' }));
  });

  it('shows a real 0% when every judged item missed', async () => {
    const data = nothingJudged();
    data.actionItems = actionItemFollowThrough([{ status: 'in-progress', dueDate: '2026-03-01' }], NOW);
    const api = mockMajorOpsApi({ getFollowThrough: async () => data });
    await render(api, { entityRef: 'component:default/checkout-api' });
    expect(await screen.findByTestId('follow-through-action-items')).toHaveTextContent('0%');
    expect(screen.getByTestId('follow-through-postmortems')).toHaveTextContent(/^–$/);
  });

  it('shows the error when the figures cannot be loaded', async () => {
    const api = mockMajorOpsApi({
      getFollowThrough: async () => {
        throw new Error('follow-through is unavailable');
      },
    });
    await render(api, { entityRef: 'component:default/checkout-api' });
    expect(await screen.findByText('Error: follow-through is unavailable')).toBeInTheDocument();
  });
});
