import { InfoCard, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import type { FollowThroughMetrics } from '@majorops/plugin-majorops-common';
import useAsync from 'react-use/esm/useAsync';
import { majorOpsApiRef } from '../../api';

const DAY = 24 * 60 * 60 * 1000;

/** What a tile shows when there is nothing to judge yet: never 0%, which would read as a failure. */
const ABSENT_FIGURE = '–';

function percent(value: number | undefined): string {
  return value === undefined ? ABSENT_FIGURE : `${value}%`;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function Tile(props: { id: string; label: string; figure: string; counts: string; explanation: string }) {
  return (
    <Grid item xs={12} sm={6} md={3}>
      <Typography variant="overline">{props.label}</Typography>
      <Typography variant="h5" data-testid={`follow-through-${props.id}`}>
        {props.figure}
      </Typography>
      <Typography variant="body2" data-testid={`follow-through-${props.id}-counts`}>
        {props.counts}
      </Typography>
      <Typography variant="caption" color="textSecondary">
        {props.explanation}
      </Typography>
    </Grid>
  );
}

/** The four tiles, from figures the backend computed. */
function FollowThroughTiles(props: { metrics: FollowThroughMetrics }) {
  const { postmortems, actionItems, repeats, runbooks, postmortemDeadlineHours: hours } = props.metrics;
  return (
    <Grid container spacing={2}>
      <Tile
        id="postmortems"
        label={`Post-mortems final within ${hours} h`}
        figure={percent(postmortems.withinDeadlinePercent)}
        counts={`${postmortems.required} required · ${postmortems.overdue} overdue${postmortems.late ? ` · ${postmortems.late} final late` : ''}`}
        explanation={`Required post-mortems (SEV1, SEV2 and repeats) made final within ${hours} h of resolution; ones still inside the window are not judged yet.`}
      />
      <Tile
        id="action-items"
        label="Action items on time"
        figure={percent(actionItems.onTimePercent)}
        counts={`${actionItems.overdue} overdue · ${actionItems.judged} judged`}
        explanation="Action items done by their due date, of those done or past due; cancelled ones and ones not yet due don't count."
      />
      <Tile
        id="repeats"
        label="Repeat-incident rate"
        figure={percent(repeats.percent)}
        counts={`${repeats.repeats} of ${plural(repeats.incidents, 'incident')}`}
        explanation="Incidents linked as a repeat of an earlier one with the same failure mode: the lessons did not stick."
      />
      <Tile
        id="runbooks"
        label="Stale runbooks"
        figure={runbooks.total === 0 ? ABSENT_FIGURE : String(runbooks.stale)}
        counts={
          runbooks.total === 0
            ? 'no runbooks yet'
            : `of ${plural(runbooks.total, 'runbook')} · ${runbooks.neverTested} never tested`
        }
        explanation="Runbooks without a recent passed drill or game day: an untested runbook is a false sense of security."
      />
    </Grid>
  );
}

/**
 * Does the learning loop close? Post-mortems on time, action items on time,
 * repeat incidents and runbook freshness for an entity (or what a group owns)
 * over the last six months.
 *
 * @public
 */
export function FollowThroughCard(props: { entityRef?: string; groupRef?: string }) {
  const api = useApi(majorOpsApiRef);
  const { value, loading, error } = useAsync(
    () =>
      api.getFollowThrough({
        entityRef: props.entityRef,
        groupRef: props.groupRef,
        from: new Date(Date.now() - 183 * DAY).toISOString(),
      }),
    [api, props.entityRef, props.groupRef],
  );
  return (
    <InfoCard title="Follow-through" subheader="Last six months: does the learning loop close?">
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && <FollowThroughTiles metrics={value} />}
    </InfoCard>
  );
}
