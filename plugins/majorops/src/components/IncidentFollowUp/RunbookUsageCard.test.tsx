import { ResponseError } from '@backstage/errors';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import type { RunbookAdherence, RunbookUsage } from '@majorops/plugin-majorops-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { majorOpsApiRef } from '../../api';
import { runbookView } from '../EntityRunbooksContent/runbookFixtures';
import { mockMajorOpsApi } from '../../testing/mockMajorOpsApi';
import { RunbookUsageCard } from './RunbookUsageCard';

jest.setTimeout(20_000);

const CHECKOUT = 'component:default/checkout-api';
const DATABASE = 'resource:default/orders-db';

const failover = runbookView({ id: 'rb-1', title: 'Database failover', entityRef: DATABASE });
const rollback = runbookView({ id: 'rb-2', title: 'Roll back a deploy', entityRef: CHECKOUT });

function usage(runbookId: string, adherence: RunbookAdherence, deviationReason?: string): RunbookUsage {
  return {
    incidentId: 'inc-1',
    runbookId,
    runbookTitle: runbookId === 'rb-1' ? 'Database failover' : 'Roll back a deploy',
    adherence,
    deviationReason,
    recordedBy: 'user:default/jane',
    recordedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
  };
}

function fakeApi(recorded: RunbookUsage[] = []) {
  return mockMajorOpsApi({
    listRunbookUsage: async () => ({ items: recorded }),
    listRunbooks: async ({ entityRef }) => ({
      // the same runbook may come back for two entities (a system and its part)
      items: entityRef === CHECKOUT ? [rollback, failover] : [failover],
    }),
    recordRunbookUsage: async (_incidentId, runbookId, request) => ({
      ...usage(runbookId, request.adherence, request.deviationReason),
      recordedAt: new Date().toISOString(),
    }),
  });
}

async function render(api: ReturnType<typeof mockMajorOpsApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[majorOpsApiRef, api]]}>
      <RunbookUsageCard incidentId="inc-1" entityRefs={[CHECKOUT, DATABASE]} />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

async function runbookRow(id: string) {
  return within(await screen.findByTestId(`runbook-adherence-${id}`));
}

describe('RunbookUsageCard', () => {
  it('lists the runbooks of every affected entity once, with the note on documented deviations', async () => {
    const api = fakeApi();
    await render(api);
    await runbookRow('rb-1');
    expect(screen.getAllByTestId(/^runbook-adherence-/)).toHaveLength(2);
    expect(api.listRunbooks).toHaveBeenCalledWith(expect.objectContaining({ entityRef: CHECKOUT }));
    expect(api.listRunbooks).toHaveBeenCalledWith(expect.objectContaining({ entityRef: DATABASE }));
    expect(api.listRunbookUsage).toHaveBeenCalledWith('inc-1');
    expect(screen.getByText(/A documented deviation never counts against anyone/)).toBeInTheDocument();
  });

  it('shows recorded usage with who and when', async () => {
    await render(fakeApi([usage('rb-1', 'deviated', 'Replica lag too high to fail over')]));
    const recorded = (await runbookRow('rb-1')).getByTestId('runbook-usage-rb-1');
    expect(recorded).toHaveTextContent('Recorded: deviated (Replica lag too high to fail over) by jane 5 min ago');
    expect(recorded).toHaveTextContent('Does not count against anyone.');
    expect((await runbookRow('rb-1')).getByLabelText('Deviated')).toBeChecked();
    expect((await runbookRow('rb-2')).queryByTestId('runbook-usage-rb-2')).not.toBeInTheDocument();
  });

  it('records a runbook as followed', async () => {
    const api = fakeApi();
    await render(api);
    const row = await runbookRow('rb-2');
    expect(row.getByRole('button', { name: 'Record' })).toBeDisabled();
    await userEvent.click(row.getByLabelText('Followed'));
    await userEvent.click(row.getByRole('button', { name: 'Record' }));
    expect(api.recordRunbookUsage).toHaveBeenCalledWith('inc-1', 'rb-2', { adherence: 'followed', deviationReason: undefined });
    expect(await row.findByTestId('runbook-usage-rb-2')).toHaveTextContent('Recorded: followed by jane just now');
  });

  it('blocks a deviation without a reason in the form, then records it with the reason', async () => {
    const api = fakeApi();
    await render(api);
    const row = await runbookRow('rb-1');
    await userEvent.click(row.getByLabelText('Deviated'));
    const reason = row.getByLabelText(/Why did you deviate\?/);
    await userEvent.type(reason, '   ');
    await userEvent.click(row.getByRole('button', { name: 'Record' }));

    expect(row.getByRole('alert')).toHaveTextContent('Say why the responders deviated from the runbook');
    expect(api.recordRunbookUsage).not.toHaveBeenCalled();

    await userEvent.click(reason);
    await userEvent.paste('Step 4 would have dropped in-flight orders');
    await userEvent.click(row.getByRole('button', { name: 'Record' }));
    expect(api.recordRunbookUsage).toHaveBeenCalledWith('inc-1', 'rb-1', {
      adherence: 'deviated',
      deviationReason: 'Step 4 would have dropped in-flight orders',
    });
    expect(await row.findByTestId('runbook-usage-rb-1')).toHaveTextContent(
      'Recorded: deviated (Step 4 would have dropped in-flight orders)',
    );
    expect(row.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('records "not followed" with an optional reason, and says whether it counts', async () => {
    const api = fakeApi();
    await render(api);
    const row = await runbookRow('rb-2');
    await userEvent.click(row.getByLabelText('Not followed'));
    await userEvent.click(row.getByRole('button', { name: 'Record' }));
    expect(api.recordRunbookUsage).toHaveBeenLastCalledWith('inc-1', 'rb-2', {
      adherence: 'not-followed',
      deviationReason: undefined,
    });
    expect(await row.findByTestId('runbook-usage-rb-2')).toHaveTextContent(
      'Not followed without a stated reason: counts in procedural consistency.',
    );

    await userEvent.click(row.getByLabelText(/Why was it not followed\?/));
    await userEvent.paste('It does not cover a region failover');
    await userEvent.click(row.getByRole('button', { name: 'Update' }));
    expect(api.recordRunbookUsage).toHaveBeenLastCalledWith('inc-1', 'rb-2', {
      adherence: 'not-followed',
      deviationReason: 'It does not cover a region failover',
    });
    expect(await row.findByText(/Does not count against anyone\./)).toBeInTheDocument();
  });

  it("shows the server's 400 message and keeps what was entered", async () => {
    const response = new Response(
      JSON.stringify({
        error: { name: 'InputError', message: 'say why the responders deviated from the runbook (deviationReason)' },
        request: { method: 'PUT', url: '/api/majorops/incidents/inc-1/runbooks/rb-1' },
        response: { statusCode: 400 },
      }),
      { status: 400, statusText: 'Bad Request', headers: { 'content-type': 'application/json' } },
    );
    const error = await ResponseError.fromResponse(response);
    const api = fakeApi();
    api.recordRunbookUsage.mockImplementation(() => Promise.reject(error));
    await render(api);
    const row = await runbookRow('rb-1');
    await userEvent.click(row.getByLabelText('Deviated'));
    await userEvent.type(row.getByLabelText(/Why did you deviate\?/), 'x');
    await userEvent.click(row.getByRole('button', { name: 'Record' }));
    expect(await row.findByRole('alert')).toHaveTextContent(
      'say why the responders deviated from the runbook (deviationReason)',
    );
    expect(row.getByLabelText(/Why did you deviate\?/)).toHaveValue('x');
    expect(row.queryByTestId('runbook-usage-rb-1')).not.toBeInTheDocument();
  });

  it('says so when the affected entities have no runbooks', async () => {
    const api = mockMajorOpsApi({
      listRunbookUsage: async () => ({ items: [] }),
      listRunbooks: async () => ({ items: [] }),
    });
    await render(api);
    expect(await screen.findByText('The affected entities have no runbooks yet.')).toBeInTheDocument();
  });
});
