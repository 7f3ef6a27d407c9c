import { InfoCard } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import {
  MANUAL_TIMELINE_TYPES,
  SYSTEM_ACTOR,
  type ManualTimelineType,
  type TimelineEvent,
} from '@majorops/plugin-majorops-common';
import { FormEvent, useState } from 'react';

/** The incident's timeline, oldest first, and a form for the scribe. */
export function TimelineCard(props: {
  events: TimelineEvent[];
  canWrite: boolean;
  busy: boolean;
  onAdd: (type: ManualTimelineType, text: string) => Promise<boolean>;
}) {
  const [type, setType] = useState<ManualTimelineType>('note');
  const [text, setText] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await props.onAdd(type, text)) setText('');
  };
  return (
    <InfoCard title="Timeline (UTC)">
      <Table size="small" aria-label="Timeline">
        <TableBody>
          {props.events.map(e => (
            <TableRow key={e.id}>
              <TableCell style={{ whiteSpace: 'nowrap' }}>{e.occurredAt.slice(0, 16).replace('T', ' ')}</TableCell>
              <TableCell>{e.type}</TableCell>
              <TableCell style={{ whiteSpace: 'pre-wrap' }}>{String(e.body.subject ?? e.body.text)}</TableCell>
              <TableCell>
                {e.actorRef === SYSTEM_ACTOR ? 'MajorOps' : <EntityRefLink entityRef={e.actorRef} defaultKind="user" />}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {props.canWrite && (
        <form onSubmit={submit} aria-label="Timeline entry" style={{ display: 'flex', gap: 8, alignItems: 'center', marginTop: 8 }}>
          <Select
            value={type}
            onChange={e => setType(e.target.value as ManualTimelineType)}
            inputProps={{ 'aria-label': 'Entry type' }}
            SelectDisplayProps={{ 'aria-label': `Entry type: ${type}` } as any}
          >
            {MANUAL_TIMELINE_TYPES.map(t => (
              <MenuItem key={t} value={t}>
                {t}
              </MenuItem>
            ))}
          </Select>
          <TextField
            id="timeline-entry-text"
            label="What happened"
            value={text}
            onChange={e => setText(e.target.value)}
            fullWidth
            variant="outlined"
            margin="dense"
          />
          <Button type="submit" disabled={props.busy || !text.trim()}>
            Add
          </Button>
        </form>
      )}
    </InfoCard>
  );
}
