import { InfoCard } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import TextField from '@material-ui/core/TextField';
import {
  HYPOTHESIS_TIMEBOX_MINUTES,
  type Hypothesis,
} from '@majorops/plugin-majorops-common';
import { FormEvent, useState } from 'react';
import { timeAgo } from '../time';

function remaining(h: Hypothesis, now: Date): string {
  const minutes = Math.ceil((Date.parse(h.timeboxEndsAt) - now.getTime()) / 60000);
  return minutes > 0 ? `${minutes} min left` : 'timebox over: pivot or escalate';
}

/** Investigation paths, each with a 15-minute timebox. */
export function HypothesesCard(props: {
  hypotheses: Hypothesis[];
  canOpen: boolean;
  busy: boolean;
  now: Date;
  onOpen: (statement: string) => Promise<boolean>;
  onResolve: (id: string, status: 'confirmed' | 'refuted') => void;
}) {
  const [statement, setStatement] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await props.onOpen(statement)) setStatement('');
  };
  return (
    <InfoCard title="Hypotheses" subheader={`Each path gets ${HYPOTHESIS_TIMEBOX_MINUTES} minutes, then pivot`}>
      <List dense>
        {props.hypotheses.length === 0 && (
          <ListItem>
            <ListItemText primary="No hypothesis yet." />
          </ListItem>
        )}
        {props.hypotheses.map(h => (
          <ListItem key={h.id}>
            <ListItemText
              primary={h.statement}
              secondary={
                h.status === 'open'
                  ? `open, ${remaining(h, props.now)}`
                  : `${h.status}${h.resolvedAt ? ` ${timeAgo(h.resolvedAt, props.now)}` : ''}`
              }
            />
            {(h.status === 'open' || h.status === 'expired') && (
              <>
                <Button size="small" disabled={props.busy} onClick={() => props.onResolve(h.id, 'confirmed')}>
                  Confirm
                </Button>
                <Button size="small" disabled={props.busy} onClick={() => props.onResolve(h.id, 'refuted')}>
                  Refute
                </Button>
              </>
            )}
          </ListItem>
        ))}
      </List>
      {props.canOpen && (
        <form onSubmit={submit} aria-label="New hypothesis">
          <TextField
            id="hypothesis-statement"
            label="Hypothesis"
            value={statement}
            onChange={e => setStatement(e.target.value)}
            fullWidth
            variant="outlined"
            margin="dense"
            placeholder="Bad config deploy at 13:55"
          />
          <Button type="submit" size="small" disabled={props.busy || !statement.trim()}>
            Start {HYPOTHESIS_TIMEBOX_MINUTES}-minute timebox
          </Button>
        </form>
      )}
    </InfoCard>
  );
}
