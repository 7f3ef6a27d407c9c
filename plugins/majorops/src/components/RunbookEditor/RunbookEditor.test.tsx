import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MajorOpsApi, majorOpsApiRef, RunbookView } from '../../api';
import { mockMajorOpsApi } from '../../testing/mockMajorOpsApi';
import { conflictError, runbookView } from '../EntityRunbooksContent/runbookFixtures';
import { RunbookEditor } from './RunbookEditor';

// Full renders with dialogs and typing are slow on a loaded machine.
jest.setTimeout(20_000);

async function render(api: MajorOpsApi, runbook: RunbookView = runbookView({ version: 3, revision: 3 })) {
  const onSaved = jest.fn();
  const onCancel = jest.fn();
  await renderInTestApp(
    <TestApiProvider apis={[[majorOpsApiRef, api]]}>
      <RunbookEditor runbook={runbook} onSaved={onSaved} onCancel={onCancel} />
    </TestApiProvider>,
  );
  return { onSaved, onCancel };
}

const body = () => screen.getByLabelText('Runbook (markdown)') as HTMLTextAreaElement;

describe('RunbookEditor', () => {
  it('starts with the title and body and a monospace textarea', async () => {
    await render(mockMajorOpsApi());
    expect(screen.getByLabelText(/^Title/)).toHaveValue('Database failover');
    expect(body().value).toContain('## Quick Reference');
    expect(body().tagName).toBe('TEXTAREA');
    expect((body().closest('.MuiInputBase-root') as HTMLElement).style.fontFamily).toContain('monospace');
    expect(screen.getByLabelText('Change note')).toHaveValue('');
    expect(screen.getByText('All template sections are present.')).toBeInTheDocument();
  });

  it('saves with the version it read and the change note', async () => {
    const saved = runbookView({ version: 4, revision: 4 });
    const api = mockMajorOpsApi({ updateRunbook: async () => saved });
    const { onSaved } = await render(api);

    await userEvent.clear(body());
    await userEvent.type(body(), '## Detection{enter}- new alert');
    await userEvent.clear(screen.getByLabelText(/^Title/));
    await userEvent.type(screen.getByLabelText(/^Title/), '  DB failover  ');
    await userEvent.type(screen.getByLabelText('Change note'), 'Trimmed to detection');
    expect(screen.getByText(/Missing template sections \(as "## " headings\): Quick Reference, Diagnosis/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    expect(api.updateRunbook).toHaveBeenCalledWith('rb-1', {
      version: 3,
      title: 'DB failover',
      body: '## Detection\n- new alert',
      changeNote: 'Trimmed to detection',
    });
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(saved));
  });

  it('leaves out an empty change note and cannot save without a title', async () => {
    const api = mockMajorOpsApi({ updateRunbook: async () => runbookView({ version: 4 }) });
    await render(api);
    await userEvent.clear(screen.getByLabelText(/^Title/));
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
    await userEvent.type(screen.getByLabelText(/^Title/), 'Failover');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(api.updateRunbook).toHaveBeenCalledWith('rb-1', expect.objectContaining({ version: 3, changeNote: undefined }));
  });

  it('on a 409 keeps the draft, shows the message and reloads the latest on request', async () => {
    const latest = runbookView({ version: 5, revision: 5, title: 'Database failover', body: '# Latest\n\n## Detection\nTheir change\n' });
    const api = mockMajorOpsApi({
      updateRunbook: jest
        .fn()
        .mockImplementationOnce(async () => Promise.reject(await conflictError()))
        .mockImplementationOnce(async () => runbookView({ version: 6, revision: 6 })),
      getRunbook: async () => latest,
    });
    const { onSaved } = await render(api);

    await userEvent.clear(body());
    await userEvent.type(body(), '# Mine{enter}{enter}## Detection{enter}My change');
    await userEvent.type(screen.getByLabelText('Change note'), 'My note');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Someone else saved this runbook first');
    expect(alert).toHaveTextContent('Runbook rb-1 was edited by someone else: you sent version 1, it is now at version 2.');
    expect(alert).toHaveTextContent('Your text is still in the editor.');
    expect(body()).toHaveValue('# Mine\n\n## Detection\nMy change');
    expect(screen.getByLabelText('Change note')).toHaveValue('My note');
    expect(onSaved).not.toHaveBeenCalled();

    await userEvent.click(within(alert).getByRole('button', { name: 'Reload latest' }));
    await waitFor(() => expect(body()).toHaveValue(latest.body));
    expect(api.getRunbook).toHaveBeenCalledWith('rb-1');
    expect(screen.queryByText('Someone else saved this runbook first')).not.toBeInTheDocument();
    // The draft stays visible, with what differs from the latest version.
    expect(screen.getByLabelText('Your unsaved draft')).toHaveValue('# Mine\n\n## Detection\nMy change');
    const diff = screen.getByRole('table', { name: 'Differences between the latest version and your draft' });
    expect(within(diff).getByText('My change').closest('ins')).not.toBeNull();
    expect(within(diff).getByText('Their change').closest('del')).not.toBeNull();
    expect(screen.getByLabelText('Change note')).toHaveValue('My note');

    // Taking the draft over saves it on top of the latest version.
    await userEvent.click(screen.getByRole('button', { name: 'Use my draft' }));
    expect(body()).toHaveValue('# Mine\n\n## Detection\nMy change');
    expect(screen.queryByLabelText('Your unsaved draft')).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(api.updateRunbook).toHaveBeenLastCalledWith('rb-1', {
      version: 5,
      title: 'Database failover',
      body: '# Mine\n\n## Detection\nMy change',
      changeNote: 'My note',
    });
    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(1));
  });

  it('shows other errors without "Reload latest" and keeps the text', async () => {
    const api = mockMajorOpsApi({ updateRunbook: () => Promise.reject(new Error('body is longer than 100000 characters')) });
    await render(api);
    await userEvent.type(body(), 'more');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not save');
    expect(alert).toHaveTextContent('body is longer than 100000 characters');
    expect(within(alert).queryByRole('button', { name: 'Reload latest' })).not.toBeInTheDocument();
    expect(body().value.endsWith('more')).toBe(true);
  });

  it('cancels', async () => {
    const { onCancel } = await render(mockMajorOpsApi());
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalledTimes(1);
  });
});
