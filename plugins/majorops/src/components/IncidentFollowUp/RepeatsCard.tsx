import { InfoCard, Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { RepeatsView } from '@majorops/plugin-majorops-common';
import { useState } from 'react';
import { useLocation } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { majorOpsApiRef } from '../../api';
import { errorMessage } from '../RunbookEditor/errors';
import { timeAgo } from '../time';

type Candidate = RepeatsView['candidates'][number];

/**
 * The path of another incident's page, next to the one shown: the card lives
 * on an incident page (`…/incidents/:incidentId`).
 */
function useSiblingIncidentLink(): (incidentId: string) => string {
  const { pathname } = useLocation();
  return incidentId => pathname.replace(/[^/]*\/?$/, encodeURIComponent(incidentId));
}

function CandidateRow(props: {
  candidate: Candidate;
  busy: boolean;
  link: (incidentId: string) => string;
  onLink: (failureMode: string) => void;
}) {
  const { candidate } = props;
  const [failureMode, setFailureMode] = useState(candidate.sharedFailureModes[0] ?? '');
  const fieldId = `repeat-failure-mode-${candidate.incidentId}`;
  return (
    <ListItem divider style={{ display: 'block' }} data-testid={`repeat-candidate-${candidate.incidentId}`}>
      <Typography variant="body2">
        <Link to={props.link(candidate.incidentId)}>{candidate.title}</Link>, declared{' '}
        {new Date(candidate.declaredAt).toLocaleDateString()}
      </Typography>
      <Typography variant="caption" color="textSecondary" component="p">
        {candidate.explanation}
      </Typography>
      <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
        <TextField
          id={fieldId}
          label="Failure mode"
          value={failureMode}
          onChange={e => setFailureMode(e.target.value)}
          variant="outlined"
          margin="dense"
          size="small"
          helperText={
            candidate.sharedFailureModes.length > 1
              ? `Shared: ${candidate.sharedFailureModes.join(', ')}`
              : undefined
          }
        />
        <Button
          size="small"
          color="primary"
          disabled={props.busy || !failureMode.trim()}
          onClick={() => props.onLink(failureMode.trim())}
        >
          Link as repeat
        </Button>
      </div>
    </ListItem>
  );
}

/**
 * Earlier incidents this one repeats: the links made (with a call-out when
 * the earlier incident's action items did not prevent the recurrence) and
 * suggested earlier incidents on the same entity with the same failure mode.
 *
 * @public
 */
export function RepeatsCard(props: { incidentId: string }) {
  const api = useApi(majorOpsApiRef);
  const link = useSiblingIncidentLink();
  const [view, setView] = useState<RepeatsView | undefined>();
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | undefined>();
  const initial = useAsync(async () => {
    setView(await api.getRepeats(props.incidentId));
  }, [api, props.incidentId]);

  const change = async (action: () => Promise<RepeatsView>) => {
    setBusy(true);
    setActionError(undefined);
    try {
      setView(await action());
    } catch (e) {
      setActionError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  let content;
  if (initial.loading) content = <Progress />;
  else if (initial.error) content = <ResponseErrorPanel error={initial.error} />;
  else if (view) {
    content = (
      <>
        {actionError && <Alert severity="error">{actionError}</Alert>}
        {view.links.length === 0 && view.candidates.length === 0 && (
          <Typography variant="body2">No earlier incident with the same failure mode on these entities.</Typography>
        )}
        {view.links.length > 0 && (
          <List dense aria-label="Linked earlier incidents">
            {view.links.map(l => (
              <ListItem key={l.earlierIncidentId} divider style={{ display: 'block' }} data-testid={`repeat-link-${l.earlierIncidentId}`}>
                <Typography variant="body2">
                  Repeats <Link to={link(l.earlierIncidentId)}>{l.earlierTitle}</Link> (declared{' '}
                  {new Date(l.earlierDeclaredAt).toLocaleDateString()}): failure mode <strong>{l.failureMode}</strong>
                </Typography>
                <Typography variant="caption" color="textSecondary" component="p">
                  Its action items: {l.earlierActionItems.done} of {l.earlierActionItems.total} done,{' '}
                  {l.earlierActionItems.open} open. Linked by{' '}
                  <EntityRefLink entityRef={l.linkedBy} defaultKind="user" /> {timeAgo(l.linkedAt)}.
                </Typography>
                {l.callout && <Alert severity="warning">{l.callout}</Alert>}
                <Button
                  size="small"
                  disabled={busy}
                  onClick={() => change(() => api.unlinkRepeat(props.incidentId, l.earlierIncidentId))}
                >
                  Unlink
                </Button>
              </ListItem>
            ))}
          </List>
        )}
        {view.candidates.length > 0 && (
          <>
            <Typography variant="subtitle2">Possible repeats</Typography>
            <List dense aria-label="Possible repeats">
              {view.candidates.map(c => (
                <CandidateRow
                  key={c.incidentId}
                  candidate={c}
                  busy={busy}
                  link={link}
                  onLink={failureMode =>
                    change(() => api.linkRepeat(props.incidentId, { earlierIncidentId: c.incidentId, failureMode }))
                  }
                />
              ))}
            </List>
          </>
        )}
      </>
    );
  }

  return (
    <InfoCard title="Repeat incidents" subheader="Same failure mode on the same entity: did the last fix hold?">
      {content}
    </InfoCard>
  );
}
