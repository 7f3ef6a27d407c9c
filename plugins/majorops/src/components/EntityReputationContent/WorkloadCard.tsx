import { InfoCard } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { WorkloadReport } from '@majorops/plugin-majorops-common';

function percent(share: number | undefined): string {
  return share === undefined ? '–' : `${Math.round(share * 100)}%`;
}

function Figure(props: { id: string; label: string; value: string }) {
  return (
    <Grid item xs={6} sm={4} md={2}>
      <Typography variant="overline">{props.label}</Typography>
      <Typography variant="h6" data-testid={`workload-${props.id}`}>
        {props.value}
      </Typography>
    </Grid>
  );
}

/** The last weeks' load beside the score: a high score bought with burnout is no success. */
export function WorkloadCard(props: { workload: WorkloadReport }) {
  const { totals, flaggedPeriods, explanation, weeks } = props.workload;
  return (
    <InfoCard title="Workload beside the score" subheader={`Last ${weeks.length || 8} weeks`}>
      <Grid container spacing={2}>
        <Figure id="pages" label="Pages / week" value={String(totals.pagesPerWeek)} />
        <Figure id="incidents" label="Incidents / week" value={String(totals.incidentsPerWeek)} />
        <Figure id="hours" label="Incident hours / week" value={String(totals.incidentHoursPerWeek)} />
        <Figure id="off-hours-pages" label="Pages off hours" value={percent(totals.offHoursPageShare)} />
        <Figure id="off-hours-hours" label="Hours off hours" value={percent(totals.offHoursIncidentShare)} />
      </Grid>
      {flaggedPeriods.length > 0 ? (
        <Alert severity="warning" data-testid="workload-burnout" style={{ marginTop: 8 }}>
          <strong>Burnout risk</strong>
          <ul style={{ margin: 0, paddingLeft: 20 }}>
            {flaggedPeriods.map(p => (
              <li key={p.from}>
                {p.from.slice(0, 10)} – {p.to.slice(0, 10)}: {p.reasons.join('; ')}
              </li>
            ))}
          </ul>
          Expectations are adjusted in these periods: slower responses inside them count less.
        </Alert>
      ) : (
        <Typography variant="body2" style={{ marginTop: 8 }}>
          No burnout flag in these weeks.
        </Typography>
      )}
      <Typography variant="caption" color="textSecondary">
        {explanation}
      </Typography>
    </InfoCard>
  );
}
