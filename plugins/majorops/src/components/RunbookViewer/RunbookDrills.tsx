import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { DrillOutcome } from '@majorops/plugin-majorops-common';
import useAsync from 'react-use/esm/useAsync';
import { majorOpsApiRef } from '../../api';

const OUTCOME_COLOURS: Record<DrillOutcome, string> = {
  passed: '#2e7d32',
  partial: '#b26a00',
  failed: '#b71c1c',
};

/** The drills and game days recorded for a runbook, newest first. */
export function RunbookDrills(props: { runbookId: string; reloadKey?: number }) {
  const api = useApi(majorOpsApiRef);
  const { value, loading, error } = useAsync(
    () => api.listDrills(props.runbookId),
    [api, props.runbookId, props.reloadKey],
  );
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} title="Could not load the drills" />;
  const drills = value?.items ?? [];
  if (drills.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No drill or game day recorded yet.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Drills and game days">
      <TableHead>
        <TableRow>
          <TableCell>Performed</TableCell>
          <TableCell>Kind</TableCell>
          <TableCell>Outcome</TableCell>
          <TableCell>Participants</TableCell>
          <TableCell>Notes</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {drills.map(drill => (
          <TableRow key={drill.id}>
            <TableCell>{new Date(drill.performedAt).toLocaleString()}</TableCell>
            <TableCell>{drill.kind === 'game-day' ? 'game day' : 'drill'}</TableCell>
            <TableCell style={{ color: OUTCOME_COLOURS[drill.outcome], fontWeight: 600 }}>{drill.outcome}</TableCell>
            <TableCell>
              {drill.participants.length === 0
                ? '—'
                : drill.participants.map((ref, i) => (
                    <span key={ref}>
                      {i > 0 && ', '}
                      <EntityRefLink entityRef={ref} defaultKind="user" />
                    </span>
                  ))}
            </TableCell>
            <TableCell style={{ whiteSpace: 'pre-wrap' }}>{drill.notes}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
