import { InfoCard, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Alert from '@material-ui/lab/Alert';
import { INCIDENT_ROLE_TITLES, type AssignmentCandidate, type Incident } from '@majorops/plugin-majorops-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { majorOpsApiRef } from '../../api';
import { NotAllowedPanel } from '../NotAllowed';
import { isConflict } from './isConflict';
import { peopleOf, SuggestionsView, type AcceptableRole } from './SuggestionsView';
import { normalizeRef, useUserNames } from './useUserNames';

type AcceptOutcome =
  | { kind: 'accepted'; message: string }
  | { kind: 'stale' }
  | { kind: 'failed'; error: Error };

/**
 * Best-fit incident commander, operations chief and experts for an open
 * incident, each with the reasons behind it. "Accept" assigns the role (as
 * the signed-in user, at the incident's version) and records the acceptance;
 * the page then reloads the incident through `onChanged`.
 *
 * @public
 */
export function SuggestionsCard(props: {
  incident: Pick<Incident, 'id' | 'version' | 'roles'>;
  /** Reloads the incident after an acceptance, or after a 409 showed it was stale. */
  onChanged?: () => void;
  /** Whether suggestions may be accepted here (true on the incident page). */
  canAccept?: boolean;
}) {
  const { incident, onChanged, canAccept = true } = props;
  const api = useApi(majorOpsApiRef);
  // Loaded again whenever the incident changes: a new commander changes who is suggested.
  const state = useAsync(() => api.getSuggestions(incident.id), [api, incident.id, incident.version]);
  const names = useUserNames(peopleOf(state.value));
  const [accepting, setAccepting] = useState(false);
  const [outcome, setOutcome] = useState<AcceptOutcome | undefined>();

  const holds = (role: AcceptableRole, userRef: string) =>
    incident.roles.some(r => r.role === role && normalizeRef(r.userRef) === normalizeRef(userRef));

  const accept = async (role: AcceptableRole, candidate: AssignmentCandidate, name: string) => {
    setAccepting(true);
    setOutcome(undefined);
    try {
      await api.acceptSuggestion(incident.id, { role, userRef: candidate.userRef, version: incident.version });
      setOutcome({ kind: 'accepted', message: `${name} is now ${INCIDENT_ROLE_TITLES[role]}.` });
      onChanged?.();
    } catch (e) {
      if (isConflict(e)) {
        setOutcome({ kind: 'stale' });
        onChanged?.();
      } else {
        setOutcome({ kind: 'failed', error: e as Error });
      }
    } finally {
      setAccepting(false);
    }
  };

  return (
    <InfoCard title="Suggested roles" subheader="Best fit by reputation, ownership, track record and availability">
      {outcome?.kind === 'accepted' && (
        <Alert severity="success" role="status" style={{ marginBottom: 8 }}>
          {outcome.message}
        </Alert>
      )}
      {outcome?.kind === 'stale' && (
        <Alert severity="warning" style={{ marginBottom: 8 }} data-testid="suggestion-conflict">
          The incident changed since you loaded it, so nothing was accepted. It has been reloaded: check the
          roles and the suggestions, then accept again if it still fits.
        </Alert>
      )}
      {outcome?.kind === 'failed' && (
        <NotAllowedPanel error={outcome.error} title="You may not assign this role">
          Accepting a suggestion assigns the role, which needs permission to command this incident.
        </NotAllowedPanel>
      )}
      {state.loading && !state.value && <Progress />}
      {state.error && !state.value && (
        <NotAllowedPanel error={state.error} title="Suggestions are not yours to see">
          Role suggestions draw on reputation data; ask an incident-management lead if you need them.
        </NotAllowedPanel>
      )}
      {state.value && (
        <SuggestionsView
          suggestions={state.value}
          names={names}
          link
          note={
            canAccept
              ? 'A suggestion, never an assignment: nobody gets a role until someone accepts.'
              : undefined
          }
          actionFor={
            canAccept
              ? (role, candidate, name) =>
                  holds(role, candidate.userRef) ? (
                    <Chip size="small" label={`${INCIDENT_ROLE_TITLES[role]} now`} />
                  ) : (
                    <Button
                      size="small"
                      color="primary"
                      variant="outlined"
                      disabled={accepting}
                      aria-label={`Accept ${name} as ${INCIDENT_ROLE_TITLES[role]}`}
                      onClick={() => accept(role, candidate, name)}
                    >
                      Accept
                    </Button>
                  )
              : undefined
          }
        />
      )}
      {state.error && state.value && <ResponseErrorPanel error={state.error} />}
    </InfoCard>
  );
}
