import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import IconButton from '@material-ui/core/IconButton';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import DeleteIcon from '@material-ui/icons/Delete';
import { editedTimelineRows, type TimelineEvent } from '@majorops/plugin-majorops-common';
import { DraftTimelineRow, formatUtcMinute, newRowKey, timelineRowAt } from './postmortemDraft';

/** Where a row came from: the incident's timeline (as generated, or edited since), or added by hand. */
function origin(row: DraftTimelineRow, edited: Set<string>): string {
  if (!row.sourceEventId) return 'added by hand';
  return edited.has(row.sourceEventId) ? 'from the incident timeline, edited' : 'from the incident timeline';
}

/**
 * The post-mortem's timeline (UTC): rows generated from the incident's events
 * say so, every row can be edited or removed, and rows can be added.
 */
export function TimelineRowsEditor(props: {
  rows: DraftTimelineRow[];
  /** The incident's events, to tell generated rows that were edited. */
  events?: TimelineEvent[];
  onChange: (rows: DraftTimelineRow[]) => void;
  disabled?: boolean;
}) {
  const { rows, onChange } = props;
  const edited = props.events
    ? editedTimelineRows(
        rows.map(row => ({ at: timelineRowAt(row) ?? row.time, text: row.text, sourceEventId: row.sourceEventId })),
        props.events,
      )
    : new Set<string>();
  const update = (key: string, change: Partial<DraftTimelineRow>) =>
    onChange(rows.map(row => (row.key === key ? { ...row, ...change } : row)));
  const add = () => {
    const last = rows[rows.length - 1];
    const time = last ? last.time : formatUtcMinute(new Date().toISOString());
    onChange([...rows, { key: newRowKey(), time, text: '' }]);
  };

  return (
    <Box mt={2} role="group" aria-label="Post-mortem timeline">
      <Typography variant="subtitle1">Timeline (UTC)</Typography>
      {rows.length === 0 && (
        <Typography variant="body2" color="textSecondary">
          No rows yet.
        </Typography>
      )}
      {rows.map((row, index) => {
        const timeInvalid = !timelineRowAt(row);
        return (
          <Box key={row.key} display="flex" alignItems="flex-start" style={{ gap: 8 }} data-testid="postmortem-timeline-row">
            <TextField
              id={`postmortem-timeline-time-${row.key}`}
              label={`Time of row ${index + 1}`}
              value={row.time}
              onChange={e => update(row.key, { time: e.target.value })}
              variant="outlined"
              margin="dense"
              style={{ width: 190, flexShrink: 0 }}
              error={timeInvalid}
              helperText={timeInvalid ? 'YYYY-MM-DD HH:mm (UTC)' : origin(row, edited)}
              disabled={props.disabled}
            />
            <TextField
              id={`postmortem-timeline-text-${row.key}`}
              label={`Event of row ${index + 1}`}
              value={row.text}
              onChange={e => update(row.key, { text: e.target.value })}
              fullWidth
              variant="outlined"
              margin="dense"
              disabled={props.disabled}
            />
            {!props.disabled && (
              <IconButton
                size="small"
                style={{ marginTop: 14 }}
                aria-label={`Remove row ${index + 1}`}
                onClick={() => onChange(rows.filter(r => r.key !== row.key))}
              >
                <DeleteIcon fontSize="small" />
              </IconButton>
            )}
          </Box>
        );
      })}
      {!props.disabled && (
        <Button size="small" onClick={add}>
          Add timeline row
        </Button>
      )}
    </Box>
  );
}
