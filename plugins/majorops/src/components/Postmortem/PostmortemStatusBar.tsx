import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  POSTMORTEM_TRANSITIONS,
  type MissingSection,
  type PostmortemDeadline,
  type PostmortemStatus,
  type PostmortemView,
} from '@majorops/plugin-majorops-common';

/** What the button for a status change says, from where the post-mortem is. */
export function postmortemTransitionLabel(from: PostmortemStatus, to: PostmortemStatus): string {
  if (to === 'review') return from === 'final' ? 'Reopen' : 'Send to review';
  if (to === 'final') return 'Make final';
  return 'Back to draft';
}

const STATUS_COLOURS: Record<PostmortemStatus, { backgroundColor: string; color: string }> = {
  draft: { backgroundColor: '#546e7a', color: '#ffffff' },
  review: { backgroundColor: '#1565c0', color: '#ffffff' },
  final: { backgroundColor: '#2e7d32', color: '#ffffff' },
};

/** The deadline in a few words: due in N h, overdue by N h, met, late. */
export function deadlineLabel(deadline: PostmortemDeadline): string {
  switch (deadline.state) {
    case 'due':
      return `Due in ${deadline.hours ?? 0} h`;
    case 'overdue':
      return `Overdue by ${deadline.hours ?? 0} h`;
    case 'met':
      return 'Deadline met';
    case 'late':
      return `Final ${deadline.hours ?? 0} h late`;
    case 'incident-open':
      return 'Deadline starts at resolution';
    default:
      return 'No deadline';
  }
}

/** The deadline line, red when overdue. */
export function DeadlineLine(props: { deadline: PostmortemDeadline }) {
  const { deadline } = props;
  const colour = deadline.state === 'overdue' || deadline.state === 'late' ? 'error' : 'textPrimary';
  return (
    <Typography variant="body2" color={colour} data-testid="postmortem-deadline" data-deadline={deadline.state}>
      <strong>{deadlineLabel(deadline)}</strong>
      {deadline.dueAt && ` (due ${new Date(deadline.dueAt).toLocaleString()})`} · {deadline.explanation}
    </Typography>
  );
}

/** Sections still empty before the post-mortem can go to review or become final. */
function MissingSections(props: { missing: MissingSection[]; status: PostmortemStatus }) {
  if (props.status === 'final') return null;
  if (props.missing.length === 0) {
    return (
      <Alert severity="success" data-testid="postmortem-missing">
        Every section is filled in.
      </Alert>
    );
  }
  return (
    <Alert severity="info" data-testid="postmortem-missing">
      Before {props.status === 'draft' ? 'review' : 'it becomes final'}, fill in:{' '}
      {props.missing.map(m => m.label).join(', ')}.
    </Alert>
  );
}

/**
 * Where the post-mortem stands (status, kind, deadline), what it still lacks,
 * and the status changes allowed from here.
 */
export function PostmortemStatusBar(props: {
  view: PostmortemView;
  missing: MissingSection[];
  busy: boolean;
  onTransition: (to: PostmortemStatus) => void;
}) {
  const { view } = props;
  return (
    <Box mb={2}>
      <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 8 }}>
        <Chip
          size="small"
          label={view.status}
          style={{ ...STATUS_COLOURS[view.status], fontWeight: 600 }}
          data-testid="postmortem-status"
        />
        <Typography variant="body2">{view.kind === 'full' ? 'Full post-mortem' : 'Summary'}</Typography>
        <Typography variant="body2" color="textSecondary">
          {view.requirement.explanation}
        </Typography>
        <Box flexGrow={1} />
        {POSTMORTEM_TRANSITIONS[view.status].map(to => (
          <Button
            key={to}
            variant={to === 'draft' ? 'outlined' : 'contained'}
            color="primary"
            size="small"
            disabled={props.busy}
            onClick={() => props.onTransition(to)}
          >
            {postmortemTransitionLabel(view.status, to)}
          </Button>
        ))}
      </Box>
      <DeadlineLine deadline={view.deadline} />
      <MissingSections missing={props.missing} status={view.status} />
    </Box>
  );
}
