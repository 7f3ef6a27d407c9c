import { InfoCard, StructuredMetadataTable } from '@backstage/core-components';
import {
  INCIDENT_ROLE_TITLES,
  INCIDENT_ROLES,
  type ReputationView,
} from '@majorops/plugin-majorops-common';
import { timeAgo } from '../time';

/** Peacetime work and roles held in incidents: what the score is built from. */
export function ContributionsCard(props: { view: ReputationView }) {
  const { contributions, participation } = props.view;
  const roles: Record<string, number> = {};
  for (const role of INCIDENT_ROLES) {
    const count = participation.rolesHeld[role];
    if (count) roles[INCIDENT_ROLE_TITLES[role]] = count;
  }
  return (
    <InfoCard title="Contributions" subheader="Peacetime work counts: it is what makes wartime go well">
      <StructuredMetadataTable
        metadata={{
          'Runbook revisions': contributions.runbookRevisions,
          'Drills recorded': contributions.drillsRecorded,
          'Post-mortems authored': contributions.postmortemsAuthored,
          'Post-mortems facilitated': contributions.postmortemsFacilitated,
          'Action items completed': contributions.actionItemsCompleted,
          'Shadows mentored': contributions.shadowsMentored,
          'Incidents taken part in': participation.incidents,
          ...roles,
          'Most recent incident': participation.lastIncidentAt ? timeAgo(participation.lastIncidentAt) : '—',
        }}
      />
    </InfoCard>
  );
}
