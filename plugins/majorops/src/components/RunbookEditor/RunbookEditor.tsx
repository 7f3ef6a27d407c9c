import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { missingRunbookSections } from '@majorops/plugin-majorops-common';
import { FormEvent, useState } from 'react';
import { majorOpsApiRef, RunbookView } from '../../api';
import { LineDiffView } from '../RunbookRevisions';
import { errorMessage, isConflict } from './errors';

export interface RunbookEditorProps {
  runbook: RunbookView;
  onSaved: (runbook: RunbookView) => void;
  onCancel: () => void;
}

interface Draft {
  title: string;
  body: string;
}

const monospace = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: '0.9rem' };

/** The user's text kept after a conflict, next to the latest saved version. */
function UnsavedDraft(props: { draft: Draft; latest: Draft; onUse: () => void; onDiscard: () => void }) {
  return (
    <Box mt={2}>
      <Alert severity="info">
        <AlertTitle>Your unsaved draft</AlertTitle>
        The editor now holds the latest saved version. Your draft is kept below: copy what you need into the editor,
        or use your draft as it is (it then replaces the latest version when you save).
      </Alert>
      <Typography variant="body2">Title of your draft: {props.draft.title}</Typography>
      <Box mt={1}>
        <TextField
          id="runbook-unsaved-draft"
          label="Your unsaved draft"
          value={props.draft.body}
          multiline
          minRows={8}
          maxRows={20}
          fullWidth
          variant="outlined"
          InputProps={{ readOnly: true, style: monospace }}
        />
      </Box>
      <Typography variant="subtitle2">Your draft compared with the latest version</Typography>
      <LineDiffView
        oldText={props.latest.body}
        newText={props.draft.body}
        label="Differences between the latest version and your draft"
      />
      <Box display="flex" style={{ gap: 8 }} mt={1}>
        <Button variant="outlined" onClick={props.onUse}>
          Use my draft
        </Button>
        <Button onClick={props.onDiscard}>Discard my draft</Button>
      </Box>
    </Box>
  );
}

/**
 * Edits a runbook: title, markdown body and a change note. Saving sends the
 * version it was read at; when someone else saved in between (409) the text
 * stays as typed and "Reload latest" brings the latest version in while
 * keeping the draft visible, so nothing is lost.
 */
export function RunbookEditor(props: RunbookEditorProps) {
  const api = useApi(majorOpsApiRef);
  const [base, setBase] = useState<RunbookView>(props.runbook);
  const [title, setTitle] = useState(props.runbook.title);
  const [body, setBody] = useState(props.runbook.body);
  const [changeNote, setChangeNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [unsaved, setUnsaved] = useState<Draft | undefined>();

  const missing = missingRunbookSections(body);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const saved = await api.updateRunbook(base.id, {
        version: base.version,
        title: title.trim(),
        body,
        changeNote: changeNote.trim() || undefined,
      });
      props.onSaved(saved);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const reloadLatest = async () => {
    setBusy(true);
    try {
      const latest = await api.getRunbook(base.id);
      setUnsaved({ title, body });
      setBase(latest);
      setTitle(latest.title);
      setBody(latest.body);
      setError(undefined);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <InfoCard title={`Edit runbook: ${base.title}`} subheader={`Editing revision ${base.revision}`}>
      <form onSubmit={save}>
        {error !== undefined && (
          <Box mb={2}>
            <Alert
              severity="error"
              action={
                isConflict(error) ? (
                  <Button color="inherit" size="small" onClick={reloadLatest} disabled={busy}>
                    Reload latest
                  </Button>
                ) : undefined
              }
            >
              <AlertTitle>{isConflict(error) ? 'Someone else saved this runbook first' : 'Could not save'}</AlertTitle>
              {errorMessage(error)}
              {isConflict(error) && ' Your text is still in the editor.'}
            </Alert>
          </Box>
        )}
        <TextField
          id="runbook-title"
          label="Title"
          value={title}
          onChange={e => setTitle(e.target.value)}
          required
          fullWidth
          variant="outlined"
          margin="dense"
          inputProps={{ maxLength: 200 }}
        />
        <TextField
          id="runbook-body"
          label="Runbook (markdown)"
          value={body}
          onChange={e => setBody(e.target.value)}
          multiline
          minRows={20}
          fullWidth
          variant="outlined"
          margin="dense"
          InputProps={{ style: monospace }}
          helperText={
            missing.length > 0
              ? `Missing template sections (as "## " headings): ${missing.join(', ')}`
              : 'All template sections are present.'
          }
        />
        <TextField
          id="runbook-change-note"
          label="Change note"
          value={changeNote}
          onChange={e => setChangeNote(e.target.value)}
          fullWidth
          variant="outlined"
          margin="dense"
          inputProps={{ maxLength: 500 }}
          helperText="What changed and why, for the revision history"
        />
        <Box display="flex" style={{ gap: 8 }} mt={1}>
          <Button type="submit" variant="contained" color="primary" disabled={busy || title.trim() === ''}>
            Save
          </Button>
          <Button onClick={props.onCancel} disabled={busy}>
            Cancel
          </Button>
        </Box>
      </form>
      {unsaved && (
        <UnsavedDraft
          draft={unsaved}
          latest={{ title: base.title, body: base.body }}
          onUse={() => {
            setTitle(unsaved.title);
            setBody(unsaved.body);
            setUnsaved(undefined);
          }}
          onDiscard={() => setUnsaved(undefined)}
        />
      )}
    </InfoCard>
  );
}
