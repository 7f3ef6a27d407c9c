import { Entity } from '@backstage/catalog-model';
import { catalogApiRef, EntityProvider, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import type { Page } from '@majorops/plugin-majorops-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent, { PointerEventsCheckLevel } from '@testing-library/user-event';
import { useLocation } from 'react-router-dom';
import { MajorOpsApi, majorOpsApiRef, RunbookView } from '../../api';
import { mockMajorOpsApi } from '../../testing/mockMajorOpsApi';
import { EntityRunbooksContent, staleWarning } from './EntityRunbooksContent';
import { daysAgo, ENTITY_REF, revision, runbookView } from './runbookFixtures';

// Full renders with dialogs and typing are slow on a loaded machine.
jest.setTimeout(20_000);

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout-api', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/team-a', lifecycle: 'production' },
};

const HOUR = 60 * 60 * 1000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

const failover = runbookView({
  id: 'rb-1',
  title: 'Database failover',
  lastTestedAt: daysAgo(3),
  updatedAt: ago(2 * HOUR),
  revision: 4,
  version: 4,
  updatedBy: 'user:default/bob',
});
const kafka = runbookView({ id: 'rb-2', title: 'Kafka consumer lag', lastTestedAt: undefined, updatedAt: daysAgo(10) });
const cache = runbookView({ id: 'rb-3', title: 'Cache stampede', lastTestedAt: daysAgo(120) });
const dns = runbookView({ id: 'rb-4', title: 'DNS outage', lastTestedAt: daysAgo(80) });

/** Shows the current search string, to check where a click navigated. */
function LocationProbe() {
  const location = useLocation();
  return <div data-testid="location-search">{location.search}</div>;
}

async function render(api: MajorOpsApi, routeEntries: string[] = ['/']) {
  return renderInTestApp(
    <TestApiProvider apis={[[majorOpsApiRef, api], [catalogApiRef, catalogApiMock({ entities: [] })]]}>
      <EntityProvider entity={entity}>
        <EntityRunbooksContent />
        <LocationProbe />
      </EntityProvider>
    </TestApiProvider>,
    { routeEntries, mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

function listOf(...pages: Array<Page<RunbookView>>): jest.Mock {
  const mock = jest.fn();
  pages.forEach((page, i) => (i === pages.length - 1 ? mock.mockResolvedValue(page) : mock.mockResolvedValueOnce(page)));
  return mock;
}

const row = (title: string) => within(screen.getByRole('button', { name: title }).closest('tr')!);
const searchString = () => screen.getByTestId('location-search').textContent;

describe('staleWarning', () => {
  it.each<[string, RunbookView[], string | undefined]>([
    ['no runbook', [], undefined],
    ['fresh and due soon', [failover, dns], undefined],
    ['one never tested', [failover, kafka], '1 runbook is stale or untested — an untested runbook is a false sense of security'],
    ['never tested and stale', [kafka, cache, dns], '2 runbooks are stale or untested — an untested runbook is a false sense of security'],
  ])('%s', (_name, runbooks, expected) => {
    expect(staleWarning(runbooks)).toBe(expected);
  });
});

describe('EntityRunbooksContent', () => {
  let user: ReturnType<typeof userEvent.setup>;
  beforeEach(() => {
    user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
  });

  it('asks for the runbooks of the entity', async () => {
    const api = mockMajorOpsApi({ listRunbooks: async () => ({ items: [] }) });
    await render(api);
    await screen.findByText('No runbooks yet');
    expect(api.listRunbooks).toHaveBeenCalledTimes(1);
    expect(api.listRunbooks).toHaveBeenCalledWith({ entityRef: ENTITY_REF, limit: 100 });
  });

  it('shows the empty state with a "New runbook" button', async () => {
    await render(mockMajorOpsApi({ listRunbooks: async () => ({ items: [] }) }));
    expect(await screen.findByText('No runbooks yet')).toBeInTheDocument();
    expect(screen.getByText(/component:default\/checkout-api has no runbook in MajorOps/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'New runbook' })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows every runbook with its freshness badge, last tested, revision and last editor', async () => {
    await render(mockMajorOpsApi({ listRunbooks: async () => ({ items: [failover, kafka, cache, dns] }) }));
    expect(await screen.findByText('Runbooks (4)')).toBeInTheDocument();

    expect(row('Database failover').getByText('fresh')).toBeInTheDocument();
    expect(row('Database failover').getByText('3 days ago')).toBeInTheDocument();
    expect(row('Database failover').getByText('2 h ago')).toBeInTheDocument();
    expect(row('Database failover').getByText('4')).toBeInTheDocument();
    expect(row('Database failover').getByRole('link', { name: 'bob' })).toBeInTheDocument();

    expect(row('Kafka consumer lag').getByText('never tested')).toBeInTheDocument();
    expect(row('Kafka consumer lag').getByText('never')).toBeInTheDocument();
    expect(row('Kafka consumer lag').getByText('10 days ago')).toBeInTheDocument();
    expect(row('Kafka consumer lag').getByRole('link', { name: 'jane' })).toBeInTheDocument();

    expect(row('Cache stampede').getByText('stale')).toBeInTheDocument();
    expect(row('Cache stampede').getByText('120 days ago')).toBeInTheDocument();
    expect(row('DNS outage').getByText('due soon')).toBeInTheDocument();
    expect(screen.getAllByText('never')).toHaveLength(1);

    await user.hover(row('Cache stampede').getByText('stale'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(cache.freshness.explanation);
  });

  it('warns when runbooks are stale or never tested', async () => {
    await render(mockMajorOpsApi({ listRunbooks: async () => ({ items: [failover, kafka, cache, dns] }) }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('2 runbooks are stale or untested — an untested runbook is a false sense of security');
  });

  it('does not warn when every runbook was drilled recently', async () => {
    await render(mockMajorOpsApi({ listRunbooks: async () => ({ items: [failover, dns] }) }));
    await screen.findByText('Runbooks (2)');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows an error panel when the API rejects', async () => {
    await render(mockMajorOpsApi({ listRunbooks: () => Promise.reject(new Error('runbooks unavailable')) }));
    expect(await screen.findByText('Error: runbooks unavailable')).toBeInTheDocument();
    expect(screen.queryByText('No runbooks yet')).not.toBeInTheDocument();
  });

  it('creates a runbook from the template and opens it in the editor', async () => {
    const created = runbookView({ id: 'rb-9', title: 'Payment provider down' });
    const api = mockMajorOpsApi({
      listRunbooks: listOf({ items: [] }, { items: [created] }),
      createRunbook: async () => created,
      getRunbook: async () => created,
    });
    await render(api);
    await user.click(await screen.findByRole('button', { name: 'New runbook' }));
    const dialog = screen.getByRole('dialog', { name: 'New runbook' });
    const create = within(dialog).getByRole('button', { name: 'Create' });
    expect(create).toBeDisabled();
    await user.type(within(dialog).getByLabelText(/^Runbook title/), 'Payment provider down');
    await user.click(create);

    expect(api.createRunbook).toHaveBeenCalledWith({ entityRef: ENTITY_REF, title: 'Payment provider down' });
    const body = (await screen.findByLabelText('Runbook (markdown)')) as HTMLTextAreaElement;
    expect(body.value).toBe(created.body);
    expect(body.value).toContain('# Runbook: Payment provider down');
    expect(body.value).toContain('## Verification');
    expect(screen.getByLabelText(/^Title/)).toHaveValue('Payment provider down');
    expect(api.getRunbook).toHaveBeenCalledWith('rb-9');
    expect(searchString()).toBe('?runbook=rb-9&mode=edit');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(await screen.findByText('Runbooks (1)')).toBeInTheDocument();
    expect(api.listRunbooks).toHaveBeenCalledTimes(2);
  });

  it('keeps the dialog open with the message when creating fails', async () => {
    const api = mockMajorOpsApi({
      listRunbooks: async () => ({ items: [] }),
      createRunbook: () => Promise.reject(new Error('title is longer than 200 characters')),
    });
    await render(api);
    await user.click(await screen.findByRole('button', { name: 'New runbook' }));
    await user.type(screen.getByLabelText(/^Runbook title/), 'x');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(await screen.findByText('title is longer than 200 characters')).toBeInTheDocument();
    expect(screen.getByRole('dialog', { name: 'New runbook' })).toBeInTheDocument();
  });

  it('opens a runbook from the list, edits it and saves a revision', async () => {
    const saved = { ...failover, version: 5, revision: 5, body: `${failover.body}\nExtra line\n` };
    const api = mockMajorOpsApi({
      listRunbooks: listOf({ items: [failover, kafka] }, { items: [saved, kafka] }),
      getRunbook: jest.fn().mockResolvedValueOnce(failover).mockResolvedValue(saved),
      listDrills: async () => ({ items: [] }),
      updateRunbook: async () => saved,
    });
    await render(api);
    await user.click(await screen.findByRole('button', { name: 'Database failover' }));
    expect(await screen.findByRole('heading', { name: 'Runbook: Database failover' })).toBeInTheDocument();
    expect(searchString()).toBe('?runbook=rb-1');

    await user.click(screen.getByRole('button', { name: 'Edit' }));
    const body = await screen.findByLabelText('Runbook (markdown)');
    await user.clear(body);
    await user.paste(`${failover.body}\nExtra line`);
    await user.type(screen.getByLabelText('Change note'), 'Added a line');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    expect(api.updateRunbook).toHaveBeenCalledWith('rb-1', {
      version: 4,
      title: 'Database failover',
      body: `${failover.body}\nExtra line`,
      changeNote: 'Added a line',
    });
    expect(await screen.findByRole('button', { name: 'Record drill' })).toBeInTheDocument();
    expect(screen.getByText(/Revision 5, edited/)).toBeInTheDocument();
    expect(searchString()).toBe('?runbook=rb-1');
    expect(api.listRunbooks).toHaveBeenCalledTimes(2);
  });

  it('records a drill from the viewer and reloads the freshness', async () => {
    const drilled = runbookView({ id: 'rb-2', title: 'Kafka consumer lag', lastTestedAt: new Date().toISOString() });
    const api = mockMajorOpsApi({
      listRunbooks: listOf({ items: [kafka] }, { items: [drilled] }),
      getRunbook: jest.fn().mockResolvedValueOnce(kafka).mockResolvedValue(drilled),
      listDrills: async () => ({ items: [] }),
      recordDrill: async (id, request) => ({
        id: 'd-1',
        runbookId: id,
        participants: [],
        notes: '',
        ...request,
        recordedBy: 'user:default/jane',
        recordedAt: new Date().toISOString(),
      }),
    });
    await render(api, ['/?runbook=rb-2']);
    expect(await screen.findByRole('alert')).toHaveTextContent('1 runbook is stale or untested');
    await user.click(await screen.findByRole('button', { name: 'Record drill' }));
    const dialog = await screen.findByRole('dialog', { name: 'Record a drill or game day' });
    await user.selectOptions(within(dialog).getByLabelText(/^Outcome/), 'passed');
    await user.click(within(dialog).getByRole('button', { name: 'Save drill' }));

    expect(api.recordDrill).toHaveBeenCalledWith('rb-2', {
      kind: 'drill',
      outcome: 'passed',
      performedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000Z$/),
      participants: [],
      notes: undefined,
    });
    // The dialog closes first: while it is open the page behind it is hidden from role queries.
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument(), { timeout: 5000 });
    await waitFor(() => expect(screen.queryByRole('alert')).not.toBeInTheDocument());
    await waitFor(() => expect(row('Kafka consumer lag').getByText('fresh')).toBeInTheDocument());
    expect(api.listRunbooks).toHaveBeenCalledTimes(2);
    expect(api.getRunbook).toHaveBeenCalledTimes(2);
  });

  it('opens the history from the viewer and goes back', async () => {
    const api = mockMajorOpsApi({
      listRunbooks: async () => ({ items: [failover] }),
      getRunbook: async () => failover,
      listDrills: async () => ({ items: [] }),
      listRunbookRevisions: async () => ({ items: [revision(2, 'b'), revision(1, 'a')] }),
    });
    await render(api, ['/?runbook=rb-1']);
    await user.click(await screen.findByRole('button', { name: 'History' }));
    expect(await screen.findByRole('table', { name: 'Revisions' })).toBeInTheDocument();
    expect(searchString()).toBe('?runbook=rb-1&mode=history');
    await user.click(screen.getByRole('button', { name: 'Back to runbook' }));
    expect(await screen.findByRole('button', { name: 'Record drill' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Close' }));
    expect(searchString()).toBe('');
    expect(screen.queryByRole('button', { name: 'Record drill' })).not.toBeInTheDocument();
  });

  it('shows an error when the selected runbook cannot be loaded', async () => {
    await render(
      mockMajorOpsApi({
        listRunbooks: async () => ({ items: [failover] }),
        getRunbook: () => Promise.reject(new Error('No runbook with id rb-404')),
      }),
      ['/?runbook=rb-404'],
    );
    expect(await screen.findByText('Error: Could not load the runbook')).toBeInTheDocument();
    expect(screen.getAllByText(/No runbook with id rb-404/).length).toBeGreaterThan(0);
    expect(screen.getByText('Runbooks (1)')).toBeInTheDocument();
  });
});
