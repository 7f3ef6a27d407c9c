import { InfoCard } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Divider from '@material-ui/core/Divider';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type { RunbookView } from '../../api';
import { RunbookFreshnessChip } from '../RunbookFreshnessChip';
import { timeAgo } from '../time';
import { RunbookDrills } from './RunbookDrills';
import { RunbookMarkdown } from './RunbookMarkdown';

export interface RunbookViewerProps {
  runbook: RunbookView;
  onEdit: () => void;
  onRecordDrill: () => void;
  onHistory: () => void;
  onClose: () => void;
  /** Changes when a drill was recorded, to reload the drills. */
  drillsReloadKey?: number;
}

/** One runbook: its freshness, the template sections it lacks, the rendered body and its drills. */
export function RunbookViewer(props: RunbookViewerProps) {
  const { runbook } = props;
  return (
    <InfoCard
      title={runbook.title}
      subheader={
        <span>
          Revision {runbook.revision}, edited {timeAgo(runbook.updatedAt)} by{' '}
          <EntityRefLink entityRef={runbook.updatedBy} defaultKind="user" />
          {' · '}last tested {runbook.lastTestedAt ? timeAgo(runbook.lastTestedAt) : 'never'}
        </span>
      }
      action={
        <Box display="flex" flexWrap="wrap" alignItems="center" style={{ gap: 8 }} pt={1}>
          <RunbookFreshnessChip freshness={runbook.freshness} />
          <Button variant="contained" color="primary" onClick={props.onEdit}>
            Edit
          </Button>
          <Button variant="outlined" color="primary" onClick={props.onRecordDrill}>
            Record drill
          </Button>
          <Button variant="outlined" onClick={props.onHistory}>
            History
          </Button>
          <Button onClick={props.onClose}>Close</Button>
        </Box>
      }
    >
      {runbook.missingSections.length > 0 && (
        <Box mb={2}>
          <Alert severity="warning">
            <AlertTitle>Missing template sections</AlertTitle>
            <ul aria-label="Missing template sections" style={{ margin: 0 }}>
              {runbook.missingSections.map(section => (
                <li key={section}>{section}</li>
              ))}
            </ul>
          </Alert>
        </Box>
      )}
      <RunbookMarkdown content={runbook.body} />
      <Box my={2}>
        <Divider />
      </Box>
      <Typography variant="h6" gutterBottom>
        Drills and game days
      </Typography>
      <Typography variant="body2" color="textSecondary" gutterBottom>
        {runbook.freshness.explanation} Only a passed drill or game day updates "last tested".
      </Typography>
      <RunbookDrills runbookId={runbook.id} reloadKey={props.drillsReloadKey} />
    </InfoCard>
  );
}
