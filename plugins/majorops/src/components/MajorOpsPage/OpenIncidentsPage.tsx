import {
  Content,
  Header,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { Incident } from '@majorops/plugin-majorops-common';
import useAsync from 'react-use/esm/useAsync';
import { majorOpsApiRef } from '../../api';
import { SeverityChip } from '../SeverityChip';
import { PendingSurveysLink } from '../Surveys';
import { timeAgo } from '../time';
import { useIncidentLink } from '../useIncidentLink';

/** Every open incident in the organisation, most severe first. */
export function OpenIncidentsPage() {
  const api = useApi(majorOpsApiRef);
  const incidentLink = useIncidentLink();
  const { value, loading, error } = useAsync(
    () => api.listIncidents({ status: ['open'], limit: 200 }),
    [api],
  );
  const columns: TableColumn<Incident>[] = [
    { title: 'Severity', field: 'severity', render: i => <SeverityChip severity={i.severity} /> },
    { title: 'Title', field: 'title', render: i => <Link to={incidentLink(i.id)}>{i.title}</Link> },
    { title: 'Status', field: 'status' },
    {
      title: 'Affected',
      render: i => (
        <>
          {i.entities.map(e => (
            <div key={e.entityRef}>
              <EntityRefLink entityRef={e.entityRef} />
            </div>
          ))}
        </>
      ),
    },
    { title: 'Declared', render: i => timeAgo(i.milestones.declaredAt) },
  ];
  return (
    <Page themeId="tool">
      <Header title="MajorOps" subtitle="Open incidents across the organisation">
        <PendingSurveysLink color="inherit" />
      </Header>
      <Content>
        {loading && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {value && (
          <Table<Incident>
            title={`Open incidents (${value.items.length})`}
            options={{ paging: false, padding: 'dense' }}
            columns={columns}
            data={[...value.items].sort((a, b) => a.severity.localeCompare(b.severity))}
            emptyContent={<div style={{ padding: 16 }}>No open incidents.</div>}
          />
        )}
      </Content>
    </Page>
  );
}
