import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { majorOpsApiRef } from '../../api';
import { NotAllowedPanel } from '../NotAllowed';
import { CandidateItem } from './CandidateItem';
import { nameOf, useUserNames } from './useUserNames';

/**
 * A team's members who could command a SEV1 or SEV2 now, best first, with the
 * reasons. Who to call, not a roster: nobody is assigned from here.
 *
 * @public
 */
export function ReadyCommandersCard(props: { groupRef: string }) {
  const api = useApi(majorOpsApiRef);
  const { value, loading, error } = useAsync(() => api.getReadyCommanders(props.groupRef), [api, props.groupRef]);
  const items = value?.items ?? [];
  const names = useUserNames(items.map(c => c.userRef));
  return (
    <InfoCard title="Ready commanders" subheader="Members who could command a SEV1 or SEV2 now, best first">
      {loading && <Progress />}
      {error && (
        <NotAllowedPanel error={error} title="This team's ready commanders are not yours to see">
          Who is ready to command draws on reputation data; ask the team's lead or an incident-management lead.
        </NotAllowedPanel>
      )}
      {value && items.length === 0 && (
        <Typography variant="body2" data-testid="ready-commanders-none">
          No one on this team is ready to command a SEV1 or SEV2 right now.
        </Typography>
      )}
      {items.length > 0 && (
        <>
          <ul style={{ margin: 0, paddingLeft: 0 }} aria-label="Ready commanders">
            {items.map(candidate => (
              <CandidateItem
                key={candidate.userRef}
                candidate={candidate}
                name={nameOf(names, candidate.userRef, candidate.displayName)}
                link
                showReasons
                testId={`ready-${candidate.userRef}`}
              />
            ))}
          </ul>
          <Typography variant="caption" color="textSecondary" component="p" style={{ marginTop: 8 }}>
            A suggestion, never an assignment: the incident commander makes the call.
          </Typography>
        </>
      )}
    </InfoCard>
  );
}
