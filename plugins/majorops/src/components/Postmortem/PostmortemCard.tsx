import { InfoCard, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import {
  blamelessWordingHints,
  DEFAULT_POSTMORTEM_DEADLINE_HOURS,
  missingPostmortemSections,
  postmortemDeadline,
  postmortemRequirement,
  postmortemText,
  type BlamelessHint,
  type Incident,
  type PostmortemStatus,
  type PostmortemView,
  type TimelineEvent,
} from '@majorops/plugin-majorops-common';
import { FormEvent, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { majorOpsApiRef } from '../../api';
import { errorMessage, isConflict } from '../RunbookEditor';
import { timeAgo } from '../time';
import { PostmortemForm } from './PostmortemForm';
import {
  contentOfDraft,
  draftFromView,
  invalidTimelineRows,
  isDraftChanged,
  PostmortemDraft,
  requestFromDraft,
} from './postmortemDraft';
import { DeadlineLine, PostmortemStatusBar } from './PostmortemStatusBar';

export interface PostmortemCardProps {
  incident: Incident;
  /** The incident's events, to mark generated timeline rows that were edited. */
  events?: TimelineEvent[];
  /** The incident's action items, when known: the missing sections then follow the form as it is typed. */
  actionItemCount?: number;
}

/** What the incident needs before any post-mortem exists, and the button to start one. */
function StartPostmortem(props: { incident: Incident; busy: boolean; onStart: () => void }) {
  const { incident } = props;
  const requirement = postmortemRequirement({ severity: incident.severity });
  const deadline = postmortemDeadline({
    required: requirement.required,
    resolvedAt: incident.milestones.resolvedAt,
    now: new Date().toISOString(),
  });
  return (
    <div>
      <Typography variant="body1" data-testid="postmortem-requirement">
        {requirement.explanation}{' '}
        {requirement.required
          ? `It has to be final within ${DEFAULT_POSTMORTEM_DEADLINE_HOURS} hours of resolution.`
          : 'The full template stays available if the team wants it.'}
      </Typography>
      {requirement.required && <DeadlineLine deadline={deadline} />}
      <Box mt={2}>
        <Button variant="contained" color="primary" disabled={props.busy} onClick={props.onStart}>
          Start post-mortem
        </Button>
      </Box>
    </div>
  );
}

/** Gentle notes on wording that points at people; they never block saving. */
function BlamelessHints(props: { hints: BlamelessHint[] }) {
  if (props.hints.length === 0) return null;
  return (
    <Alert severity="info" data-testid="postmortem-blameless-hints">
      <AlertTitle>Blameless wording</AlertTitle>
      {props.hints.map(h => (
        <div key={h.phrase}>
          “{h.phrase}”: {h.suggestion}
        </div>
      ))}
    </Alert>
  );
}

/** A failed save or status change: the server's message, and Reload when someone else saved first. */
function SaveError(props: { error: unknown; busy: boolean; onReload: () => void }) {
  const conflict = isConflict(props.error);
  return (
    <Box mb={2}>
      <Alert
        severity="error"
        action={
          conflict ? (
            <Button color="inherit" size="small" onClick={props.onReload} disabled={props.busy}>
              Reload
            </Button>
          ) : undefined
        }
      >
        {/* A 409 is a stale version (someone saved in between) or a refused status change. */}
        <AlertTitle>The post-mortem was not changed</AlertTitle>
        {errorMessage(props.error)}
        {conflict &&
          ' Your edits are still in the form: copy what you want to keep, then Reload to get the latest version (it replaces your edits).'}
      </Alert>
    </Box>
  );
}

/**
 * The incident's post-mortem after the commander's template: started from the
 * incident (timeline generated from its events), edited as a whole document
 * saved with the version it was read at, and moved draft → review → final.
 */
export function PostmortemCard(props: PostmortemCardProps) {
  const { incident } = props;
  const api = useApi(majorOpsApiRef);
  const [view, setView] = useState<PostmortemView | undefined>();
  const [draft, setDraft] = useState<PostmortemDraft | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const accept = (next: PostmortemView | undefined) => {
    setView(next);
    setDraft(next && draftFromView(next));
  };

  const initial = useAsync(async () => {
    accept(await api.getPostmortem(incident.id));
  }, [api, incident.id]);

  const run = async (action: () => Promise<PostmortemView | undefined>) => {
    setBusy(true);
    setError(undefined);
    try {
      accept(await action());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const save = (status: PostmortemStatus) => {
    if (!view || !draft) return;
    if (invalidTimelineRows(draft).size > 0) {
      setError(new Error('A timeline row has a time that cannot be read: write it as YYYY-MM-DD HH:mm (UTC).'));
      return;
    }
    run(() => api.savePostmortem(incident.id, requestFromDraft(draft, view.version, status)));
  };

  let body;
  if (initial.loading) {
    body = <Progress />;
  } else if (initial.error) {
    body = <ResponseErrorPanel error={initial.error} />;
  } else if (!view || !draft) {
    body = (
      <>
        {error !== undefined && <SaveError error={error} busy={busy} onReload={() => run(() => api.getPostmortem(incident.id))} />}
        <StartPostmortem incident={incident} busy={busy} onStart={() => run(() => api.savePostmortem(incident.id, {}))} />
      </>
    );
  } else {
    const changed = isDraftChanged(draft, view);
    const content = contentOfDraft(draft);
    const missing =
      props.actionItemCount === undefined ? view.missingSections : missingPostmortemSections(content, props.actionItemCount);
    const hints = changed ? blamelessWordingHints(postmortemText(content)) : view.blamelessHints;
    const final = view.status === 'final';
    const submit = (event: FormEvent) => {
      event.preventDefault();
      save(view.status);
    };
    body = (
      <form onSubmit={submit} aria-label="Post-mortem">
        <PostmortemStatusBar view={view} missing={missing} busy={busy} onTransition={save} />
        {error !== undefined && <SaveError error={error} busy={busy} onReload={() => run(() => api.getPostmortem(incident.id))} />}
        {final && (
          <Alert severity="info">This post-mortem is final. Reopen it for review to change anything.</Alert>
        )}
        <BlamelessHints hints={hints} />
        <PostmortemForm
          draft={draft}
          onChange={setDraft}
          requiredKind={view.requirement.kind}
          events={props.events}
          disabled={final}
        />
        <Box display="flex" alignItems="center" style={{ gap: 8 }} mt={2}>
          {!final && (
            <Button type="submit" variant="contained" color="primary" disabled={busy || !changed}>
              Save
            </Button>
          )}
          <Typography variant="caption" color="textSecondary">
            {changed ? 'Unsaved changes. ' : ''}Last saved {timeAgo(view.updatedAt)} by {view.updatedBy} (version{' '}
            {view.version}).
          </Typography>
        </Box>
      </form>
    );
  }

  return <InfoCard title="Post-mortem">{body}</InfoCard>;
}
