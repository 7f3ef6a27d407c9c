import { InfoCard, Link } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import {
  REPUTATION_METRICS,
  type EventContribution,
  type MetricResult,
  type ReputationView,
} from '@majorops/plugin-majorops-common';
import { useIncidentLink } from '../useIncidentLink';

const TOP_CONTRIBUTIONS = 3;

function Contribution(props: { contribution: EventContribution }) {
  const incidentLink = useIncidentLink();
  const { event, value, share, notes } = props.contribution;
  return (
    <li>
      <Typography variant="body2" component="span">
        <strong>{Math.round(value)}</strong> ({Math.round(share * 100)}% of the weight) — {event.reason}
        {event.incidentId ? (
          <>
            {' '}
            <Link to={incidentLink(event.incidentId)}>
              {event.severity ? `${event.severity} incident` : 'incident'} {event.incidentId}
            </Link>
          </>
        ) : null}
        {notes.length ? <em> ({notes.join('; ')})</em> : null}
      </Typography>
    </li>
  );
}

function Metric(props: { metric: MetricResult }) {
  const { metric } = props;
  return (
    <Grid item xs={12} md={6} data-testid={`metric-${metric.metric}`}>
      <Typography variant="subtitle1">
        {metric.title}{' '}
        <Typography variant="caption" color="textSecondary" component="span">
          weight {metric.weightClass}
        </Typography>
      </Typography>
      <Typography variant="h5" component="p">
        {metric.value}
        <Typography variant="caption" component="span" color="textSecondary">
          {' '}
          / 100
        </Typography>
      </Typography>
      <LinearProgress variant="determinate" value={metric.value} aria-label={`${metric.title} ${metric.value} of 100`} />
      <Typography variant="body2" style={{ marginTop: 8 }}>
        {metric.explanation}
      </Typography>
      {metric.contributions.length > 0 && (
        <>
          <Typography variant="caption" color="textSecondary">
            What weighs most
          </Typography>
          <ul style={{ marginTop: 0, paddingLeft: 20 }}>
            {metric.contributions.slice(0, TOP_CONTRIBUTIONS).map((c, i) => (
              <Contribution key={`${c.event.occurredAt}-${i}`} contribution={c} />
            ))}
          </ul>
        </>
      )}
    </Grid>
  );
}

/** The six metrics, each 0–100 with its weight class, its explanation and what moved it. */
export function MetricsCard(props: { view: ReputationView }) {
  return (
    <InfoCard title="The six metrics" subheader="High weighs ×3, Medium ×2 in the score">
      <Grid container spacing={3}>
        {REPUTATION_METRICS.map(m => {
          const metric = props.view.reputation.metrics[m];
          return metric ? <Metric key={m} metric={metric} /> : null;
        })}
      </Grid>
    </InfoCard>
  );
}
