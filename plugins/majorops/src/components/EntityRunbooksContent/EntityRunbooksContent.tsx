import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import type { Runbook } from '@majorops/plugin-majorops-common';
import useAsync from 'react-use/esm/useAsync';
import { majorOpsApiRef } from '../../api';
import { timeAgo } from '../time';

const columns: TableColumn<Runbook>[] = [
  { title: 'Title', field: 'title' },
  {
    title: 'Last tested',
    render: runbook => (runbook.lastTestedAt ? timeAgo(runbook.lastTestedAt) : 'never'),
  },
  { title: 'Updated', render: runbook => timeAgo(runbook.updatedAt) },
];

/**
 * The Runbooks tab of an entity page.
 *
 * @public
 */
export function EntityRunbooksContent() {
  const { entity } = useEntity();
  const api = useApi(majorOpsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error } = useAsync(
    () => api.listRunbooks({ entityRef, limit: 100 }),
    [api, entityRef],
  );

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value || value.items.length === 0) {
    return (
      <EmptyState
        missing="content"
        title="No runbooks yet"
        description={`${entityRef} has no runbook in MajorOps. A runbook written from the template (quick reference, detection, diagnosis, remediation, verification, communication) and tested quarterly is what the on-call engineer reaches for at 3 AM.`}
      />
    );
  }
  return (
    <Table<Runbook>
      title={`Runbooks (${value.items.length})`}
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={columns}
      data={value.items}
    />
  );
}
