import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import { FormEvent, useState } from 'react';
import { majorOpsApiRef, RunbookView } from '../../api';
import { errorMessage } from '../RunbookEditor';

function NewRunbookForm(props: { entityRef: string; onClose: () => void; onCreated: (runbook: RunbookView) => void }) {
  const api = useApi(majorOpsApiRef);
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!title.trim()) return;
    setBusy(true);
    setError(undefined);
    try {
      props.onCreated(await api.createRunbook({ entityRef: props.entityRef, title: title.trim() }));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit}>
      <DialogTitle id="new-runbook-dialog-title">New runbook</DialogTitle>
      <DialogContent>
        <DialogContentText>
          The runbook starts from the template: quick reference, detection, diagnosis, remediation, verification and
          communication. You edit it next.
        </DialogContentText>
        {error !== undefined && <Alert severity="error">{errorMessage(error)}</Alert>}
        <TextField
          id="new-runbook-title"
          label="Runbook title"
          value={title}
          onChange={e => setTitle(e.target.value)}
          required
          autoFocus
          fullWidth
          variant="outlined"
          margin="dense"
          inputProps={{ maxLength: 200 }}
          helperText="The failure it handles: 'Database failover', 'Kafka consumer lag'"
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose} disabled={busy}>
          Cancel
        </Button>
        <Button type="submit" color="primary" variant="contained" disabled={busy || !title.trim()}>
          Create
        </Button>
      </DialogActions>
    </form>
  );
}

/** Asks for a title and creates a runbook from the template. */
export function NewRunbookDialog(props: {
  open: boolean;
  entityRef: string;
  onClose: () => void;
  onCreated: (runbook: RunbookView) => void;
}) {
  return (
    <Dialog open={props.open} onClose={props.onClose} maxWidth="sm" fullWidth aria-labelledby="new-runbook-dialog-title">
      <NewRunbookForm entityRef={props.entityRef} onClose={props.onClose} onCreated={props.onCreated} />
    </Dialog>
  );
}
