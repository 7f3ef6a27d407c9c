import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { RankingEntry } from '@majorops/plugin-majorops-common';
import useAsync from 'react-use/esm/useAsync';
import { majorOpsApiRef } from '../../api';
import { NotAllowedPanel } from '../NotAllowed';

function trend(delta: number): string {
  if (delta > 0) return `▲ ${delta}`;
  if (delta < 0) return `▼ ${Math.abs(delta)}`;
  return '–';
}

function percent(share: number | undefined): string {
  return share === undefined ? '–' : `${Math.round(share * 100)}%`;
}

/** Highest score first; ties by name, so the order never depends on how the backend happened to list them. */
function byScore(a: RankingEntry, b: RankingEntry): number {
  return b.score - a.score || (a.displayName ?? a.userRef).localeCompare(b.displayName ?? b.userRef);
}

function Row(props: { entry: RankingEntry; rank: number }) {
  const { entry, rank } = props;
  const { workload } = entry;
  return (
    <TableRow data-testid={`ranking-${entry.userRef}`}>
      <TableCell>{rank}</TableCell>
      <TableCell>
        <EntityRefLink entityRef={entry.userRef} defaultKind="user" title={entry.displayName} />
      </TableCell>
      <TableCell align="right">
        <strong>{entry.score}</strong>
      </TableCell>
      <TableCell align="right" aria-label={`trend ${entry.trendDelta}`}>
        {trend(entry.trendDelta)}
      </TableCell>
      <TableCell>
        {entry.suspended ? <Chip size="small" label="Suspended" /> : `L${entry.level} ${entry.levelName}`}
      </TableCell>
      <TableCell>{entry.champion ? <Chip size="small" color="primary" label="SRE Champion" /> : ''}</TableCell>
      <TableCell align="right">{workload.pagesPerWeek}</TableCell>
      <TableCell align="right">{workload.incidentsPerWeek}</TableCell>
      <TableCell align="right">{workload.incidentHoursPerWeek}</TableCell>
      <TableCell align="right">{percent(workload.offHoursShare)}</TableCell>
      <TableCell data-testid={`burnout-${entry.userRef}`}>
        {workload.burnout ? (
          <>
            <Chip size="small" label="Burnout risk" style={{ backgroundColor: '#ffe0b2' }} />
            <Typography variant="caption" component="div">
              {workload.reasons.join('; ')}
            </Typography>
          </>
        ) : (
          ''
        )}
      </TableCell>
    </TableRow>
  );
}

/**
 * A team's responders by score, with workload beside every score. A
 * calibration aid for the team — who could take on more, who needs relief —
 * not a performance review and not a leaderboard.
 *
 * @public
 */
export function ResponderRankingCard(props: { groupRef: string }) {
  const api = useApi(majorOpsApiRef);
  const { value, loading, error } = useAsync(() => api.getGroupRanking(props.groupRef), [api, props.groupRef]);
  return (
    <InfoCard title="Responder ranking" subheader="Members by reputation score, workload beside every score">
      <Alert severity="info" style={{ marginBottom: 12 }} data-testid="ranking-calibration-note">
        A calibration aid, not a performance review. Use it to see who is ready for more and who
        carries too much; a high score bought with burnout is no success, and nobody should chase
        the top of this list. Heroics are not rewarded here: one incident can only add so much.
      </Alert>
      {loading && <Progress />}
      {error && (
        <NotAllowedPanel error={error} title="This team's ranking is not yours to see">
          The responder ranking needs the majorops.ranking.read permission for this team, usually
          held by the leads of the team or of a group above it. Your own reputation is always on
          your profile.
        </NotAllowedPanel>
      )}
      {value && value.items.length === 0 && (
        <Typography variant="body2">No members with a reputation yet.</Typography>
      )}
      {value && value.items.length > 0 && (
        <>
          <Table size="small" aria-label="Responder ranking">
            <TableHead>
              <TableRow>
                <TableCell>#</TableCell>
                <TableCell>Responder</TableCell>
                <TableCell align="right">Score</TableCell>
                <TableCell align="right">3 months</TableCell>
                <TableCell>Level</TableCell>
                <TableCell>Badge</TableCell>
                <TableCell align="right">Pages / week</TableCell>
                <TableCell align="right">Incidents / week</TableCell>
                <TableCell align="right">Hours / week</TableCell>
                <TableCell align="right">Off hours</TableCell>
                <TableCell>Workload flag</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {[...value.items].sort(byScore).map((entry, i) => (
                <Row key={entry.userRef} entry={entry} rank={i + 1} />
              ))}
            </TableBody>
          </Table>
          {value.explanation && (
            <Typography variant="caption" color="textSecondary" component="p" style={{ marginTop: 8 }}>
              {value.explanation}
            </Typography>
          )}
        </>
      )}
    </InfoCard>
  );
}
