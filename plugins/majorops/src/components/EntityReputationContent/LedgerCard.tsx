import { InfoCard, Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { REPUTATION_METRIC_TITLES } from '@majorops/plugin-majorops-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { majorOpsApiRef } from '../../api';
import { useIncidentLink } from '../useIncidentLink';

/** Ledger lines per page. */
export const LEDGER_PAGE_SIZE = 20;

/** Every score event behind the reputation, newest first, a page at a time. */
export function LedgerCard(props: { userRef: string }) {
  const api = useApi(majorOpsApiRef);
  const incidentLink = useIncidentLink();
  // The cursors of the pages before the current one; the last is the current page's.
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const { value, loading, error } = useAsync(
    () => api.listLedger(props.userRef, { limit: LEDGER_PAGE_SIZE, cursor }),
    [api, props.userRef, cursor],
  );
  const page = cursors.length;
  return (
    <InfoCard title="Ledger" subheader="Every point of the score, explained: newest first">
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && value.items.length === 0 && page === 1 && (
        <Typography variant="body2">No score events yet.</Typography>
      )}
      {value && value.items.length > 0 && (
        <Table size="small" aria-label="Ledger">
          <TableHead>
            <TableRow>
              <TableCell>When</TableCell>
              <TableCell>Metric</TableCell>
              <TableCell align="right">Value</TableCell>
              <TableCell align="right">Weight</TableCell>
              <TableCell>Reason</TableCell>
              <TableCell>Incident</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {value.items.map(entry => (
              <TableRow key={entry.id}>
                <TableCell>{entry.occurredAt.slice(0, 10)}</TableCell>
                <TableCell>{REPUTATION_METRIC_TITLES[entry.metric] ?? entry.metric}</TableCell>
                <TableCell align="right">{entry.value}</TableCell>
                <TableCell align="right">{entry.weight ?? 1}</TableCell>
                <TableCell>
                  {entry.reason}
                  {entry.externalCause ? ' (third-party cause: can raise, never lower)' : ''}
                </TableCell>
                <TableCell>
                  {entry.incidentId ? (
                    <Link to={incidentLink(entry.incidentId)}>
                      {entry.severity ? `${entry.severity} ` : ''}
                      {entry.incidentTitle ?? entry.incidentId}
                    </Link>
                  ) : (
                    '—'
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, marginTop: 8 }}>
        <Button size="small" disabled={page === 1 || loading} onClick={() => setCursors(c => c.slice(0, -1))}>
          Newer
        </Button>
        <Typography variant="caption">Page {page}</Typography>
        <Button
          size="small"
          disabled={loading || !value?.nextCursor}
          onClick={() => value?.nextCursor && setCursors(c => [...c, value.nextCursor])}
        >
          Older
        </Button>
      </div>
    </InfoCard>
  );
}
