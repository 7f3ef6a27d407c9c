import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  INCIDENT_ROLE_TITLES,
  INCIDENT_ROLES,
} from '@majorops/plugin-majorops-common';
import useAsync from 'react-use/esm/useAsync';
import { majorOpsApiRef } from '../../api';
import { timeAgo } from '../time';

/**
 * The Reputation tab of a User entity: the person's part in incidents.
 *
 * @public
 */
export function EntityReputationContent() {
  const { entity } = useEntity();
  const api = useApi(majorOpsApiRef);
  const userRef = stringifyEntityRef(entity);
  const { value, loading, error } = useAsync(() => api.getReputation(userRef), [api, userRef]);

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const participation = value!.participation;
  const name = entity.metadata.title ?? entity.metadata.name;
  if (participation.incidents === 0) {
    return (
      <EmptyState
        missing="data"
        title="No incident history yet"
        description={`${name} has not held a role in any incident recorded by MajorOps. Reputation is earned from incident history, never from tenure.`}
      />
    );
  }
  const roles: Record<string, string | number> = {};
  for (const role of INCIDENT_ROLES) {
    const count = participation.rolesHeld[role];
    if (count) roles[INCIDENT_ROLE_TITLES[role]] = count;
  }
  return (
    <InfoCard title={`${name} in incidents`}>
      <StructuredMetadataTable
        metadata={{
          'Incidents taken part in': participation.incidents,
          ...roles,
          'Most recent incident': participation.lastIncidentAt ? timeAgo(participation.lastIncidentAt) : '—',
        }}
      />
    </InfoCard>
  );
}
