import { InfoCard, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Link from '@material-ui/core/Link';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import {
  ACTION_ITEM_STATUSES,
  actionItemState,
  type ActionItemStatus,
  type ActionItemView,
  type CreateActionItemRequest,
} from '@majorops/plugin-majorops-common';
import { useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { majorOpsApiRef } from '../../api';
import { errorMessage, isConflict } from '../RunbookEditor';
import { ActionItemForm } from './ActionItemForm';
import { ActionItemStateChip } from './ActionItemStateChip';

export interface ActionItemsCardProps {
  incidentId: string;
  /** Called with the items whenever they are loaded or changed. */
  onItemsChange?: (items: ActionItemView[]) => void;
}

/** One action item: its fields, where it stands, and its status as an inline choice. */
function ActionItemRow(props: {
  item: ActionItemView;
  now: string;
  busy: boolean;
  onStatus: (status: ActionItemStatus) => void;
}) {
  const { item } = props;
  return (
    <TableRow data-testid={`action-item-${item.id}`}>
      <TableCell>
        {item.title}
        {item.trackerUrl && (
          <>
            {' '}
            <Link href={item.trackerUrl} target="_blank" rel="noopener noreferrer">
              tracker
            </Link>
          </>
        )}
      </TableCell>
      <TableCell>
        <EntityRefLink entityRef={item.ownerRef} />
      </TableCell>
      <TableCell>{item.priority}</TableCell>
      <TableCell style={{ whiteSpace: 'nowrap' }}>{item.dueDate}</TableCell>
      <TableCell>
        <Select
          value={item.status}
          disabled={props.busy}
          onChange={e => props.onStatus(e.target.value as ActionItemStatus)}
          inputProps={{ 'aria-label': `Status of ${item.title}` }}
          SelectDisplayProps={{ 'aria-label': `Status of ${item.title}: ${item.status}` } as any}
        >
          {ACTION_ITEM_STATUSES.map(s => (
            <MenuItem key={s} value={s}>
              {s}
            </MenuItem>
          ))}
        </Select>
      </TableCell>
      <TableCell>
        <ActionItemStateChip state={actionItemState(item, props.now)} />
      </TableCell>
    </TableRow>
  );
}

/**
 * The incident's action items: who does what by when, where each stands
 * (overdue in red), a status that can be changed in place, and a form to add one.
 */
export function ActionItemsCard(props: ActionItemsCardProps) {
  const { incidentId, onItemsChange } = props;
  const api = useApi(majorOpsApiRef);
  const [items, setItems] = useState<ActionItemView[] | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const loaded = useAsyncRetry(async () => {
    const page = await api.listActionItems(incidentId);
    setItems(page.items);
  }, [api, incidentId]);

  useEffect(() => {
    if (items) onItemsChange?.(items);
  }, [items, onItemsChange]);

  const change = async (action: () => Promise<ActionItemView>): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      const saved = await action();
      setItems(current => {
        const list = current ?? [];
        return list.some(i => i.id === saved.id) ? list.map(i => (i.id === saved.id ? saved : i)) : [...list, saved];
      });
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const create = (request: CreateActionItemRequest) => change(() => api.createActionItem(incidentId, request));
  const setStatus = (item: ActionItemView, status: ActionItemStatus) =>
    change(() => api.updateActionItem(incidentId, item.id, { version: item.version, status }));
  const reload = () => {
    setError(undefined);
    loaded.retry();
  };

  if (!items && loaded.loading) {
    return (
      <InfoCard title="Action items">
        <Progress />
      </InfoCard>
    );
  }
  if (!items && loaded.error) {
    return (
      <InfoCard title="Action items">
        <ResponseErrorPanel error={loaded.error} />
      </InfoCard>
    );
  }
  const now = new Date().toISOString();
  const list = items ?? [];

  return (
    <InfoCard title="Action items" subheader="Owner, priority and due date for each follow-up">
      {error !== undefined && (
        <Box mb={2}>
          <Alert
            severity="error"
            action={
              isConflict(error) ? (
                <Button color="inherit" size="small" onClick={reload} disabled={busy}>
                  Reload
                </Button>
              ) : undefined
            }
          >
            <AlertTitle>{isConflict(error) ? 'Someone else changed this action item first' : 'Not saved'}</AlertTitle>
            {errorMessage(error)}
          </Alert>
        </Box>
      )}
      {list.length === 0 ? (
        <Typography variant="body2">No action items yet.</Typography>
      ) : (
        <Table size="small" aria-label="Action items">
          <TableHead>
            <TableRow>
              <TableCell>Action</TableCell>
              <TableCell>Owner</TableCell>
              <TableCell>Priority</TableCell>
              <TableCell>Due</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>State</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {list.map(item => (
              <ActionItemRow
                key={item.id}
                item={item}
                now={now}
                busy={busy}
                onStatus={status => setStatus(item, status)}
              />
            ))}
          </TableBody>
        </Table>
      )}
      <Box mt={2}>
        <ActionItemForm busy={busy} onCreate={create} />
      </Box>
    </InfoCard>
  );
}
