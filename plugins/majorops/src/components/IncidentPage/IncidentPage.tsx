import {
  Content,
  Header,
  HeaderLabel,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  INCIDENT_TRANSITIONS,
  isOpenStatus,
  type Incident,
  type IncidentStatus,
  type TimelineEvent,
} from '@majorops/plugin-majorops-common';
import { useCallback, useState } from 'react';
import { useParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { IncidentInsights, majorOpsApiRef } from '../../api';
import { RepeatsCard, RunbookUsageCard } from '../IncidentFollowUp';
import { PostmortemSection } from '../Postmortem';
import { SeverityChip } from '../SeverityChip';
import { SuggestionsCard } from '../Suggestions';
import { PendingSurveysLink } from '../Surveys';
import { durationBetween, timeAgo } from '../time';
import { HypothesesCard } from './HypothesesCard';
import { RolesCard } from './RolesCard';
import { StatusUpdateComposer } from './StatusUpdateComposer';
import { TimelineCard } from './TimelineCard';

/** What the button for moving to a status says, depending on where the incident is. */
export function transitionLabel(from: IncidentStatus, to: IncidentStatus): string {
  if (to === 'investigating') {
    if (from === 'declared') return 'Acknowledge';
    if (from === 'resolved') return 'Reopen';
    return 'Back to investigating';
  }
  switch (to) {
    case 'identified':
      return 'Root cause identified';
    case 'mitigating':
      return 'Mitigating';
    case 'monitoring':
      return 'Mitigated, monitoring';
    case 'resolved':
      return 'Resolve';
    case 'closed':
      return 'Close';
    default:
      return to;
  }
}

const MILESTONES: Array<[keyof Incident['milestones'], string]> = [
  ['impactStartedAt', 'Impact started'],
  ['detectedAt', 'Detected'],
  ['declaredAt', 'Declared'],
  ['acknowledgedAt', 'Acknowledged'],
  ['mitigatedAt', 'Mitigated'],
  ['resolvedAt', 'Resolved'],
  ['closedAt', 'Closed'],
];

interface Loaded {
  incident: Incident;
  insights: IncidentInsights;
  timeline: TimelineEvent[];
}

/** Cadence and escalation prompts at the top of the page. */
function CommandAlerts(props: { data: Loaded; now: Date }) {
  const { incident, insights } = props.data;
  const alerts = [];
  const { cadence, rootCause } = insights;
  if (isOpenStatus(incident.status) && cadence.nextDueAt) {
    const msUntilDue = Date.parse(cadence.nextDueAt) - props.now.getTime();
    const minutes = msUntilDue < 0 ? -Math.max(1, Math.round(-msUntilDue / 60000)) : Math.round(msUntilDue / 60000);
    alerts.push(
      minutes < 0 ? (
        <Alert key="cadence" severity="error">
          Status update overdue by {-minutes} min ({incident.severity} updates every{' '}
          {insights.severityLevel.updateCadenceMinutes} min). Stakeholders are waiting.
        </Alert>
      ) : (
        <Alert key="cadence" severity="info">
          Next status update due in {minutes} min (every {insights.severityLevel.updateCadenceMinutes} min for{' '}
          {incident.severity}).
        </Alert>
      ),
    );
  }
  if (cadence.missedWindows > 0) {
    alerts.push(
      <Alert key="missed" severity="warning">
        {cadence.missedWindows} status update window{cadence.missedWindows === 1 ? '' : 's'}{' '}
        {isOpenStatus(incident.status) ? 'missed so far' : 'missed during this incident'}.
      </Alert>,
    );
  }
  if (rootCause.applies && rootCause.overdue) {
    alerts.push(
      incident.rootCauseIdentifiedAt || !isOpenStatus(incident.status) ? (
        <Alert key="root-cause" severity="warning">
          {rootCause.reason}
        </Alert>
      ) : (
        <Alert key="root-cause" severity="error">
          {rootCause.reason} Escalate: {insights.severityLevel.escalation}.
        </Alert>
      ),
    );
  }
  const expired = insights.hypotheses.filter(h => h.status === 'expired');
  if (expired.length) {
    alerts.push(
      <Alert key="hypotheses" severity="warning">
        {expired.length} hypothesis timebox{expired.length === 1 ? ' is' : 'es are'} over: confirm, refute or pivot.
      </Alert>,
    );
  }
  return <>{alerts}</>;
}

/**
 * The page of one incident: header, roles, lifecycle actions, live timeline,
 * status updates with their cadence, hypotheses with their timebox, and
 * escalation prompts.
 *
 * @public
 */
export function IncidentPage() {
  const { incidentId = '' } = useParams();
  const api = useApi(majorOpsApiRef);
  const [now, setNow] = useState(new Date());
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<Error | undefined>();

  /** The whole timeline, oldest first, following the pages (bounded at 20 pages of 500). */
  const loadTimeline = useCallback(
    async (id: string) => {
      const events: TimelineEvent[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 20; page++) {
        const result = await api.listTimeline(id, { limit: 500, cursor });
        events.push(...result.items);
        cursor = result.nextCursor;
        if (!cursor) break;
      }
      return events;
    },
    [api],
  );

  const state = useAsyncRetry(async (): Promise<Loaded> => {
    const [incident, insights, timeline] = await Promise.all([
      api.getIncident(incidentId),
      api.getInsights(incidentId),
      loadTimeline(incidentId),
    ]);
    setNow(new Date());
    return { incident, insights, timeline };
  }, [api, incidentId, loadTimeline]);

  useInterval(() => setNow(new Date()), 15_000);
  useInterval(() => {
    if (!busy) state.retry();
  }, 60_000);

  /** Runs a change, shows what went wrong, and reloads either way (a 409 means someone else changed it). */
  const act = useCallback(
    async (action: () => Promise<unknown>): Promise<boolean> => {
      setBusy(true);
      setActionError(undefined);
      try {
        await action();
        return true;
      } catch (e) {
        setActionError(e as Error);
        return false;
      } finally {
        setBusy(false);
        state.retry();
      }
    },
    [state],
  );

  if (state.loading && !state.value) return <Progress />;
  if (state.error && !state.value) return <ResponseErrorPanel error={state.error} />;
  const data = state.value!;
  const { incident, insights } = data;
  const open = isOpenStatus(incident.status);

  return (
    <Page themeId="tool">
      <Header title={incident.title} subtitle={`${incident.severity} · ${incident.status}`}>
        <HeaderLabel label="Declared" value={timeAgo(incident.milestones.declaredAt, now)} />
        <HeaderLabel
          label="Commander"
          value={incident.roles.find(r => r.role === 'incident-commander')?.userRef ?? 'unassigned'}
        />
      </Header>
      <Content>
        <Grid container spacing={2}>
          <Grid item xs={12}>
            <div style={{ display: 'flex', gap: 12, alignItems: 'center', flexWrap: 'wrap' }}>
              <SeverityChip severity={incident.severity} />
              <Typography variant="h6" data-testid="incident-status">
                {incident.status}
              </Typography>
              {incident.entities.map(e => {
                const owner = e.currentOwnerRef ?? e.ownerRef;
                return (
                  <Typography key={e.entityRef} variant="body2" component="span">
                    <EntityRefLink entityRef={e.entityRef} />
                    {owner && (
                      <>
                        {' '}owned by <EntityRefLink entityRef={owner} defaultKind="group" />
                        {e.ownerRef && e.currentOwnerRef && e.ownerRef !== e.currentOwnerRef && (
                          <> (was <EntityRefLink entityRef={e.ownerRef} defaultKind="group" /> at declaration)</>
                        )}
                      </>
                    )}
                  </Typography>
                );
              })}
              {incident.externalCause && <Typography variant="body2">caused by a third party</Typography>}
              <PendingSurveysLink incidentId={incident.id} />
            </div>
            <CommandAlerts data={data} now={now} />
            {actionError && <ResponseErrorPanel error={actionError} />}
            <div style={{ display: 'flex', gap: 8, marginTop: 8 }}>
              {INCIDENT_TRANSITIONS[incident.status].map(to => (
                <Button
                  key={to}
                  variant={to === 'resolved' || (incident.status === 'declared' && to === 'investigating') ? 'contained' : 'outlined'}
                  color="primary"
                  disabled={busy}
                  onClick={() =>
                    act(() => api.transitionIncident(incident.id, { to, version: incident.version }))
                  }
                >
                  {transitionLabel(incident.status, to)}
                </Button>
              ))}
            </div>
          </Grid>
          <Grid item xs={12} md={7}>
            <TimelineCard
              events={data.timeline}
              canWrite={incident.status !== 'closed'}
              busy={busy}
              onAdd={(type, text) => act(() => api.addTimelineEntry(incident.id, { type, text }))}
            />
          </Grid>
          <Grid item xs={12} md={5}>
            <Grid container spacing={2} direction="column">
              <Grid item>
                <RolesCard
                  incident={incident}
                  busy={busy}
                  onAssign={(role, userRef) => act(() => api.assignRole(incident.id, role, userRef, incident.version))}
                  onRelease={role => act(() => api.releaseRole(incident.id, role, incident.version))}
                  onShadow={(role, userRef) => act(() => api.addShadow(incident.id, role, userRef, incident.version))}
                  onEndShadow={(role, userRef) => act(() => api.releaseShadow(incident.id, role, userRef, incident.version))}
                />
              </Grid>
              {open && (
                <Grid item>
                  <SuggestionsCard incident={incident} onChanged={state.retry} />
                </Grid>
              )}
              {incident.status !== 'closed' && (
                <Grid item>
                  <StatusUpdateComposer
                    incident={incident}
                    cadenceMinutes={insights.severityLevel.updateCadenceMinutes}
                    busy={busy}
                    onPost={update => act(() => api.postStatusUpdate(incident.id, update))}
                  />
                </Grid>
              )}
              <Grid item>
                <HypothesesCard
                  hypotheses={insights.hypotheses}
                  canOpen={open}
                  busy={busy}
                  now={now}
                  onOpen={statement => act(() => api.openHypothesis(incident.id, statement))}
                  onResolve={(id, status) => act(() => api.resolveHypothesis(incident.id, id, status))}
                />
              </Grid>
              <Grid item>
                <RepeatsCard incidentId={incident.id} />
              </Grid>
              <Grid item>
                <RunbookUsageCard incidentId={incident.id} entityRefs={incident.entities.map(e => e.entityRef)} />
              </Grid>
              <Grid item>
                <InfoCard title="Milestones">
                  <Table size="small" aria-label="Milestones">
                    <TableBody>
                      {MILESTONES.map(([key, label]) => (
                        <TableRow key={key}>
                          <TableCell>{label}</TableCell>
                          <TableCell>
                            {incident.milestones[key]
                              ? new Date(incident.milestones[key]!).toLocaleString()
                              : '—'}
                          </TableCell>
                        </TableRow>
                      ))}
                      <TableRow>
                        <TableCell>Time to resolve</TableCell>
                        <TableCell>
                          {durationBetween(
                            incident.milestones.impactStartedAt ?? incident.milestones.detectedAt ?? incident.milestones.declaredAt,
                            incident.milestones.resolvedAt,
                          ) ?? '—'}
                        </TableCell>
                      </TableRow>
                    </TableBody>
                  </Table>
                </InfoCard>
              </Grid>
            </Grid>
          </Grid>
          <Grid item xs={12}>
            <PostmortemSection incident={incident} events={data.timeline} />
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}
