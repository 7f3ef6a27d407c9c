import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import type { Page, Runbook } from '@majorops/plugin-majorops-common';
import { screen, within } from '@testing-library/react';
import { MajorOpsApi, majorOpsApiRef } from '../../api';
import { EntityRunbooksContent } from './EntityRunbooksContent';
import { mockMajorOpsApi } from '../../testing/mockMajorOpsApi';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout-api', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/team-a', lifecycle: 'production' },
};

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
/** An ISO timestamp `ms` before the moment the test runs, for timeAgo columns. */
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

function runbook(title: string, lastTestedAt: string | undefined, updatedAt: string): Runbook {
  return {
    id: `rb-${title}`,
    entityRef: 'component:default/checkout-api',
    title,
    body: `# ${title}`,
    lastTestedAt,
    createdBy: 'user:default/jane',
    createdAt: updatedAt,
    updatedAt,
    version: 1,
  };
}

function fakeApi(listRunbooks: MajorOpsApi['listRunbooks']): jest.Mocked<MajorOpsApi> {
  return mockMajorOpsApi({ listRunbooks });
}

async function render(api: MajorOpsApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[majorOpsApiRef, api]]}>
      <EntityProvider entity={entity}>
        <EntityRunbooksContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('EntityRunbooksContent', () => {
  it('asks for the runbooks of the entity', async () => {
    const api = fakeApi(async () => ({ items: [] }));
    await render(api);
    await screen.findByText('No runbooks yet');
    expect(api.listRunbooks).toHaveBeenCalledTimes(1);
    expect(api.listRunbooks).toHaveBeenCalledWith({ entityRef: 'component:default/checkout-api', limit: 100 });
  });

  it('shows the empty state when there is no runbook', async () => {
    await render(fakeApi(async () => ({ items: [] })));
    expect(await screen.findByText('No runbooks yet')).toBeInTheDocument();
    expect(screen.getByText(/component:default\/checkout-api has no runbook in MajorOps/)).toBeInTheDocument();
  });

  it('shows a table with titles, last tested ("never" when untested) and updated', async () => {
    const page: Page<Runbook> = {
      items: [
        runbook('Database failover', ago(3 * DAY), ago(2 * HOUR)),
        runbook('Kafka consumer lag', undefined, ago(10 * DAY)),
      ],
    };
    await render(fakeApi(async () => page));

    expect(await screen.findByText('Runbooks (2)')).toBeInTheDocument();
    const tested = within(screen.getByText('Database failover').closest('tr')!);
    expect(tested.getByText('3 days ago')).toBeInTheDocument();
    expect(tested.getByText('2 h ago')).toBeInTheDocument();
    expect(tested.queryByText('never')).not.toBeInTheDocument();

    const untested = within(screen.getByText('Kafka consumer lag').closest('tr')!);
    expect(untested.getByText('never')).toBeInTheDocument();
    expect(untested.getByText('10 days ago')).toBeInTheDocument();
    expect(screen.getAllByText('never')).toHaveLength(1);
  });

  it('shows an error panel when the API rejects', async () => {
    await render(fakeApi(() => Promise.reject(new Error('runbooks unavailable'))));
    expect(await screen.findByText('Error: runbooks unavailable')).toBeInTheDocument();
    expect(screen.queryByText('No runbooks yet')).not.toBeInTheDocument();
  });
});
