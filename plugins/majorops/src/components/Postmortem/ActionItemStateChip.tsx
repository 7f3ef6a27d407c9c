import Chip from '@material-ui/core/Chip';
import type { ActionItemState } from '@majorops/plugin-majorops-common';

const LABELS: Record<ActionItemState, string> = {
  open: 'open',
  overdue: 'overdue',
  'done-on-time': 'done on time',
  'done-late': 'done late',
  cancelled: 'cancelled',
};

/** Overdue is red; done late is amber: it closed, but after its day. */
const COLOURS: Record<ActionItemState, { backgroundColor: string; color: string }> = {
  open: { backgroundColor: '#1565c0', color: '#ffffff' },
  overdue: { backgroundColor: '#b71c1c', color: '#ffffff' },
  'done-on-time': { backgroundColor: '#2e7d32', color: '#ffffff' },
  'done-late': { backgroundColor: '#ffb300', color: '#000000' },
  cancelled: { backgroundColor: '#9e9e9e', color: '#000000' },
};

/** Where an action item stands against its due date. */
export function ActionItemStateChip(props: { state: ActionItemState }) {
  return (
    <Chip
      size="small"
      label={LABELS[props.state]}
      data-state={props.state}
      style={{ ...COLOURS[props.state], fontWeight: 600 }}
    />
  );
}
