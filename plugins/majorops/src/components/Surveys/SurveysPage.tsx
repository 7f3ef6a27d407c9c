import { Content, Header, Page, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { PendingSurvey } from '@majorops/plugin-majorops-common';
import { useEffect, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { majorOpsApiRef } from '../../api';
import { SurveyForm } from './SurveyForm';

/**
 * The signed-in user's pending peer-feedback surveys: after a SEV1 or a
 * significant SEV2, three questions about each colleague who held a role.
 */
export function SurveysPage() {
  const api = useApi(majorOpsApiRef);
  const { value, loading, error } = useAsync(() => api.listPendingSurveys(), [api]);
  const [surveys, setSurveys] = useState<PendingSurvey[]>([]);
  const [answered, setAnswered] = useState(0);
  useEffect(() => setSurveys(value?.items ?? []), [value]);

  return (
    <Page themeId="tool">
      <Header title="Peer feedback surveys" subtitle="A calibration signal after major incidents, not a performance review" />
      <Content>
        <Alert severity="info" style={{ marginBottom: 16 }}>
          Your answers are never shown individually, to anyone. They count only as averages over at
          least 3 colleagues, in fixed windows of incidents, so no single answer can be picked out.
          One bad incident does not define anyone; a pattern does.
        </Alert>
        {answered > 0 && (
          <Alert severity="success" style={{ marginBottom: 16 }}>
            Thank you: {answered} survey{answered === 1 ? '' : 's'} answered.
          </Alert>
        )}
        {loading && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {value && surveys.length === 0 && <Typography variant="body1">No surveys waiting for you.</Typography>}
        <Grid container spacing={3}>
          {surveys.map(survey => (
            <Grid item xs={12} md={6} key={survey.id}>
              <SurveyForm
                survey={survey}
                onAnswered={done => {
                  setSurveys(list => list.filter(s => s.id !== done.id));
                  setAnswered(n => n + 1);
                }}
              />
            </Grid>
          ))}
        </Grid>
      </Content>
    </Page>
  );
}
