import { InfoCard, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  adherenceCountsAgainst,
  RUNBOOK_ADHERENCE,
  type RunbookAdherence,
  type RunbookUsage,
} from '@majorops/plugin-majorops-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { majorOpsApiRef, type RunbookView } from '../../api';
import { errorMessage } from '../RunbookEditor/errors';
import { timeAgo } from '../time';

const ADHERENCE_LABELS: Record<RunbookAdherence, string> = {
  followed: 'Followed',
  deviated: 'Deviated',
  'not-followed': 'Not followed',
};

const REASON_REQUIRED = 'Say why the responders deviated from the runbook: a documented deviation is judgement, not a lapse.';

function RecordedUsage(props: { usage: RunbookUsage }) {
  const { usage } = props;
  return (
    <Typography variant="caption" component="p" data-testid={`runbook-usage-${usage.runbookId}`}>
      Recorded: <strong>{ADHERENCE_LABELS[usage.adherence].toLocaleLowerCase('en-US')}</strong>
      {usage.deviationReason ? ` (${usage.deviationReason})` : ''} by{' '}
      <EntityRefLink entityRef={usage.recordedBy} defaultKind="user" />{' '}
      <span title={new Date(usage.recordedAt).toLocaleString()}>{timeAgo(usage.recordedAt)}</span>.{' '}
      {adherenceCountsAgainst(usage)
        ? 'Not followed without a stated reason: counts in procedural consistency.'
        : 'Does not count against anyone.'}
    </Typography>
  );
}

function RunbookAdherenceForm(props: {
  incidentId: string;
  runbook: RunbookView;
  recorded?: RunbookUsage;
  onRecorded: (usage: RunbookUsage) => void;
}) {
  const api = useApi(majorOpsApiRef);
  const { runbook, recorded } = props;
  const [adherence, setAdherence] = useState<RunbookAdherence | ''>(recorded?.adherence ?? '');
  const [reason, setReason] = useState(recorded?.deviationReason ?? '');
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const record = async () => {
    if (!adherence) return;
    const deviationReason = reason.trim();
    if (adherence === 'deviated' && !deviationReason) {
      setProblem(REASON_REQUIRED);
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      const usage = await api.recordRunbookUsage(props.incidentId, runbook.id, {
        adherence,
        deviationReason: adherence !== 'followed' && deviationReason ? deviationReason : undefined,
      });
      props.onRecorded(usage);
    } catch (e) {
      setProblem(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const reasonId = `runbook-reason-${runbook.id}`;
  return (
    <ListItem divider style={{ display: 'block' }} data-testid={`runbook-adherence-${runbook.id}`}>
      <Typography variant="body2">
        <strong>{runbook.title}</strong> for <EntityRefLink entityRef={runbook.entityRef} />
      </Typography>
      {recorded && <RecordedUsage usage={recorded} />}
      <RadioGroup
        row
        aria-label={`Adherence to ${runbook.title}`}
        name={`adherence-${runbook.id}`}
        value={adherence}
        onChange={e => {
          setAdherence(e.target.value as RunbookAdherence);
          setProblem(undefined);
        }}
      >
        {RUNBOOK_ADHERENCE.map(a => (
          <FormControlLabel key={a} value={a} control={<Radio size="small" />} label={ADHERENCE_LABELS[a]} />
        ))}
      </RadioGroup>
      {(adherence === 'deviated' || adherence === 'not-followed') && (
        <TextField
          id={reasonId}
          label={adherence === 'deviated' ? 'Why did you deviate? (required)' : 'Why was it not followed? (optional)'}
          value={reason}
          onChange={e => {
            setReason(e.target.value);
            setProblem(undefined);
          }}
          required={adherence === 'deviated'}
          error={adherence === 'deviated' && problem === REASON_REQUIRED}
          fullWidth
          multiline
          variant="outlined"
          margin="dense"
          helperText={
            adherence === 'deviated'
              ? 'Which step you left and why; a documented deviation never counts against anyone.'
              : 'With a stated reason (e.g. the runbook did not cover this failure) it does not count against anyone.'
          }
        />
      )}
      {problem && <Alert severity="error">{problem}</Alert>}
      <Button size="small" color="primary" disabled={busy || !adherence} onClick={record}>
        {recorded ? 'Update' : 'Record'}
      </Button>
    </ListItem>
  );
}

/**
 * Which runbooks of the affected entities the responders followed, left for
 * a stated reason, or did not follow, recorded per runbook with who and when.
 *
 * @public
 */
export function RunbookUsageCard(props: { incidentId: string; entityRefs: string[] }) {
  const api = useApi(majorOpsApiRef);
  const [recorded, setRecorded] = useState<Record<string, RunbookUsage>>({});
  const entityKey = props.entityRefs.join('\n');
  const state = useAsync(async () => {
    const [usage, pages] = await Promise.all([
      api.listRunbookUsage(props.incidentId),
      Promise.all(props.entityRefs.map(entityRef => api.listRunbooks({ entityRef, limit: 100 }))),
    ]);
    setRecorded(Object.fromEntries(usage.items.map(u => [u.runbookId, u])));
    const byId = new Map<string, RunbookView>();
    for (const page of pages) for (const runbook of page.items) byId.set(runbook.id, runbook);
    return [...byId.values()];
    // entityKey stands for the list of refs
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, props.incidentId, entityKey]);

  let content;
  if (state.loading) content = <Progress />;
  else if (state.error) content = <ResponseErrorPanel error={state.error} />;
  else {
    const runbooks = state.value ?? [];
    const shown = new Set(runbooks.map(r => r.id));
    const others = Object.values(recorded).filter(u => !shown.has(u.runbookId));
    content = (
      <>
        {runbooks.length === 0 && others.length === 0 && (
          <Typography variant="body2">The affected entities have no runbooks yet.</Typography>
        )}
        {runbooks.length > 0 && (
          <List dense aria-label="Runbooks of the affected entities">
            {runbooks.map(runbook => (
              <RunbookAdherenceForm
                key={runbook.id}
                incidentId={props.incidentId}
                runbook={runbook}
                recorded={recorded[runbook.id]}
                onRecorded={usage => setRecorded(current => ({ ...current, [usage.runbookId]: usage }))}
              />
            ))}
          </List>
        )}
        {others.length > 0 && (
          <List dense aria-label="Other runbooks recorded">
            {others.map(usage => (
              <ListItem key={usage.runbookId} style={{ display: 'block' }}>
                <Typography variant="body2">
                  <strong>{usage.runbookTitle}</strong>
                </Typography>
                <RecordedUsage usage={usage} />
              </ListItem>
            ))}
          </List>
        )}
      </>
    );
  }

  return (
    <InfoCard title="Runbook adherence" subheader="Did the responders follow the runbooks of the affected entities?">
      <Alert severity="info">
        A documented deviation never counts against anyone: leaving a runbook for a stated reason is judgement,
        not a lapse. Only not following a runbook without any reason counts in procedural consistency.
      </Alert>
      {content}
    </InfoCard>
  );
}
