import { Entity } from '@backstage/catalog-model';
import { EntityProvider, entityRouteRef } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import type { GroupRanking, RankingEntry } from '@majorops/plugin-majorops-common';
import { screen, within } from '@testing-library/react';
import { MajorOpsApi, majorOpsApiRef } from '../../api';
import { mockMajorOpsApi } from '../../testing/mockMajorOpsApi';
import { notAllowedError } from '../../testing/notAllowedError';
import { EntityGroupReputationContent } from './EntityGroupReputationContent';

function entry(name: string, score: number, overrides: Partial<RankingEntry> = {}): RankingEntry {
  return {
    userRef: `user:default/${name}`,
    displayName: name.toUpperCase(),
    score,
    trendDelta: 0,
    level: 2,
    levelName: 'Responder',
    suspended: false,
    champion: false,
    workload: { pagesPerWeek: 2, incidentsPerWeek: 1, incidentHoursPerWeek: 3, offHoursShare: 0.1, burnout: false, reasons: [] },
    ...overrides,
  };
}

const group: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-a', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

/** The tab also shows the ready commanders; none here. */
const noReadyCommanders = async () => ({ groupRef: 'group:default/team-a', items: [] });

async function render(api: MajorOpsApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[majorOpsApiRef, api]]}>
      <EntityProvider entity={group}>
        <EntityGroupReputationContent />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('ResponderRankingCard', () => {
  it('ranks members by score with level, badge, trend and workload beside every score', async () => {
    const ranking: GroupRanking = {
      groupRef: 'group:default/team-a',
      explanation: 'Scores as of today; workload over the last 8 weeks.',
      items: [
        entry('bo', 540, { trendDelta: -35 }),
        entry('ada', 810, {
          trendDelta: 42,
          level: 5,
          levelName: 'Certified MIM',
          champion: true,
          workload: {
            pagesPerWeek: 14,
            incidentsPerWeek: 4.5,
            incidentHoursPerWeek: 19.5,
            offHoursShare: 0.62,
            burnout: true,
            reasons: ['14 pages a week (limit 10)', '62% of incident hours off hours'],
          },
        }),
        entry('cy', 600, { suspended: true, levelName: 'Responder' }),
      ],
    };
    const api = mockMajorOpsApi({ getGroupRanking: async () => ranking, getReadyCommanders: noReadyCommanders });
    await render(api);

    expect(await screen.findByText('Scores as of today; workload over the last 8 weeks.')).toBeInTheDocument();
    expect(api.getGroupRanking).toHaveBeenCalledWith('group:default/team-a');
    const rows = screen.getAllByTestId(/^ranking-user:/);
    expect(rows.map(r => r.getAttribute('data-testid'))).toEqual([
      'ranking-user:default/ada',
      'ranking-user:default/cy',
      'ranking-user:default/bo',
    ]);
    expect(rows[0]).toHaveTextContent('1ADA810▲ 42L5 Certified MIMSRE Champion144.519.562%');
    expect(rows[1]).toHaveTextContent('Suspended');
    expect(rows[2]).toHaveTextContent('▼ 35');

    const burnout = screen.getByTestId('burnout-user:default/ada');
    expect(burnout).toHaveTextContent('Burnout risk');
    expect(burnout).toHaveTextContent('14 pages a week (limit 10); 62% of incident hours off hours');
    expect(screen.getByTestId('burnout-user:default/bo')).toHaveTextContent('');
    expect(within(rows[0]).getByRole('link', { name: 'ADA' })).toHaveAttribute('href', '/catalog/default/user/ada');
  });

  it('says the ranking is a calibration aid, not a performance review', async () => {
    await render(
      mockMajorOpsApi({
        getGroupRanking: async () => ({ groupRef: 'group:default/team-a', items: [], explanation: '' }),
        getReadyCommanders: noReadyCommanders,
      }),
    );
    expect(await screen.findByText('No members with a reputation yet.')).toBeInTheDocument();
    expect(screen.getByTestId('ranking-calibration-note')).toHaveTextContent('A calibration aid, not a performance review');
  });

  it('says kindly that the ranking may not be seen on a 403', async () => {
    const error = await notAllowedError('Not allowed to read the ranking of group:default/team-a');
    await render(mockMajorOpsApi({ getGroupRanking: () => Promise.reject(error), getReadyCommanders: noReadyCommanders }));
    expect(await screen.findByText("This team's ranking is not yours to see")).toBeInTheDocument();
    expect(screen.getByText(/needs the majorops.ranking.read permission/)).toBeInTheDocument();
    expect(screen.queryByText(/Error/)).not.toBeInTheDocument();
  });
});
