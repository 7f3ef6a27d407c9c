import { InfoCard, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  formatMinutes,
  SEVERITIES,
  type DurationStats,
} from '@majorops/plugin-majorops-common';
import useAsync from 'react-use/esm/useAsync';
import { majorOpsApiRef } from '../../api';
import { MonthlySeverityChart, MttrTrendChart, SEVERITY_COLOURS } from './charts';

const DAY = 24 * 60 * 60 * 1000;

function Tile(props: { label: string; help: string; stats: DurationStats }) {
  const { stats } = props;
  return (
    <Grid item xs={6} md={3}>
      <Typography variant="overline" title={props.help}>
        {props.label}
      </Typography>
      <Typography variant="h5" data-testid={`metric-${props.label}`}>
        {stats.medianMinutes === undefined ? '—' : formatMinutes(stats.medianMinutes)}
      </Typography>
      <Typography variant="caption">
        {stats.count ? `median of ${stats.count}; mean ${formatMinutes(stats.meanMinutes!)}` : 'no data'}
      </Typography>
    </Grid>
  );
}

/**
 * MTTD, MTTA and MTTR for the entity (or the group's entities) over the last
 * six months, incidents per month by severity, and the MTTR trend. Incidents
 * caused by third parties are counted apart.
 */
export function IncidentMetricsCard(props: { entityRef?: string; groupRef?: string }) {
  const api = useApi(majorOpsApiRef);
  const { value, loading, error } = useAsync(
    () =>
      api.getMetrics({
        entityRef: props.entityRef,
        groupRef: props.groupRef,
        from: new Date(Date.now() - 183 * DAY).toISOString(),
      }),
    [api, props.entityRef, props.groupRef],
  );
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const { internal, external } = value!;
  return (
    <InfoCard title="Last six months" subheader="Internal incidents; third-party outages are counted apart">
      <Grid container spacing={2}>
        <Tile label="MTTD" help="Impact start to detection" stats={internal.mttd} />
        <Tile label="MTTA" help="Detection to acknowledgement" stats={internal.mtta} />
        <Tile label="MTTR (restore)" help="Impact start to mitigation: service restored" stats={internal.mttrRestore} />
        <Tile label="MTTR (resolve)" help="Impact start to resolution, including post-incident monitoring" stats={internal.mttrResolve} />
        <Grid item xs={12} md={6}>
          <Typography variant="subtitle2">Incidents per month</Typography>
          <MonthlySeverityChart months={internal.byMonth} />
          <Typography variant="caption">
            {SEVERITIES.map(s => (
              <span key={s} style={{ marginRight: 12 }}>
                <span style={{ color: SEVERITY_COLOURS[s] }}>■</span> {s} {internal.bySeverity[s]}
              </span>
            ))}
          </Typography>
        </Grid>
        <Grid item xs={12} md={6}>
          <Typography variant="subtitle2">Median time to resolve</Typography>
          <MttrTrendChart months={internal.byMonth} />
        </Grid>
        <Grid item xs={12}>
          <Typography variant="body2">
            {internal.total} internal incident{internal.total === 1 ? '' : 's'}
            {external.total
              ? `; ${external.total} caused by third parties (MTTR ${external.mttrResolve.medianMinutes === undefined ? '—' : formatMinutes(external.mttrResolve.medianMinutes)}), not counted above`
              : ''}
            .
          </Typography>
        </Grid>
      </Grid>
    </InfoCard>
  );
}
