import { Entity } from '@backstage/catalog-model';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import type { RunbookDrill } from '@majorops/plugin-majorops-common';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MajorOpsApi, majorOpsApiRef, RecordDrillRequest } from '../../api';
import { mockMajorOpsApi } from '../../testing/mockMajorOpsApi';
import { DrillDialog } from './DrillDialog';
import { toDatetimeLocal } from './datetime';

// Full renders with dialogs and typing are slow on a loaded machine.
jest.setTimeout(20_000);

const users: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'jane', namespace: 'default' },
    spec: { profile: { displayName: 'Jane Doe' }, memberOf: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'bob', namespace: 'default' },
    spec: { profile: { displayName: 'Bob Builder' }, memberOf: [] },
  },
];

function recorded(request: RecordDrillRequest): RunbookDrill {
  return {
    id: 'd-1',
    runbookId: 'rb-1',
    participants: [],
    notes: '',
    ...request,
    recordedBy: 'user:default/jane',
    recordedAt: new Date().toISOString(),
  };
}

async function render(api: MajorOpsApi) {
  const onRecorded = jest.fn();
  const onClose = jest.fn();
  await renderInTestApp(
    <TestApiProvider apis={[[majorOpsApiRef, api], [catalogApiRef, catalogApiMock({ entities: users })]]}>
      <DrillDialog open runbook={{ id: 'rb-1', title: 'Database failover' }} onClose={onClose} onRecorded={onRecorded} />
    </TestApiProvider>,
  );
  return { onRecorded, onClose };
}

const save = () => screen.getByRole('button', { name: 'Save drill' });

describe('DrillDialog', () => {
  it('labels every field and starts at now, as a drill, with no outcome chosen', async () => {
    const before = toDatetimeLocal(new Date());
    await render(mockMajorOpsApi());
    expect(screen.getByRole('dialog', { name: 'Record a drill or game day' })).toBeInTheDocument();
    expect(screen.getByLabelText('Kind')).toHaveValue('drill');
    expect(screen.getByLabelText(/^Outcome/)).toHaveValue('');
    const performedAt = screen.getByLabelText(/^Performed at/) as HTMLInputElement;
    expect(performedAt.type).toBe('datetime-local');
    expect([before, toDatetimeLocal(new Date())]).toContain(performedAt.value);
    expect(screen.getByLabelText('Participants')).toBeInTheDocument();
    expect(screen.getByLabelText('Notes')).toBeInTheDocument();
    // The outcome has to be chosen: nobody records "passed" by accident.
    expect(save()).toBeDisabled();
  });

  it('records kind, outcome, performedAt as ISO UTC, participants and notes', async () => {
    const api = mockMajorOpsApi({ recordDrill: async (_id, request) => recorded(request) });
    const { onRecorded } = await render(api);

    await userEvent.selectOptions(screen.getByLabelText('Kind'), 'game-day');
    await userEvent.selectOptions(screen.getByLabelText(/^Outcome/), 'partial');
    fireEvent.change(screen.getByLabelText(/^Performed at/), { target: { value: '2026-03-01T10:30' } });
    await userEvent.click(screen.getByLabelText('Participants'));
    await userEvent.click(await screen.findByRole('option', { name: 'Jane Doe (user:default/jane)' }));
    await userEvent.click(screen.getByLabelText('Participants'));
    await userEvent.click(await screen.findByRole('option', { name: 'Bob Builder (user:default/bob)' }));
    await userEvent.type(screen.getByLabelText('Notes'), '  Replica promotion took 4 min  ');
    await userEvent.click(save());

    expect(api.recordDrill).toHaveBeenCalledWith('rb-1', {
      kind: 'game-day',
      outcome: 'partial',
      performedAt: new Date(2026, 2, 1, 10, 30).toISOString(),
      participants: ['user:default/jane', 'user:default/bob'],
      notes: 'Replica promotion took 4 min',
    });
    const performedAt = api.recordDrill.mock.calls[0][1].performedAt;
    expect(performedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    await waitFor(() => expect(onRecorded).toHaveBeenCalledWith(expect.objectContaining({ outcome: 'partial' })));
  });

  it('sends a passed drill performed now without notes or participants', async () => {
    const api = mockMajorOpsApi({ recordDrill: async (_id, request) => recorded(request) });
    await render(api);
    await userEvent.selectOptions(screen.getByLabelText(/^Outcome/), 'passed');
    await userEvent.click(save());
    const [id, request] = api.recordDrill.mock.calls[0];
    expect(id).toBe('rb-1');
    expect(request).toEqual({
      kind: 'drill',
      outcome: 'passed',
      performedAt: expect.any(String),
      participants: [],
      notes: undefined,
    });
    expect(Math.abs(Date.parse(request.performedAt) - Date.now())).toBeLessThan(2 * 60_000);
  });

  it('refuses a time in the future or no time at all', async () => {
    await render(mockMajorOpsApi());
    await userEvent.selectOptions(screen.getByLabelText(/^Outcome/), 'passed');
    const future = new Date(Date.now() + 60 * 60_000);
    fireEvent.change(screen.getByLabelText(/^Performed at/), { target: { value: toDatetimeLocal(future) } });
    expect(screen.getByText(/lies in the future/)).toBeInTheDocument();
    expect(save()).toBeDisabled();
    fireEvent.change(screen.getByLabelText(/^Performed at/), { target: { value: '' } });
    expect(screen.getByText('Enter the date and time the drill took place')).toBeInTheDocument();
    expect(save()).toBeDisabled();
  });

  it('shows the backend error and stays open', async () => {
    const api = mockMajorOpsApi({ recordDrill: () => Promise.reject(new Error('participants: not a user ref')) });
    const { onRecorded } = await render(api);
    await userEvent.selectOptions(screen.getByLabelText(/^Outcome/), 'failed');
    await userEvent.click(save());
    expect(await screen.findByText('participants: not a user ref')).toBeInTheDocument();
    expect(onRecorded).not.toHaveBeenCalled();
    expect(save()).toBeEnabled();
  });

  it('cancels', async () => {
    const { onClose } = await render(mockMajorOpsApi());
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
