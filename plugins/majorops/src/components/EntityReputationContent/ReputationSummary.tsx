import { InfoCard } from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import CheckCircleOutline from '@material-ui/icons/CheckCircleOutline';
import RadioButtonUnchecked from '@material-ui/icons/RadioButtonUnchecked';
import Alert from '@material-ui/lab/Alert';
import type { ReputationView } from '@majorops/plugin-majorops-common';
import { ScoreTrendChart } from './ScoreTrendChart';

const CRITERION_TITLES: Record<string, string> = {
  participation: 'Participation in SEV1/SEV2 incidents',
  'peer-feedback': 'Peer feedback ≥ 8/10 over the last 10 incidents',
  'track-record': 'Track record across response tiers',
  'knowledge-sharing': 'Knowledge sharing',
};

function day(iso: string): string {
  return iso.slice(0, 10);
}

function Requirement(props: { met: boolean; text: string; testId?: string }) {
  return (
    <ListItem dense disableGutters data-testid={props.testId}>
      <ListItemIcon style={{ minWidth: 32 }}>
        {props.met ? (
          <CheckCircleOutline fontSize="small" style={{ color: '#2e7d32' }} titleAccess="met" />
        ) : (
          <RadioButtonUnchecked fontSize="small" color="disabled" titleAccess="not met" />
        )}
      </ListItemIcon>
      <ListItemText primary={props.text} />
    </ListItem>
  );
}

/** The score and its trend, the level and what the next one needs, the SRE Champion badge. */
export function ReputationSummary(props: { view: ReputationView }) {
  const { reputation, level, badge } = props.view;
  const trend = reputation.trend;
  const delta = trend.length > 1 ? trend[trend.length - 1].score - trend[0].score : 0;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={4}>
        <InfoCard title="Response Reputation Score">
          <Typography variant="h3" component="p" data-testid="reputation-score">
            {reputation.score}
            <Typography variant="h6" component="span" color="textSecondary">
              {' '}
              / 1000
            </Typography>
          </Typography>
          <Typography variant="body2" paragraph>
            {reputation.explanation}
          </Typography>
          <Typography variant="caption" color="textSecondary">
            As of {day(reputation.asOf)}
            {props.view.ledgerUpdatedAt ? `; ledger brought up to date ${day(props.view.ledgerUpdatedAt)}` : ''}.
            One bad incident does not define a responder; a pattern does.
          </Typography>
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={8}>
        <InfoCard
          title="Trend"
          subheader={
            trend.length > 1
              ? `${delta >= 0 ? '▲' : '▼'} ${Math.abs(delta)} since ${trend[0].month}`
              : 'Not enough history for a trend yet'
          }
        >
          <ScoreTrendChart trend={trend} />
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Level" subheader="Earned from incident history and training, never from tenure">
          {level.suspended && level.suspension ? (
            <Alert severity="warning" data-testid="reputation-suspended">
              <strong>Suspended</strong> — {level.suspension.reason}. Retraining review{' '}
              {level.suspension.reviewOverdue ? 'was due' : 'due'} {day(level.suspension.reviewAt)}
              {level.suspension.reviewOverdue ? ' (overdue)' : ''}. Earned level while suspended: Level {level.level}.
            </Alert>
          ) : null}
          <Typography variant="h5" data-testid="reputation-level">
            {level.suspended ? 'Suspended' : `Level ${level.level}: ${level.name}`}
          </Typography>
          <Typography variant="body2" paragraph>
            {level.description}
          </Typography>
          {level.met.length > 0 && (
            <>
              <Typography variant="subtitle2">Met</Typography>
              <List dense disablePadding>
                {level.met.map(m => (
                  <Requirement key={m} met text={m} />
                ))}
              </List>
            </>
          )}
          {level.next ? (
            <>
              <Typography variant="subtitle2">
                Next: Level {level.next.level} {level.next.name} still needs
              </Typography>
              <List dense disablePadding>
                {level.next.missing.map(m => (
                  <Requirement key={m} met={false} text={m} />
                ))}
              </List>
            </>
          ) : (
            <Typography variant="body2">The highest level.</Typography>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard
          title="SRE Champion badge"
          subheader="Maintained through continued participation; inactivity or declining feedback revokes it"
        >
          <Chip
            label={badge.holds ? 'SRE Champion' : 'Not an SRE Champion'}
            color={badge.holds ? 'primary' : 'default'}
            data-testid="reputation-badge"
          />
          <List dense disablePadding>
            {badge.criteria.map(c => (
              <Requirement
                key={c.id}
                met={c.met}
                testId={`badge-criterion-${c.id}`}
                text={`${CRITERION_TITLES[c.id] ?? c.id}: ${c.detail}`}
              />
            ))}
          </List>
          {badge.revokedBecause && badge.revokedBecause.length > 0 && (
            <Alert severity="info">
              Revoked because: {badge.revokedBecause.join('; ')}
            </Alert>
          )}
        </InfoCard>
      </Grid>
    </Grid>
  );
}
