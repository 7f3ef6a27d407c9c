import { InfoCard, Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { ActionItemView, OverduePostmortem } from '@majorops/plugin-majorops-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { majorOpsApiRef } from '../../api';
import { SeverityChip } from '../SeverityChip';
import { timeAgo } from '../time';
import { useIncidentLink } from '../useIncidentLink';

const HOUR = 60 * 60 * 1000;
const PAGE_SIZE = 20;

/** Whole hours past the deadline: the backend's figure, or from the due time when it gave none. */
function hoursOverdue(item: OverduePostmortem, now: Date): number | undefined {
  if (item.deadline.hours !== undefined) return item.deadline.hours;
  if (!item.deadline.dueAt) return undefined;
  return Math.max(1, Math.ceil((now.getTime() - Date.parse(item.deadline.dueAt)) / HOUR));
}

function OverduePostmortems(props: { scope: { entityRef?: string; groupRef?: string } }) {
  const api = useApi(majorOpsApiRef);
  const incidentLink = useIncidentLink();
  const { entityRef, groupRef } = props.scope;
  const { value, loading, error } = useAsync(
    () => api.listOverduePostmortems({ entityRef, groupRef }),
    [api, entityRef, groupRef],
  );
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const items = value!.items;
  if (items.length === 0) {
    return (
      <Typography variant="body2" data-testid="overdue-postmortems-empty">
        Every required post-mortem is final or still within its deadline.
      </Typography>
    );
  }
  const now = new Date();
  return (
    <Table size="small" aria-label="Overdue post-mortems">
      <TableHead>
        <TableRow>
          <TableCell>Severity</TableCell>
          <TableCell>Incident</TableCell>
          <TableCell>Overdue by</TableCell>
          <TableCell>Post-mortem</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {items.map(item => {
          const hours = hoursOverdue(item, now);
          return (
            <TableRow key={item.incidentId}>
              <TableCell>
                <SeverityChip severity={item.severity} />
              </TableCell>
              <TableCell>
                <Link to={incidentLink(item.incidentId)}>{item.incidentTitle}</Link>
              </TableCell>
              <TableCell title={item.deadline.explanation}>{hours === undefined ? '–' : `${hours} h`}</TableCell>
              <TableCell>{item.postmortemStatus ?? ''}</TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

function OverdueActionItems(props: { scope: { entityRef?: string; groupRef?: string } }) {
  const api = useApi(majorOpsApiRef);
  const incidentLink = useIncidentLink();
  const { entityRef, groupRef } = props.scope;
  const [items, setItems] = useState<ActionItemView[]>([]);
  const [nextCursor, setNextCursor] = useState<string | undefined>();
  const [moreError, setMoreError] = useState<Error | undefined>();
  const [loadingMore, setLoadingMore] = useState(false);
  const request = (cursor?: string) =>
    api.findActionItems({ entityRef, groupRef, state: 'overdue', limit: PAGE_SIZE, cursor });
  const first = useAsync(async () => {
    const page = await request();
    setItems(page.items);
    setNextCursor(page.nextCursor);
    // request derives from the scope
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, entityRef, groupRef]);
  const loadMore = async () => {
    setLoadingMore(true);
    setMoreError(undefined);
    try {
      const page = await request(nextCursor);
      setItems(current => [...current, ...page.items]);
      setNextCursor(page.nextCursor);
    } catch (e) {
      setMoreError(e as Error);
    } finally {
      setLoadingMore(false);
    }
  };
  if (first.loading) return <Progress />;
  if (first.error) return <ResponseErrorPanel error={first.error} />;
  if (items.length === 0) {
    return (
      <Typography variant="body2" data-testid="overdue-action-items-empty">
        No action item is past its due date.
      </Typography>
    );
  }
  return (
    <>
      <Table size="small" aria-label="Overdue action items">
        <TableHead>
          <TableRow>
            <TableCell>Action item</TableCell>
            <TableCell>Owner</TableCell>
            <TableCell>Due</TableCell>
            <TableCell>Incident</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {items.map(item => (
            <TableRow key={item.id}>
              <TableCell>
                {item.trackerUrl ? <Link to={item.trackerUrl}>{item.title}</Link> : item.title}
              </TableCell>
              <TableCell>
                <EntityRefLink entityRef={item.ownerRef} />
              </TableCell>
              <TableCell title={`Due by the end of ${item.dueDate} (UTC)`}>
                {item.dueDate} ({timeAgo(item.dueAt)})
              </TableCell>
              <TableCell>
                <SeverityChip severity={item.incidentSeverity} />{' '}
                <Link to={incidentLink(item.incidentId)}>{item.incidentTitle}</Link>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {moreError && <ResponseErrorPanel error={moreError} />}
      {nextCursor && (
        <Button size="small" onClick={loadMore} disabled={loadingMore} style={{ marginTop: 8 }}>
          {loadingMore ? 'Loading…' : 'Show more overdue action items'}
        </Button>
      )}
    </>
  );
}

/**
 * What is late after incidents: resolved incidents whose required post-mortem
 * missed its deadline, and action items past their due date, for an entity
 * (or what a group owns).
 *
 * @public
 */
export function OverdueFollowUpsCard(props: { entityRef?: string; groupRef?: string }) {
  const scope = { entityRef: props.entityRef, groupRef: props.groupRef };
  return (
    <InfoCard title="Overdue follow-ups" subheader="Post-mortems past their deadline and action items past their due date">
      <Typography variant="subtitle2">Post-mortems</Typography>
      <OverduePostmortems scope={scope} />
      <Typography variant="subtitle2" style={{ marginTop: 16 }}>
        Action items
      </Typography>
      <OverdueActionItems scope={scope} />
    </InfoCard>
  );
}
