import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import type { DrillKind, DrillOutcome, RunbookDrill } from '@majorops/plugin-majorops-common';
import { FormEvent, useState } from 'react';
import { majorOpsApiRef } from '../../api';
import { errorMessage } from '../RunbookEditor';
import { CatalogEntityPicker } from '../UserPicker';
import { fromDatetimeLocal, toDatetimeLocal } from './datetime';

export interface DrillDialogProps {
  open: boolean;
  runbook: { id: string; title: string };
  onClose: () => void;
  /** Called once the drill is recorded; the runbook's freshness may have changed. */
  onRecorded: (drill: RunbookDrill) => void;
}

/** A drill may be recorded up to this long "in the future", for clocks that run ahead. */
const CLOCK_SKEW_MS = 2 * 60_000;

function DrillForm(props: DrillDialogProps) {
  const api = useApi(majorOpsApiRef);
  const [kind, setKind] = useState<DrillKind>('drill');
  const [outcome, setOutcome] = useState<DrillOutcome | ''>('');
  const [performedAt, setPerformedAt] = useState(() => toDatetimeLocal(new Date()));
  const [participants, setParticipants] = useState<string[]>([]);
  const [notes, setNotes] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const performedAtIso = fromDatetimeLocal(performedAt);
  const inFuture = performedAtIso !== undefined && Date.parse(performedAtIso) > Date.now() + CLOCK_SKEW_MS;
  let performedAtProblem: string | undefined;
  if (!performedAtIso) performedAtProblem = 'Enter the date and time the drill took place';
  else if (inFuture) performedAtProblem = 'This lies in the future: record a drill once it has taken place';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!outcome || !performedAtIso || inFuture) return;
    setBusy(true);
    setError(undefined);
    try {
      const drill = await api.recordDrill(props.runbook.id, {
        kind,
        outcome,
        performedAt: performedAtIso,
        participants,
        notes: notes.trim() || undefined,
      });
      props.onRecorded(drill);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit}>
      <DialogTitle id="drill-dialog-title">Record a drill or game day</DialogTitle>
      <DialogContent>
        <DialogContentText>
          {props.runbook.title}: only a passed drill or game day updates "last tested".
        </DialogContentText>
        {error !== undefined && <Alert severity="error">{errorMessage(error)}</Alert>}
        <TextField
          id="drill-kind"
          label="Kind"
          select
          SelectProps={{ native: true }}
          value={kind}
          onChange={e => setKind(e.target.value as DrillKind)}
          fullWidth
          variant="outlined"
          margin="dense"
        >
          <option value="drill">Drill</option>
          <option value="game-day">Game day</option>
        </TextField>
        <TextField
          id="drill-outcome"
          label="Outcome"
          select
          SelectProps={{ native: true }}
          value={outcome}
          onChange={e => setOutcome(e.target.value as DrillOutcome | '')}
          required
          fullWidth
          variant="outlined"
          margin="dense"
          helperText="Passed: the runbook worked as written. Partial or failed: fix the runbook and drill again."
        >
          <option value="" disabled>
            Choose the outcome
          </option>
          <option value="passed">Passed</option>
          <option value="partial">Partial</option>
          <option value="failed">Failed</option>
        </TextField>
        <TextField
          id="drill-performed-at"
          label="Performed at"
          type="datetime-local"
          value={performedAt}
          onChange={e => setPerformedAt(e.target.value)}
          required
          fullWidth
          variant="outlined"
          margin="dense"
          InputLabelProps={{ shrink: true }}
          error={performedAtProblem !== undefined}
          helperText={performedAtProblem ?? 'Your local time'}
        />
        <CatalogEntityPicker
          id="drill-participants"
          kinds={['User']}
          label="Participants"
          multiple
          value={participants}
          onChange={setParticipants}
        />
        <TextField
          id="drill-notes"
          label="Notes"
          value={notes}
          onChange={e => setNotes(e.target.value)}
          multiline
          minRows={3}
          fullWidth
          variant="outlined"
          margin="dense"
          inputProps={{ maxLength: 5000 }}
          helperText="What worked, what did not, what to change in the runbook"
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose} disabled={busy}>
          Cancel
        </Button>
        <Button
          type="submit"
          color="primary"
          variant="contained"
          disabled={busy || !outcome || performedAtProblem !== undefined}
        >
          Save drill
        </Button>
      </DialogActions>
    </form>
  );
}

/** Records a drill or game day of a runbook: kind, outcome, when, who took part and notes. */
export function DrillDialog(props: DrillDialogProps) {
  return (
    <Dialog open={props.open} onClose={props.onClose} maxWidth="sm" fullWidth aria-labelledby="drill-dialog-title">
      <DrillForm {...props} />
    </Dialog>
  );
}
