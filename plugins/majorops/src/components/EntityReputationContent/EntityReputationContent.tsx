import { stringifyEntityRef } from '@backstage/catalog-model';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { majorOpsApiRef } from '../../api';
import { NotAllowedPanel } from '../NotAllowed';
import { ContributionsCard } from './ContributionsCard';
import { LedgerCard } from './LedgerCard';
import { MetricsCard } from './MetricsCard';
import { PeerFeedbackCard } from './PeerFeedbackCard';
import { ReputationSummary } from './ReputationSummary';
import { ResponderActions } from './ResponderActions';
import { TrainingCard } from './TrainingCard';
import { WorkloadCard } from './WorkloadCard';

/**
 * The Reputation tab of a User entity: the Response Reputation Score with
 * every part explained — level, SRE Champion badge, the six metrics and what
 * moved them, the trend, workload beside the score, the ledger, training,
 * peer feedback aggregates and knowledge contributions.
 *
 * @public
 */
export function EntityReputationContent() {
  const { entity } = useEntity();
  const api = useApi(majorOpsApiRef);
  const userRef = stringifyEntityRef(entity);
  const name = entity.metadata.title ?? entity.metadata.name;
  const { value: view, loading, error, retry } = useAsyncRetry(
    () => api.getResponderReputation(userRef),
    [api, userRef],
  );

  if (loading && !view) return <Progress />;
  if (error) {
    return (
      <NotAllowedPanel error={error} title="This reputation is not yours to see">
        Everyone can see their own reputation. Seeing {name}'s needs the majorops.reputation.read
        permission for them, which the leads of their groups usually hold. Reputation is a
        calibration aid for the people concerned, not something to browse.
      </NotAllowedPanel>
    );
  }
  if (!view) return null;
  return (
    <Grid container spacing={3}>
      {view.participation.incidents === 0 && (
        <Grid item xs={12}>
          <Alert severity="info">
            No incident history yet: {name} has not held a role in any incident recorded by MajorOps.
            Reputation is earned from incident history, never from tenure; until then every metric
            sits at the neutral value.
          </Alert>
        </Grid>
      )}
      <Grid item xs={12}>
        <ReputationSummary view={view} />
      </Grid>
      <Grid item xs={12}>
        <WorkloadCard workload={view.workload} />
      </Grid>
      <Grid item xs={12}>
        <MetricsCard view={view} />
      </Grid>
      <Grid item xs={12} md={6}>
        <PeerFeedbackCard feedback={view.peerFeedback} />
      </Grid>
      <Grid item xs={12} md={6}>
        <ContributionsCard view={view} />
      </Grid>
      <Grid item xs={12}>
        <TrainingCard
          training={view.training}
          action={<ResponderActions userRef={userRef} suspended={view.level.suspended} onChanged={retry} />}
        />
      </Grid>
      <Grid item xs={12}>
        <LedgerCard userRef={userRef} />
      </Grid>
    </Grid>
  );
}
