import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import type { RunbookRevision } from '@majorops/plugin-majorops-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MajorOpsApi, majorOpsApiRef } from '../../api';
import { mockMajorOpsApi } from '../../testing/mockMajorOpsApi';
import { revision, runbookView } from '../EntityRunbooksContent/runbookFixtures';
import { RunbookRevisions, toggleSelection } from './RunbookRevisions';

// Full renders with dialogs and typing are slow on a loaded machine.
jest.setTimeout(20_000);

const v1 = '# Runbook\n## Detection\n- alert fires\n## Diagnosis\n1. check health\n';
const v2 = '# Runbook\n## Detection\n- alert fires\n- p99 above 2s\n## Diagnosis\n1. check health\n';
const v3 = '# Runbook\n## Detection\n- p99 above 2s\n## Diagnosis\n1. check health\n2. check deploys\n';

const revisions: RunbookRevision[] = [
  revision(3, v3, { authorRef: 'user:default/bob', changeNote: 'Dropped the noisy alert' }),
  revision(2, v2, { title: 'DB failover', changeNote: 'Latency symptom' }),
  revision(1, v1),
];

function fakeApi(overrides: Partial<MajorOpsApi> = {}) {
  return mockMajorOpsApi({
    listRunbookRevisions: async () => ({ items: revisions }),
    getRunbookRevision: async (_id, n) => revisions.find(r => r.revision === n)!,
    ...overrides,
  });
}

async function render(api: MajorOpsApi) {
  const onClose = jest.fn();
  await renderInTestApp(
    <TestApiProvider apis={[[majorOpsApiRef, api]]}>
      <RunbookRevisions runbook={runbookView({ revision: 3, version: 3 })} onClose={onClose} />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  return { onClose };
}

describe('toggleSelection', () => {
  it.each<[number[], number, number[]]>([
    [[], 3, [3]],
    [[3], 1, [3, 1]],
    [[3, 1], 3, [1]],
    [[3, 1], 2, [1, 2]],
  ])('%j + %d -> %j', (selected, revision, expected) => {
    expect(toggleSelection(selected, revision)).toEqual(expected);
  });
});

describe('RunbookRevisions', () => {
  it('lists revisions newest first with author, time and note', async () => {
    const api = fakeApi();
    await render(api);
    const table = await screen.findByRole('table', { name: 'Revisions' });
    expect(api.listRunbookRevisions).toHaveBeenCalledWith('rb-1', { limit: 50 });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(r => within(r).getAllByRole('cell')[1].textContent)).toEqual(['3', '2', '1']);
    expect(within(rows[0]).getByRole('link', { name: 'bob' })).toBeInTheDocument();
    expect(within(rows[0]).getByText('7 days ago')).toBeInTheDocument();
    expect(within(rows[0]).getByText('Dropped the noisy alert')).toBeInTheDocument();
    expect(within(rows[2]).getByText('Created')).toBeInTheDocument();
  });

  it('compares two picked revisions, older to newer, line by line', async () => {
    const api = fakeApi();
    await render(api);
    await screen.findByRole('table', { name: 'Revisions' });
    const compare = screen.getByRole('button', { name: 'Compare revisions' });
    expect(compare).toBeDisabled();

    await userEvent.click(screen.getByRole('checkbox', { name: 'Compare revision 3' }));
    expect(compare).toBeDisabled();
    await userEvent.click(screen.getByRole('checkbox', { name: 'Compare revision 1' }));
    await userEvent.click(compare);

    const diff = await screen.findByRole('table', { name: 'Changes from revision 1 to revision 3' });
    expect(api.getRunbookRevision).toHaveBeenCalledWith('rb-1', 1);
    expect(api.getRunbookRevision).toHaveBeenCalledWith('rb-1', 3);
    const rows = within(diff).getAllByRole('row');
    const lines = rows.map(r => `${r.getAttribute('data-kind')}:${r.lastElementChild?.textContent}`);
    expect(lines).toEqual([
      'same:# Runbook',
      'same:## Detection',
      'removed:- alert fires',
      'added:- p99 above 2s',
      'same:## Diagnosis',
      'same:1. check health',
      'added:2. check deploys',
    ]);
    expect(within(diff).getByText('- alert fires').tagName).toBe('DEL');
    expect(within(diff).getByText('2. check deploys').tagName).toBe('INS');
    expect(screen.getByText('2 added, 1 removed')).toBeInTheDocument();
  });

  it('shows a title change between compared revisions', async () => {
    await render(fakeApi());
    await screen.findByRole('table', { name: 'Revisions' });
    await userEvent.click(screen.getByRole('checkbox', { name: 'Compare revision 2' }));
    await userEvent.click(screen.getByRole('checkbox', { name: 'Compare revision 3' }));
    await userEvent.click(screen.getByRole('button', { name: 'Compare revisions' }));
    const section = await screen.findByRole('region', { name: 'Changes from revision 2 to revision 3' });
    expect(within(section).getByText('DB failover').tagName).toBe('DEL');
    expect(within(section).getByText('Database failover').tagName).toBe('INS');
  });

  it('views one revision rendered as markdown', async () => {
    const api = fakeApi();
    await render(api);
    await screen.findByRole('table', { name: 'Revisions' });
    await userEvent.click(screen.getByRole('button', { name: 'View revision 2' }));
    const section = await screen.findByRole('region', { name: 'Revision 2' });
    expect(api.getRunbookRevision).toHaveBeenCalledWith('rb-1', 2);
    expect(within(section).getByRole('heading', { name: 'Revision 2: DB failover' })).toBeInTheDocument();
    expect(within(section).getByRole('heading', { name: 'Detection' })).toBeInTheDocument();
    expect(within(section).getByText('p99 above 2s')).toBeInTheDocument();
    expect(within(section).getByText(/Latency symptom/)).toBeInTheDocument();
  });

  it('loads older revisions page by page', async () => {
    const api = fakeApi({
      listRunbookRevisions: async (_id, options) =>
        options?.cursor === 'older' ? { items: [revisions[2]] } : { items: revisions.slice(0, 2), nextCursor: 'older' },
    });
    await render(api);
    const table = await screen.findByRole('table', { name: 'Revisions' });
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    await userEvent.click(screen.getByRole('button', { name: 'Load older revisions' }));
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(4));
    expect(api.listRunbookRevisions).toHaveBeenLastCalledWith('rb-1', { limit: 50, cursor: 'older' });
    expect(screen.queryByRole('button', { name: 'Load older revisions' })).not.toBeInTheDocument();
  });

  it('goes back to the runbook', async () => {
    const { onClose } = await render(fakeApi());
    await userEvent.click(screen.getByRole('button', { name: 'Back to runbook' }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
