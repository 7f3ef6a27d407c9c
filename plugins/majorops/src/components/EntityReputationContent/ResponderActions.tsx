import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import { TRAINING_KINDS, TRAINING_TITLES, type TrainingKind } from '@majorops/plugin-majorops-common';
import { useState } from 'react';
import { majorOpsApiRef } from '../../api';
import { isNotAllowed } from '../NotAllowed';

type Action = 'training' | 'suspend' | 'lift';

const TITLES: Record<Action, string> = {
  training: 'Record training',
  suspend: 'Suspend responder',
  lift: 'Lift suspension',
};

/** A date field's `YYYY-MM-DD` as the start of that day in UTC. */
function dayToIso(day: string): string {
  return new Date(`${day}T00:00:00.000Z`).toISOString();
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * What holders of majorops.responder.manage can do on a responder's profile:
 * record training, suspend pending a retraining review, lift a suspension.
 * The buttons are shown to everyone (the frontend cannot know the permission
 * beforehand); the first 403 replaces them with a note saying who may use them.
 */
export function ResponderActions(props: { userRef: string; suspended: boolean; onChanged: () => void }) {
  const api = useApi(majorOpsApiRef);
  const [open, setOpen] = useState<Action | undefined>();
  const [forbidden, setForbidden] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [kind, setKind] = useState<TrainingKind>(TRAINING_KINDS[0]);
  const [issuer, setIssuer] = useState('');
  const [completedAt, setCompletedAt] = useState(today());
  const [expiresAt, setExpiresAt] = useState('');
  const [reason, setReason] = useState('');
  const [reviewAt, setReviewAt] = useState('');
  const [note, setNote] = useState('');

  if (forbidden) {
    return (
      <Alert severity="info" data-testid="responder-actions-forbidden">
        Recording this person's training and suspending them is for people with the
        majorops.responder.manage permission for them, usually the leads of their groups. Ask one of
        them if something here needs changing.
      </Alert>
    );
  }

  const close = () => {
    setOpen(undefined);
    setError(undefined);
  };

  const valid =
    open === 'training'
      ? issuer.trim() !== '' && completedAt !== ''
      : open === 'suspend'
        ? reason.trim() !== '' && reviewAt !== ''
        : note.trim() !== '';

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      if (open === 'training') {
        await api.recordTraining(props.userRef, {
          kind,
          issuer: issuer.trim(),
          completedAt: dayToIso(completedAt),
          ...(expiresAt ? { expiresAt: dayToIso(expiresAt) } : {}),
        });
      } else if (open === 'suspend') {
        await api.suspendResponder(props.userRef, { reason: reason.trim(), reviewAt: dayToIso(reviewAt) });
      } else if (open === 'lift') {
        await api.liftSuspension(props.userRef, { note: note.trim() });
      }
      close();
      setIssuer('');
      setExpiresAt('');
      setReason('');
      setReviewAt('');
      setNote('');
      props.onChanged();
    } catch (e) {
      if (isNotAllowed(e)) {
        close();
        setForbidden(true);
      } else {
        setError(e instanceof Error ? e.message : String(e));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button size="small" variant="outlined" onClick={() => setOpen('training')}>
        Record training
      </Button>{' '}
      {props.suspended ? (
        <Button size="small" variant="outlined" onClick={() => setOpen('lift')}>
          Lift suspension
        </Button>
      ) : (
        <Button size="small" variant="outlined" onClick={() => setOpen('suspend')}>
          Suspend
        </Button>
      )}
      <Dialog open={open !== undefined} onClose={close} fullWidth maxWidth="sm" aria-labelledby="responder-action-title">
        <DialogTitle id="responder-action-title">{open ? TITLES[open] : ''}</DialogTitle>
        <DialogContent>
          {error && (
            <Alert severity="error" style={{ marginBottom: 8 }}>
              {error}
            </Alert>
          )}
          {open === 'training' && (
            <>
              <TextField
                select
                fullWidth
                margin="dense"
                id="responder-training-kind"
                label="Training"
                value={kind}
                onChange={e => setKind(e.target.value as TrainingKind)}
              >
                {TRAINING_KINDS.map(k => (
                  <MenuItem key={k} value={k}>
                    {TRAINING_TITLES[k]}
                  </MenuItem>
                ))}
              </TextField>
              <TextField fullWidth margin="dense" required id="responder-training-issuer"
                label="Issuer" value={issuer} onChange={e => setIssuer(e.target.value)} />
              <TextField
                fullWidth
                margin="dense"
                required
                type="date"
                id="responder-training-completed"
                label="Completed on"
                InputLabelProps={{ shrink: true }}
                value={completedAt}
                onChange={e => setCompletedAt(e.target.value)}
              />
              <TextField
                fullWidth
                margin="dense"
                type="date"
                id="responder-training-expires"
                label="Expires on (optional)"
                InputLabelProps={{ shrink: true }}
                value={expiresAt}
                onChange={e => setExpiresAt(e.target.value)}
              />
            </>
          )}
          {open === 'suspend' && (
            <>
              <TextField
                fullWidth
                margin="dense"
                required
                multiline
                id="responder-suspend-reason"
                label="Reason"
                helperText="The responder sees this reason on their profile."
                value={reason}
                onChange={e => setReason(e.target.value)}
              />
              <TextField
                fullWidth
                margin="dense"
                required
                type="date"
                id="responder-suspend-review"
                label="Retraining review on"
                InputLabelProps={{ shrink: true }}
                value={reviewAt}
                onChange={e => setReviewAt(e.target.value)}
              />
            </>
          )}
          {open === 'lift' && (
            <TextField
              fullWidth
              margin="dense"
              required
              multiline
              id="responder-lift-note"
                label="Review outcome"
              value={note}
              onChange={e => setNote(e.target.value)}
            />
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={close}>Cancel</Button>
          <Button color="primary" variant="contained" disabled={!valid || busy} onClick={submit}>
            {open ? TITLES[open] : 'Save'}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
