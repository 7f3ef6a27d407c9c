import { InfoCard } from '@backstage/core-components';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  PEER_FEEDBACK_QUESTIONS,
  type PeerFeedbackAggregate,
} from '@majorops/plugin-majorops-common';

const SHORT_QUESTIONS: Record<string, string> = {
  clearAndCalm: 'Clear and calm',
  helpedResolution: 'Helped resolution',
  primaryContact: 'Wanted as primary contact',
};

function Window(props: { aggregate: PeerFeedbackAggregate }) {
  const { aggregate } = props;
  if (aggregate.suppressed) {
    return (
      <TableRow data-testid={`feedback-${aggregate.window.id}`}>
        <TableCell>{aggregate.window.label}</TableCell>
        <TableCell colSpan={PEER_FEEDBACK_QUESTIONS.length + 2}>
          <Typography variant="body2" color="textSecondary">
            Not shown: {aggregate.message}
          </Typography>
        </TableCell>
      </TableRow>
    );
  }
  return (
    <>
      <TableRow data-testid={`feedback-${aggregate.window.id}`}>
        <TableCell>{aggregate.window.label}</TableCell>
        {PEER_FEEDBACK_QUESTIONS.map(q => (
          <TableCell key={q.id} align="right">
            {aggregate.averages[q.id]}
          </TableCell>
        ))}
        <TableCell align="right">
          <strong>{aggregate.overallAverage}</strong>
        </TableCell>
        <TableCell align="right">{aggregate.raters}</TableCell>
      </TableRow>
      {aggregate.comments.length > 0 && (
        <TableRow>
          <TableCell />
          <TableCell colSpan={PEER_FEEDBACK_QUESTIONS.length + 2}>
            <Typography variant="caption" color="textSecondary">
              Comments (only you see these, without names)
            </Typography>
            <ul style={{ margin: 0, paddingLeft: 20 }}>
              {aggregate.comments.map((c, i) => (
                <li key={i}>
                  <Typography variant="body2">{c}</Typography>
                </li>
              ))}
            </ul>
          </TableCell>
        </TableRow>
      )}
    </>
  );
}

/**
 * Peer feedback as the backend gives it: averages over fixed windows with
 * enough colleagues, never single answers; a window with too few says so
 * without saying how many.
 */
export function PeerFeedbackCard(props: { feedback: PeerFeedbackAggregate[] }) {
  return (
    <InfoCard
      title="Peer feedback"
      subheader="Averages of 1–10 answers over fixed windows; never shown individually, only with at least 3 colleagues"
    >
      {props.feedback.length === 0 ? (
        <Typography variant="body2">No feedback windows yet.</Typography>
      ) : (
        <Table size="small" aria-label="Peer feedback">
          <TableHead>
            <TableRow>
              <TableCell>Window</TableCell>
              {PEER_FEEDBACK_QUESTIONS.map(q => (
                <TableCell key={q.id} align="right" title={q.text.replace('{name}', 'the person')}>
                  {SHORT_QUESTIONS[q.id] ?? q.id}
                </TableCell>
              ))}
              <TableCell align="right">Overall</TableCell>
              <TableCell align="right">Colleagues</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {props.feedback.map(a => (
              <Window key={a.window.id} aggregate={a} />
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}
