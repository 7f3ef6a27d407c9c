import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import { ReadyCommandersCard } from '../Suggestions';
import { ResponderRankingCard } from './ResponderRankingCard';

/**
 * The Reputation tab of a Group entity: its members' responder ranking with
 * workload beside every score, and who is ready to command now.
 *
 * @public
 */
export function EntityGroupReputationContent() {
  const { entity } = useEntity();
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <ResponderRankingCard groupRef={stringifyEntityRef(entity)} />
      </Grid>
      <Grid item xs={12}>
        <ReadyCommandersCard groupRef={stringifyEntityRef(entity)} />
      </Grid>
    </Grid>
  );
}
