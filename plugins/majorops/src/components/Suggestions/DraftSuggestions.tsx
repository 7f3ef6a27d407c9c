import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { AssignmentSuggestions } from '@majorops/plugin-majorops-common';
import { useEffect, useState } from 'react';
import { majorOpsApiRef } from '../../api';
import { isNotAllowed } from '../NotAllowed';
import { peopleOf, SuggestionsView } from './SuggestionsView';
import { normalizeRef, useUserNames } from './useUserNames';

/** How long the draft must stay unchanged before suggestions are asked for. */
export const DRAFT_SUGGESTIONS_DELAY_MS = 400;

type DraftState =
  | { kind: 'idle' }
  | { kind: 'loading'; previous?: AssignmentSuggestions }
  | { kind: 'loaded'; suggestions: AssignmentSuggestions }
  | { kind: 'failed'; error: Error };

/**
 * Suggestions for an incident being declared: asked for once the severity and
 * the affected entities have stayed unchanged for a moment; an answer for an
 * older draft is dropped. Failures are shown inline and never stop the
 * declaration. Picking a commander only fills the dialog's commander field.
 */
export function DraftSuggestions(props: {
  severity: string;
  entityRefs: string[];
  incidentType?: string;
  tags?: string[];
  commanderRef?: string;
  onPickCommander: (userRef: string) => void;
  delayMs?: number;
}) {
  const api = useApi(majorOpsApiRef);
  const { severity, entityRefs, incidentType, tags, delayMs = DRAFT_SUGGESTIONS_DELAY_MS } = props;
  const [state, setState] = useState<DraftState>({ kind: 'idle' });
  const draftKey = JSON.stringify([severity, entityRefs, incidentType?.trim() ?? '', tags ?? []]);

  useEffect(() => {
    const [draftSeverity, draftEntityRefs, draftType, draftTags] = JSON.parse(draftKey) as [
      string,
      string[],
      string,
      string[],
    ];
    if (!draftSeverity || draftEntityRefs.length === 0) {
      setState({ kind: 'idle' });
      return undefined;
    }
    let cancelled = false;
    const timer = setTimeout(() => {
      setState(previous => ({
        kind: 'loading',
        previous: previous.kind === 'loaded' ? previous.suggestions : previous.kind === 'loading' ? previous.previous : undefined,
      }));
      api
        .suggestForDraft({
          severity: draftSeverity,
          entityRefs: draftEntityRefs,
          ...(draftType ? { incidentType: draftType } : {}),
          ...(draftTags.length ? { tags: draftTags } : {}),
        })
        .then(
          suggestions => {
            if (!cancelled) setState({ kind: 'loaded', suggestions });
          },
          error => {
            if (!cancelled) setState({ kind: 'failed', error: error as Error });
          },
        );
    }, delayMs);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, draftKey, delayMs]);

  const shown = state.kind === 'loaded' ? state.suggestions : state.kind === 'loading' ? state.previous : undefined;
  const names = useUserNames(peopleOf(shown));
  const picked = props.commanderRef ? normalizeRef(props.commanderRef) : undefined;

  if (state.kind === 'idle') {
    return (
      <Typography variant="body2" color="textSecondary" data-testid="draft-suggestions">
        Choose the severity and the affected services to see who could command.
      </Typography>
    );
  }
  return (
    <div data-testid="draft-suggestions" aria-busy={state.kind === 'loading'}>
      <Typography variant="subtitle2">Suggested roles</Typography>
      {state.kind === 'loading' && <LinearProgress aria-label="Loading suggestions" />}
      {state.kind === 'failed' && (
        <Alert severity="info" data-testid="draft-suggestions-error">
          {isNotAllowed(state.error)
            ? 'Suggestions are not available to you.'
            : `No suggestions right now (${state.error.message}).`}{' '}
          You can still declare; you command it unless you pick someone else.
        </Alert>
      )}
      {shown && (
        <SuggestionsView
          suggestions={shown}
          names={names}
          note="A suggestion, never an assignment: picking one only fills in the commander above; you make the call."
          actionFor={(role, candidate, name) => {
            if (role !== 'incident-commander') return null;
            const isPicked = picked === normalizeRef(candidate.userRef);
            return (
              <Button
                size="small"
                color="primary"
                variant={isPicked ? 'contained' : 'outlined'}
                disabled={isPicked}
                aria-label={isPicked ? `${name} picked as commander` : `Pick ${name} as commander`}
                onClick={() => props.onPickCommander(normalizeRef(candidate.userRef))}
              >
                {isPicked ? 'Picked' : 'Pick as commander'}
              </Button>
            );
          }}
        />
      )}
    </div>
  );
}
