import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Typography from '@material-ui/core/Typography';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import {
  INCIDENT_ROLE_TITLES,
  type AssignmentCandidate,
  type AssignmentExclusion,
  type AssignmentExpert,
  type AssignmentExpertTopic,
  type AssignmentSlot,
  type AssignmentSuggestions,
} from '@majorops/plugin-majorops-common';
import { useState, type ReactNode } from 'react';
import { CandidateItem, PersonName, WhyToggle } from './CandidateItem';
import { shownNumber } from './shownNumber';
import { nameOf } from './useUserNames';

/** The roles a suggestion can be accepted for. */
export type AcceptableRole = 'incident-commander' | 'operations-chief';

const SLOT_TITLES: Record<AssignmentSlot, string> = {
  'incident-commander': INCIDENT_ROLE_TITLES['incident-commander'],
  'operations-chief': INCIDENT_ROLE_TITLES['operations-chief'],
  expert: 'Expert',
};

const TOPIC_KINDS: Record<AssignmentExpertTopic['kind'], string> = {
  type: 'Incident type',
  tech: 'Tech',
};

/**
 * People left out for the same reasons and counted rather than listed (the
 * backend caps the list on large catalogs). Read loosely: older backends
 * do not send it.
 */
interface ExclusionCount {
  slot: AssignmentSlot;
  reasons: string[];
  count: number;
}

function exclusionCounts(suggestions: AssignmentSuggestions): ExclusionCount[] {
  const summary = (suggestions as { excludedSummary?: unknown }).excludedSummary;
  if (!Array.isArray(summary)) return [];
  return summary.filter(
    (s): s is ExclusionCount => typeof s?.count === 'number' && s.count > 0 && Array.isArray(s.reasons),
  );
}

/** Every person a suggestion names, to resolve their names at once. */
export function peopleOf(suggestions: AssignmentSuggestions | undefined): string[] {
  if (!suggestions) return [];
  return [
    ...(suggestions.incidentCommander ?? []).map(c => c.userRef),
    ...(suggestions.operationsChief ? [suggestions.operationsChief.userRef] : []),
    ...(suggestions.experts ?? []).flatMap(t => (t.experts ?? []).map(e => e.userRef)),
    ...(suggestions.excluded ?? []).map(e => e.userRef),
  ];
}

function ExpertItem(props: { expert: AssignmentExpert; name: string; link?: boolean }) {
  const { expert } = props;
  const [open, setOpen] = useState(false);
  const incidents = shownNumber(expert.incidents);
  const weight = shownNumber(expert.weight);
  return (
    <li data-testid={`expert-${expert.userRef}`} style={{ listStyle: 'none', padding: '2px 0' }}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, flexWrap: 'wrap' }}>
        <Typography variant="body2" component="span">
          <PersonName userRef={expert.userRef} name={props.name} link={props.link} />
        </Typography>
        {incidents !== undefined && (
          <Typography variant="caption" color="textSecondary">
            {incidents} past incident{incidents === 1 ? '' : 's'}
          </Typography>
        )}
        <span style={{ flexGrow: 1 }} />
        <WhyToggle open={open} onToggle={() => setOpen(o => !o)} />
      </div>
      {open && (
        <div style={{ padding: '0 0 8px 16px' }}>
          <Typography variant="body2">{expert.reason}</Typography>
          {weight !== undefined && (
            <Typography variant="caption" color="textSecondary">
              Weight of the track record (recency and outcome): {weight}
            </Typography>
          )}
        </div>
      )}
    </li>
  );
}

/** Who is left out, and why: suspended, busy elsewhere, or not cleared for the severity. */
function ExcludedSection(props: {
  excluded: AssignmentExclusion[];
  counted: ExclusionCount[];
  names: ReadonlyMap<string, string>;
  link?: boolean;
}) {
  const people = new Map<string, AssignmentExclusion[]>();
  for (const exclusion of props.excluded) {
    people.set(exclusion.userRef, [...(people.get(exclusion.userRef) ?? []), exclusion]);
  }
  return (
    <Accordion style={{ marginTop: 8 }} TransitionProps={{ unmountOnExit: true }}>
      <AccordionSummary expandIcon={<ExpandMoreIcon />} aria-controls="suggestions-excluded" id="suggestions-excluded-header">
        <Typography variant="body2">
          Not suggested ({people.size}
          {props.counted.length > 0 ? ' and more' : ''}): why some people are left out
        </Typography>
      </AccordionSummary>
      <AccordionDetails id="suggestions-excluded">
        <ul style={{ margin: 0, paddingLeft: 0, width: '100%' }} aria-label="Not suggested">
          {[...people.entries()].map(([userRef, exclusions]) => (
            <li key={userRef} data-testid={`excluded-${userRef}`} style={{ listStyle: 'none', padding: '2px 0' }}>
              <Typography variant="body2" component="span">
                <PersonName
                  userRef={userRef}
                  name={nameOf(props.names, userRef, exclusions[0].displayName)}
                  link={props.link}
                />
              </Typography>
              <ul style={{ margin: 0, paddingLeft: 18 }}>
                {exclusions.map(exclusion => (
                  <li key={exclusion.slot}>
                    <Typography variant="body2">
                      Not as {SLOT_TITLES[exclusion.slot] ?? exclusion.slot}: {(exclusion.reasons ?? []).join(' ')}
                    </Typography>
                  </li>
                ))}
              </ul>
            </li>
          ))}
          {props.counted.map((c, i) => (
            <li key={`counted-${i}`} data-testid="excluded-counted" style={{ listStyle: 'none', padding: '2px 0' }}>
              <Typography variant="body2">
                {c.count} {c.count === 1 ? 'other' : 'others'} not as {SLOT_TITLES[c.slot] ?? c.slot}: {c.reasons.join(' ')}
              </Typography>
            </li>
          ))}
        </ul>
      </AccordionDetails>
    </Accordion>
  );
}

/**
 * What the assignment engine suggests, with its reasons: the incident
 * commander candidates, the operations chief, the experts per incident type
 * and tech, and who is left out. Shown in the declare dialog, on the incident
 * page and (the commanders) on team pages. Never an assignment by itself.
 */
export function SuggestionsView(props: {
  suggestions: AssignmentSuggestions;
  names: ReadonlyMap<string, string>;
  /** Links names to their catalog pages. */
  link?: boolean;
  /** An action beside a candidate: accept on the incident page, pick in the declare dialog. */
  actionFor?: (role: AcceptableRole, candidate: AssignmentCandidate, name: string) => ReactNode;
  /** A line under the engine's explanation, e.g. what accepting does. */
  note?: string;
}) {
  const { suggestions, names } = props;
  const commanders = suggestions.incidentCommander ?? [];
  const chief = suggestions.operationsChief;
  const topics = (suggestions.experts ?? []).filter(t => (t.experts ?? []).length > 0);
  const excluded = suggestions.excluded ?? [];
  const counted = exclusionCounts(suggestions);
  const candidate = (role: AcceptableRole, c: AssignmentCandidate, hideRank = false) => {
    const name = nameOf(names, c.userRef, c.displayName);
    return (
      <CandidateItem
        key={c.userRef}
        candidate={c}
        name={name}
        link={props.link}
        hideRank={hideRank}
        testId={`candidate-${role}-${c.userRef}`}
        action={props.actionFor?.(role, c, name)}
      />
    );
  };
  return (
    <div data-testid="suggestions">
      <Typography variant="body2" data-testid="suggestions-explanation">
        {suggestions.explanation}
      </Typography>
      <Typography variant="caption" color="textSecondary" component="p">
        {props.note ?? 'A suggestion, never an assignment: nobody gets a role until someone accepts.'}
      </Typography>

      <section aria-label="Suggested incident commanders" style={{ marginTop: 8 }}>
        <Typography variant="subtitle2">{INCIDENT_ROLE_TITLES['incident-commander']}</Typography>
        {commanders.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            No one available is suggested.
          </Typography>
        ) : (
          <ul style={{ margin: 0, paddingLeft: 0 }}>{commanders.map(c => candidate('incident-commander', c))}</ul>
        )}
      </section>

      {chief && (
        <section aria-label="Suggested operations chief" style={{ marginTop: 8 }}>
          <Typography variant="subtitle2">{INCIDENT_ROLE_TITLES['operations-chief']}</Typography>
          <ul style={{ margin: 0, paddingLeft: 0 }}>{candidate('operations-chief', chief, true)}</ul>
        </section>
      )}

      {topics.length > 0 && (
        <section aria-label="Experts" style={{ marginTop: 8 }}>
          <Typography variant="subtitle2">Experts to pull in</Typography>
          {topics.map(topic => (
            <div key={`${topic.kind}:${topic.value}`} data-testid={`experts-${topic.kind}-${topic.value}`}>
              <Typography variant="caption" color="textSecondary">
                {TOPIC_KINDS[topic.kind] ?? topic.kind}: {topic.value}
              </Typography>
              <ul style={{ margin: 0, paddingLeft: 0 }}>
                {topic.experts.map(expert => (
                  <ExpertItem
                    key={expert.userRef}
                    expert={expert}
                    name={nameOf(names, expert.userRef, expert.displayName)}
                    link={props.link}
                  />
                ))}
              </ul>
            </div>
          ))}
        </section>
      )}

      {(excluded.length > 0 || counted.length > 0) && (
        <ExcludedSection excluded={excluded} counted={counted} names={names} link={props.link} />
      )}
    </div>
  );
}
