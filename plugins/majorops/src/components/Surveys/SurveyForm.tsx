import { InfoCard, Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormLabel from '@material-ui/core/FormLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  INCIDENT_ROLE_TITLES,
  MAX_PEER_FEEDBACK_COMMENT_LENGTH,
  peerFeedbackSurveySchema,
  type PeerFeedbackQuestionId,
  type PendingSurvey,
} from '@majorops/plugin-majorops-common';
import { useState } from 'react';
import { majorOpsApiRef } from '../../api';
import { isNotAllowed } from '../NotAllowed';
import { SeverityChip } from '../SeverityChip';
import { useIncidentLink } from '../useIncidentLink';

const CHOICES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/** The name a question uses for the colleague: the ref's name when nothing better is known. */
function nameOf(ref: string): string {
  try {
    return parseEntityRef(ref).name;
  } catch {
    return ref;
  }
}

/** One survey: the three questions about one colleague, 1–10 each, and an optional comment. */
export function SurveyForm(props: { survey: PendingSurvey; onAnswered: (survey: PendingSurvey) => void }) {
  const { survey } = props;
  const api = useApi(majorOpsApiRef);
  const incidentLink = useIncidentLink();
  const [answers, setAnswers] = useState<Partial<Record<PeerFeedbackQuestionId, number>>>({});
  const [comment, setComment] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const name = nameOf(survey.subjectRef);
  const roles = survey.subjectRoles.map(r => INCIDENT_ROLE_TITLES[r] ?? r).join(', ');
  const prefix = `survey-${survey.id}`;

  const submit = async () => {
    const missing = survey.questions.filter(q => answers[q.id] === undefined);
    if (missing.length > 0) {
      setProblem(`Answer all three questions from 1 to 10 (${missing.length} still open).`);
      return;
    }
    const parsed = peerFeedbackSurveySchema.safeParse({
      answers,
      ...(comment.trim() ? { comment: comment.trim() } : {}),
    });
    if (!parsed.success) {
      setProblem(parsed.error.issues.map(i => i.message).join('; '));
      return;
    }
    setProblem(undefined);
    setBusy(true);
    try {
      await api.answerSurvey(survey.id, parsed.data);
      props.onAnswered(survey);
    } catch (e) {
      setProblem(
        isNotAllowed(e)
          ? 'This survey is not yours to answer, or it has closed.'
          : `Could not send the answers: ${e instanceof Error ? e.message : String(e)}`,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <InfoCard
      title={
        <>
          About <EntityRefLink entityRef={survey.subjectRef} defaultKind="user" />
        </>
      }
      subheader={
        <>
          <SeverityChip severity={survey.severity} />{' '}
          <Link to={incidentLink(survey.incidentId)}>{survey.incidentTitle}</Link>
          {roles ? ` · ${roles}` : ''} · closes {survey.closesAt.slice(0, 10)}
        </>
      }
    >
      <form
        aria-label={`Survey about ${name} on ${survey.incidentTitle}`}
        onSubmit={e => {
          e.preventDefault();
          submit();
        }}
      >
        {survey.questions.map(q => (
          <FormControl key={q.id} component="fieldset" fullWidth margin="dense" required>
            <FormLabel component="legend" id={`${prefix}-${q.id}`}>
              {q.text.replace('{name}', name)}
            </FormLabel>
            <RadioGroup
              row
              aria-labelledby={`${prefix}-${q.id}`}
              name={`${prefix}-${q.id}`}
              value={answers[q.id] === undefined ? '' : String(answers[q.id])}
              onChange={e => setAnswers(a => ({ ...a, [q.id]: Number(e.target.value) }))}
            >
              {CHOICES.map(n => (
                <FormControlLabel
                  key={n}
                  value={String(n)}
                  control={<Radio size="small" />}
                  label={String(n)}
                  labelPlacement="bottom"
                  style={{ marginLeft: 0, marginRight: 4 }}
                />
              ))}
            </RadioGroup>
          </FormControl>
        ))}
        <TextField
          id={`${prefix}-comment`}
          label="Comment (optional)"
          helperText="Only the colleague sees comments, without your name, once at least 3 colleagues have answered."
          fullWidth
          multiline
          minRows={2}
          margin="dense"
          value={comment}
          inputProps={{ maxLength: MAX_PEER_FEEDBACK_COMMENT_LENGTH }}
          onChange={e => setComment(e.target.value)}
        />
        {problem && (
          <Alert severity="warning" role="alert" style={{ marginTop: 8 }}>
            {problem}
          </Alert>
        )}
        <Typography component="div" style={{ marginTop: 8 }}>
          <Button type="submit" color="primary" variant="contained" disabled={busy}>
            Send answers
          </Button>
        </Typography>
      </form>
    </InfoCard>
  );
}
