import Grid from '@material-ui/core/Grid';
import type { ActionItemView, Incident, TimelineEvent } from '@majorops/plugin-majorops-common';
import { useCallback, useState } from 'react';
import { ActionItemsCard } from './ActionItemsCard';
import { PostmortemCard } from './PostmortemCard';

/**
 * The learning loop of an incident, as a full-width row of the incident page:
 * the post-mortem, then its action items. The post-mortem's missing sections
 * follow the action items as they are added.
 */
export function PostmortemSection(props: { incident: Incident; events?: TimelineEvent[] }) {
  const [actionItemCount, setActionItemCount] = useState<number | undefined>();
  // Cancelled items lead nowhere: like the backend, only the others count toward the template.
  const onItemsChange = useCallback(
    (items: ActionItemView[]) => setActionItemCount(items.filter(i => i.status !== 'cancelled').length),
    [],
  );
  return (
    <Grid container spacing={2} data-testid="postmortem-section">
      <Grid item xs={12}>
        <PostmortemCard incident={props.incident} events={props.events} actionItemCount={actionItemCount} />
      </Grid>
      <Grid item xs={12}>
        <ActionItemsCard incidentId={props.incident.id} onItemsChange={onItemsChange} />
      </Grid>
    </Grid>
  );
}
