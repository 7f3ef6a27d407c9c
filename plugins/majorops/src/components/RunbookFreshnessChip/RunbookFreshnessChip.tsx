import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import type { RunbookFreshness, RunbookFreshnessStatus } from '@majorops/plugin-majorops-common';

const LABELS: Record<RunbookFreshnessStatus, string> = {
  'never-tested': 'never tested',
  stale: 'stale',
  'due-soon': 'due soon',
  fresh: 'fresh',
};

/** Never tested is as bad as stale: both are red. */
const COLOURS: Record<RunbookFreshnessStatus, { backgroundColor: string; color: string }> = {
  'never-tested': { backgroundColor: '#b71c1c', color: '#ffffff' },
  stale: { backgroundColor: '#b71c1c', color: '#ffffff' },
  'due-soon': { backgroundColor: '#ffb300', color: '#000000' },
  fresh: { backgroundColor: '#2e7d32', color: '#ffffff' },
};

/** The label of a freshness status, as the badge shows it. */
export function freshnessLabel(status: RunbookFreshnessStatus): string {
  return LABELS[status];
}

/** Whether a runbook needs a drill before anyone relies on it. */
export function needsDrill(freshness: RunbookFreshness): boolean {
  return freshness.status === 'stale' || freshness.status === 'never-tested';
}

/** A badge with how fresh a runbook is; the explanation is its tooltip. */
export function RunbookFreshnessChip(props: { freshness: RunbookFreshness }) {
  const { status, explanation } = props.freshness;
  return (
    <Tooltip title={explanation}>
      <Chip
        size="small"
        label={LABELS[status]}
        data-freshness={status}
        style={{ ...COLOURS[status], fontWeight: 600 }}
      />
    </Tooltip>
  );
}
