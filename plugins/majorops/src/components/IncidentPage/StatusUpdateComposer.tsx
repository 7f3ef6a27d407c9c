import { InfoCard } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  renderStatusUpdate,
  STATUS_UPDATE_AUDIENCES,
  type Incident,
  type StatusUpdateAudience,
  type StatusUpdateRequest,
} from '@majorops/plugin-majorops-common';
import { FormEvent, useState } from 'react';

/**
 * Writes a status update in CAN format (Conditions, Actions, Needs) and shows
 * how it reads for the chosen audience before it is posted.
 */
export function StatusUpdateComposer(props: {
  incident: Incident;
  cadenceMinutes: number;
  busy: boolean;
  onPost: (update: StatusUpdateRequest) => Promise<boolean>;
}) {
  const [audience, setAudience] = useState<StatusUpdateAudience>('engineering');
  const [conditions, setConditions] = useState('');
  const [actions, setActions] = useState('');
  const [needs, setNeeds] = useState('');
  const preview = renderStatusUpdate(
    audience,
    {
      severity: props.incident.severity,
      title: props.incident.title,
      services: props.incident.entities.map(e => e.entityRef.split('/').pop()!),
      status: props.incident.status,
      nextUpdateMinutes: props.cadenceMinutes,
    },
    { conditions: conditions || '…', actions: actions || '…', needs },
  );
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const posted = await props.onPost({ audience, conditions, actions, needs });
    if (posted) {
      setConditions('');
      setActions('');
      setNeeds('');
    }
  };
  return (
    <InfoCard title="Post a status update">
      <form onSubmit={submit} aria-label="Status update">
        <FormControl variant="outlined" margin="dense" fullWidth>
          <InputLabel id="audience-label">Audience</InputLabel>
          <Select
            labelId="audience-label"
            label="Audience"
            value={audience}
            onChange={e => setAudience(e.target.value as StatusUpdateAudience)}
          >
            {STATUS_UPDATE_AUDIENCES.map(a => (
              <MenuItem key={a} value={a}>
                {a}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        {(
          [
            ['conditions', 'Conditions: what is happening now', conditions, setConditions, true],
            ['actions', 'Actions: what is being done', actions, setActions, true],
            ['needs', 'Needs: help or decisions required', needs, setNeeds, false],
          ] as const
        ).map(([key, label, value, setValue, required]) => (
          <TextField
            key={key}
            id={`status-update-${key}`}
            label={label}
            value={value}
            onChange={e => setValue(e.target.value)}
            required={required}
            fullWidth
            multiline
            variant="outlined"
            margin="dense"
            helperText={
              key === 'needs'
                ? 'Leave empty only if nothing is needed; complete CAN updates count toward communication quality'
                : undefined
            }
          />
        ))}
        <Typography variant="caption" component="div">
          Preview ({audience}): <strong>{preview.subject}</strong>
        </Typography>
        <Typography variant="body2" component="pre" style={{ whiteSpace: 'pre-wrap' }}>
          {preview.text}
        </Typography>
        <Button
          type="submit"
          variant="contained"
          color="primary"
          disabled={props.busy || !conditions.trim() || !actions.trim()}
        >
          Post update
        </Button>
      </form>
    </InfoCard>
  );
}
