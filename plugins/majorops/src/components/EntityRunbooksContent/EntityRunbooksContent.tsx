import { stringifyEntityRef } from '@backstage/catalog-model';
import { EmptyState, Progress, ResponseErrorPanel, Table, TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Link from '@material-ui/core/Link';
import Alert from '@material-ui/lab/Alert';
import AddIcon from '@material-ui/icons/Add';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { majorOpsApiRef, RunbookView } from '../../api';
import { needsDrill, RunbookFreshnessChip } from '../RunbookFreshnessChip';
import { timeAgo } from '../time';
import { NewRunbookDialog } from './NewRunbookDialog';
import { RunbookDetail, RunbookMode } from './RunbookDetail';

/** "3 runbooks are stale or untested — …", or undefined when every runbook was drilled recently. */
export function staleWarning(runbooks: RunbookView[]): string | undefined {
  const count = runbooks.filter(r => needsDrill(r.freshness)).length;
  if (count === 0) return undefined;
  const subject = count === 1 ? '1 runbook is' : `${count} runbooks are`;
  return `${subject} stale or untested — an untested runbook is a false sense of security`;
}

function columns(select: (id: string) => void): TableColumn<RunbookView>[] {
  return [
    {
      title: 'Title',
      field: 'title',
      render: runbook => (
        <Link component="button" variant="body2" onClick={() => select(runbook.id)} style={{ textAlign: 'left' }}>
          {runbook.title}
        </Link>
      ),
    },
    { title: 'Freshness', render: runbook => <RunbookFreshnessChip freshness={runbook.freshness} /> },
    { title: 'Last tested', render: runbook => (runbook.lastTestedAt ? timeAgo(runbook.lastTestedAt) : 'never') },
    { title: 'Revision', field: 'revision', type: 'numeric', align: 'left' },
    {
      title: 'Last editor',
      render: runbook => <EntityRefLink entityRef={runbook.updatedBy} defaultKind="user" />,
    },
    { title: 'Updated', render: runbook => timeAgo(runbook.updatedAt) },
  ];
}

function parseMode(value: string | null): RunbookMode {
  return value === 'edit' || value === 'history' ? value : 'view';
}

/**
 * The Runbooks tab of an entity page: the entity's runbooks with how fresh
 * they are, and the selected runbook (`?runbook=<id>&mode=edit|history` in
 * the URL) below the list.
 *
 * @public
 */
export function EntityRunbooksContent() {
  const { entity } = useEntity();
  const api = useApi(majorOpsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const [searchParams, setSearchParams] = useSearchParams();
  const selectedId = searchParams.get('runbook') ?? undefined;
  const mode = parseMode(searchParams.get('mode'));
  const [creating, setCreating] = useState(false);
  const [listKey, setListKey] = useState(0);
  const { value, loading, error } = useAsync(
    () => api.listRunbooks({ entityRef, limit: 100 }),
    [api, entityRef, listKey],
  );

  const select = (id: string | undefined, nextMode: RunbookMode = 'view') => {
    setSearchParams(previous => {
      const next = new URLSearchParams(previous);
      if (id) next.set('runbook', id);
      else next.delete('runbook');
      if (id && nextMode !== 'view') next.set('mode', nextMode);
      else next.delete('mode');
      return next;
    });
  };
  const reloadList = () => setListKey(k => k + 1);

  const newRunbookButton = (
    <Button variant="contained" color="primary" startIcon={<AddIcon />} onClick={() => setCreating(true)}>
      New runbook
    </Button>
  );
  const dialog = (
    <NewRunbookDialog
      open={creating}
      entityRef={entityRef}
      onClose={() => setCreating(false)}
      onCreated={runbook => {
        setCreating(false);
        reloadList();
        select(runbook.id, 'edit');
      }}
    />
  );

  if (loading && !value) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const runbooks = value?.items ?? [];
  const warning = staleWarning(runbooks);

  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      {runbooks.length === 0 ? (
        <EmptyState
          missing="content"
          title="No runbooks yet"
          description={`${entityRef} has no runbook in MajorOps. A runbook written from the template (quick reference, detection, diagnosis, remediation, verification, communication) and tested quarterly is what the on-call engineer reaches for at 3 AM.`}
          action={newRunbookButton}
        />
      ) : (
        <>
          {warning && <Alert severity="warning">{warning}</Alert>}
          <Box display="flex" justifyContent="flex-end">
            {newRunbookButton}
          </Box>
          <Table<RunbookView>
            title={`Runbooks (${runbooks.length}${value?.nextCursor ? '+' : ''})`}
            options={{
              paging: false,
              search: false,
              padding: 'dense',
              rowStyle: runbook => (runbook.id === selectedId ? { backgroundColor: 'rgba(25, 118, 210, 0.08)' } : {}),
            }}
            columns={columns(id => select(id))}
            data={runbooks}
          />
        </>
      )}
      {selectedId && (
        <RunbookDetail
          key={selectedId}
          runbookId={selectedId}
          mode={mode}
          onModeChange={nextMode => select(selectedId, nextMode)}
          onClose={() => select(undefined)}
          onChanged={reloadList}
        />
      )}
      {dialog}
    </Box>
  );
}
