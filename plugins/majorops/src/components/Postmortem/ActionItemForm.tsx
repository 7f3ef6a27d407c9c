import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import {
  ACTION_ITEM_PRIORITIES,
  createActionItemSchema,
  type ActionItemPriority,
  type CreateActionItemRequest,
} from '@majorops/plugin-majorops-common';
import { FormEvent, useState } from 'react';

type Field = 'title' | 'ownerRef' | 'priority' | 'dueDate' | 'trackerUrl';

const OWNER_HINT = 'A user or group ref: user:default/jane or group:default/payments-team';

/**
 * A new action item: title, owner (user or group ref), priority, due date and
 * an optional tracker link. The fields are checked with the same schema as the
 * backend before anything is sent; the form is cleared once the item is created.
 */
export function ActionItemForm(props: {
  busy: boolean;
  onCreate: (request: CreateActionItemRequest) => Promise<boolean>;
}) {
  const [title, setTitle] = useState('');
  const [ownerRef, setOwnerRef] = useState('');
  const [priority, setPriority] = useState<ActionItemPriority>('P2');
  const [dueDate, setDueDate] = useState('');
  const [trackerUrl, setTrackerUrl] = useState('');
  const [problems, setProblems] = useState<Partial<Record<Field, string>>>({});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const request: CreateActionItemRequest = {
      title,
      ownerRef: ownerRef.trim(),
      priority,
      dueDate,
      ...(trackerUrl.trim() ? { trackerUrl: trackerUrl.trim() } : {}),
    };
    const parsed = createActionItemSchema.safeParse(request);
    if (!parsed.success) {
      const found: Partial<Record<Field, string>> = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as Field;
        found[field] ??= issue.message;
      }
      setProblems(found);
      return;
    }
    setProblems({});
    if (await props.onCreate(request)) {
      setTitle('');
      setOwnerRef('');
      setPriority('P2');
      setDueDate('');
      setTrackerUrl('');
    }
  };

  const fieldProps = (field: Field) => ({
    id: `action-item-${field}`,
    variant: 'outlined' as const,
    margin: 'dense' as const,
    error: !!problems[field],
  });

  return (
    <form onSubmit={submit} aria-label="New action item">
      <Box display="flex" flexWrap="wrap" alignItems="flex-start" style={{ gap: 8 }}>
        <TextField
          {...fieldProps('title')}
          label="Action"
          value={title}
          onChange={e => setTitle(e.target.value)}
          helperText={problems.title}
          style={{ flex: '2 1 260px' }}
        />
        <TextField
          {...fieldProps('ownerRef')}
          label="Owner"
          value={ownerRef}
          onChange={e => setOwnerRef(e.target.value)}
          placeholder="group:default/payments-team"
          helperText={problems.ownerRef ?? OWNER_HINT}
          style={{ flex: '1 1 220px' }}
        />
        <TextField
          {...fieldProps('priority')}
          select
          label="Priority"
          value={priority}
          onChange={e => setPriority(e.target.value as ActionItemPriority)}
          helperText={problems.priority}
          style={{ width: 100 }}
        >
          {ACTION_ITEM_PRIORITIES.map(p => (
            <MenuItem key={p} value={p}>
              {p}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          {...fieldProps('dueDate')}
          type="date"
          label="Due date"
          value={dueDate}
          onChange={e => setDueDate(e.target.value)}
          InputLabelProps={{ shrink: true }}
          helperText={problems.dueDate}
        />
        <TextField
          {...fieldProps('trackerUrl')}
          label="Tracker link (optional)"
          value={trackerUrl}
          onChange={e => setTrackerUrl(e.target.value)}
          helperText={problems.trackerUrl}
          style={{ flex: '1 1 220px' }}
        />
      </Box>
      <Button type="submit" variant="contained" color="primary" size="small" disabled={props.busy}>
        Add action item
      </Button>
    </form>
  );
}
