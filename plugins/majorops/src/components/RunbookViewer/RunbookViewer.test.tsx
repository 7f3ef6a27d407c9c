import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import type { RunbookDrill } from '@majorops/plugin-majorops-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MajorOpsApi, majorOpsApiRef, RunbookView } from '../../api';
import { mockMajorOpsApi } from '../../testing/mockMajorOpsApi';
import { daysAgo, runbookView } from '../EntityRunbooksContent/runbookFixtures';
import { RunbookViewer } from './RunbookViewer';
import { safeUri } from './RunbookMarkdown';

// Full renders with dialogs and typing are slow on a loaded machine.
jest.setTimeout(20_000);

function drill(overrides: Partial<RunbookDrill> = {}): RunbookDrill {
  return {
    id: 'd-1',
    runbookId: 'rb-1',
    kind: 'game-day',
    outcome: 'passed',
    performedAt: daysAgo(3),
    participants: ['user:default/jane', 'user:default/bob'],
    notes: 'Failover took 4 minutes',
    recordedBy: 'user:default/jane',
    recordedAt: daysAgo(3),
    ...overrides,
  };
}

async function render(runbook: RunbookView, api: MajorOpsApi = mockMajorOpsApi({ listDrills: async () => ({ items: [] }) })) {
  const callbacks = { onEdit: jest.fn(), onRecordDrill: jest.fn(), onHistory: jest.fn(), onClose: jest.fn() };
  const result = await renderInTestApp(
    <TestApiProvider apis={[[majorOpsApiRef, api]]}>
      <RunbookViewer runbook={runbook} {...callbacks} />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  return { ...result, callbacks };
}

describe('RunbookViewer', () => {
  it('renders the markdown body, the freshness and who edited it last', async () => {
    await render(runbookView({ revision: 4, updatedBy: 'user:default/bob' }));
    expect(screen.getByRole('heading', { name: 'Runbook: Database failover' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Quick Reference' })).toBeInTheDocument();
    expect(screen.getByText('never tested')).toBeInTheDocument();
    expect(screen.getByText(/Revision 4, edited 2 days ago by/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'bob' })).toBeInTheDocument();
    expect(await screen.findByText('No drill or game day recorded yet.')).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Missing template sections' })).not.toBeInTheDocument();
  });

  it('does not render raw HTML or script URLs from the body', async () => {
    const body = [
      '## Detection',
      '<script>alert(1)</script>',
      '',
      'Look at <img src=x onerror="alert(2)"> the dashboard',
      '',
      '<a href="javascript:alert(3)">raw link</a> and [md link](javascript:alert(4)) and [docs](https://example.com/docs)',
      '',
      '<iframe src="https://evil.example"></iframe>',
    ].join('\n');
    const { container } = await render(runbookView({ body }));
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('iframe')).toBeNull();
    expect(container.querySelector('[onerror]')).toBeNull();
    expect(container.querySelector('a[href^="javascript"]')).toBeNull();
    expect(screen.queryByRole('link', { name: 'md link' })).not.toBeInTheDocument();
    // The raw HTML shows as text, so the author sees what they wrote.
    expect(container).toHaveTextContent('<script>alert(1)</script>');
    expect(screen.getByText(/Look at <img src=x onerror="alert\(2\)"> the dashboard/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /docs/ })).toHaveAttribute('href', 'https://example.com/docs');
  });

  it('lists the template sections the body lacks', async () => {
    await render(runbookView({ body: '# Runbook\n\n## Detection\n- alert\n' }));
    const list = screen.getByRole('list', { name: 'Missing template sections' });
    expect(within(list).getAllByRole('listitem').map(li => li.textContent)).toEqual([
      'Quick Reference',
      'Diagnosis',
      'Remediation',
      'Verification',
      'Communication',
    ]);
  });

  it('offers Edit, Record drill, History and Close', async () => {
    const { callbacks } = await render(runbookView());
    await userEvent.click(screen.getByRole('button', { name: 'Edit' }));
    await userEvent.click(screen.getByRole('button', { name: 'Record drill' }));
    await userEvent.click(screen.getByRole('button', { name: 'History' }));
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(callbacks.onEdit).toHaveBeenCalledTimes(1);
    expect(callbacks.onRecordDrill).toHaveBeenCalledTimes(1);
    expect(callbacks.onHistory).toHaveBeenCalledTimes(1);
    expect(callbacks.onClose).toHaveBeenCalledTimes(1);
  });

  it('lists the drills of the runbook', async () => {
    const api = mockMajorOpsApi({
      listDrills: async () => ({ items: [drill(), drill({ id: 'd-2', kind: 'drill', outcome: 'failed', notes: 'Replica lagged' })] }),
    });
    await render(runbookView({ lastTestedAt: daysAgo(3) }), api);
    const table = await screen.findByRole('table', { name: 'Drills and game days' });
    expect(api.listDrills).toHaveBeenCalledWith('rb-1');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getByText('game day')).toBeInTheDocument();
    expect(within(rows[0]).getByText('passed')).toBeInTheDocument();
    expect(within(rows[0]).getByRole('link', { name: 'jane' })).toBeInTheDocument();
    expect(within(rows[0]).getByRole('link', { name: 'bob' })).toBeInTheDocument();
    expect(within(rows[1]).getByText('failed')).toBeInTheDocument();
    expect(within(rows[1]).getByText('Replica lagged')).toBeInTheDocument();
    expect(screen.getByText('fresh')).toBeInTheDocument();
  });
});

describe('safeUri', () => {
  it.each<[string, string]>([
    ['https://example.com/a?b#c', 'https://example.com/a?b#c'],
    ['http://example.com', 'http://example.com'],
    ['mailto:oncall@example.com', 'mailto:oncall@example.com'],
    ['tel:+4912345', 'tel:+4912345'],
    ['/catalog/default/component/x', '/catalog/default/component/x'],
    ['#diagnosis', '#diagnosis'],
    ['docs/page.md', 'docs/page.md'],
    ['javascript:alert(1)', ''],
    ['  JavaScript:alert(1)', ''],
    ['vbscript:msgbox(1)', ''],
    ['data:text/html;base64,PHNjcmlwdD4=', ''],
  ])('%s -> %j', (uri, expected) => {
    expect(safeUri(uri)).toBe(expected);
  });
});
