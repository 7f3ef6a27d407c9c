import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  ASSIGNMENT_COMPONENT_TITLES,
  ASSIGNMENT_COMPONENTS,
  INCIDENT_ROLE_TITLES,
  type AssignmentCandidate,
  type AssignmentScoreComponent,
  type ExpertiseEvidence,
} from '@majorops/plugin-majorops-common';
import { useState, type ReactNode } from 'react';
import { levelLabel, shownNumber, signedPoints } from './shownNumber';

/** Shown in place of a number the backend left out. */
const HIDDEN = '—';

/** A person's name, linked to their catalog page where links make sense (not inside a form). */
export function PersonName(props: { userRef: string; name: string; link?: boolean }) {
  if (!props.link) return <strong>{props.name}</strong>;
  return (
    <EntityRefLink entityRef={props.userRef} defaultKind="user">
      {props.name}
    </EntityRefLink>
  );
}

const OUTCOMES: Record<ExpertiseEvidence['outcome'], string> = {
  clean: 'resolved without reopen or repeat',
  'reopened-or-repeated': 'reopened or repeated',
  unresolved: 'not resolved',
};

function evidenceLine(evidence: ExpertiseEvidence): string {
  const role = INCIDENT_ROLE_TITLES[evidence.role] ?? evidence.role;
  const day = evidence.declaredAt ? evidence.declaredAt.slice(0, 10) : undefined;
  const parts = [evidence.severity, role, day, OUTCOMES[evidence.outcome]].filter(Boolean);
  return `${evidence.title ?? evidence.incidentId} (${parts.join(', ')})`;
}

/** The parts that moved the score, in the engine's order; empty parts are left out. */
function movedParts(candidate: AssignmentCandidate): Array<[string, Partial<AssignmentScoreComponent>]> {
  const breakdown = (candidate.breakdown ?? {}) as Partial<Record<string, Partial<AssignmentScoreComponent>>>;
  const known: string[] = [...ASSIGNMENT_COMPONENTS];
  const order = [...known, ...Object.keys(breakdown).filter(k => !known.includes(k))];
  return order
    .map(key => [key, breakdown[key]] as const)
    .filter((entry): entry is [string, Partial<AssignmentScoreComponent>] => {
      const part = entry[1];
      if (!part) return false;
      const points = shownNumber(part.points);
      return (part.reasons?.length ?? 0) > 0 || (points !== undefined && points !== 0);
    });
}

/** The human-readable reasons, the score breakdown and the track record behind one suggestion. */
export function WhyDetails(props: { candidate: AssignmentCandidate }) {
  const { candidate } = props;
  const reasons = candidate.reasons ?? [];
  const parts = movedParts(candidate);
  const redacted = parts.some(
    ([, part]) => shownNumber(part.value) === undefined || shownNumber(part.weight) === undefined || shownNumber(part.points) === undefined,
  );
  const evidence = candidate.evidence ?? [];
  return (
    <div data-testid={`why-${candidate.userRef}`} style={{ padding: '4px 0 8px 16px' }}>
      {reasons.length > 0 ? (
        <ul style={{ margin: 0, paddingLeft: 18 }} aria-label="Reasons">
          {reasons.map((reason, i) => (
            <li key={i}>
              <Typography variant="body2">{reason}</Typography>
            </li>
          ))}
        </ul>
      ) : (
        <Typography variant="body2">Nothing in particular set this person apart from the others.</Typography>
      )}
      {parts.length > 0 && (
        <Table size="small" aria-label="Score breakdown" style={{ marginTop: 8 }}>
          <TableHead>
            <TableRow>
              <TableCell>Part of the score</TableCell>
              <TableCell align="right">Value</TableCell>
              <TableCell align="right">Weight</TableCell>
              <TableCell align="right">Points</TableCell>
              <TableCell>Because</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {parts.map(([key, part]) => (
              <TableRow key={key} data-testid={`breakdown-${key}`}>
                <TableCell>{ASSIGNMENT_COMPONENT_TITLES[key as keyof typeof ASSIGNMENT_COMPONENT_TITLES] ?? key}</TableCell>
                <TableCell align="right">{shownNumber(part.value) ?? HIDDEN}</TableCell>
                <TableCell align="right">{shownNumber(part.weight) ?? HIDDEN}</TableCell>
                <TableCell align="right">{signedPoints(part.points) ?? HIDDEN}</TableCell>
                <TableCell>{(part.reasons ?? []).join('; ')}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {redacted && (
        <Typography variant="caption" color="textSecondary" component="p">
          Some numbers are hidden: seeing them needs permission to read reputation details.
        </Typography>
      )}
      {evidence.length > 0 && (
        <>
          <Typography variant="caption" component="p" style={{ marginTop: 8 }}>
            Track record that counted most
          </Typography>
          <ul style={{ margin: 0, paddingLeft: 18 }} aria-label="Track record">
            {evidence.map(e => (
              <li key={e.incidentId}>
                <Typography variant="body2">{evidenceLine(e)}</Typography>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** A "Why?" button that shows or hides what it explains. */
export function WhyToggle(props: { open: boolean; onToggle: () => void }) {
  return (
    <Button size="small" aria-expanded={props.open} onClick={props.onToggle}>
      {props.open ? 'Hide why' : 'Why?'}
    </Button>
  );
}

/**
 * One suggested person: rank, name, level, score when shown, an optional
 * action (accept, pick), and the reasons behind "Why?".
 */
export function CandidateItem(props: {
  candidate: AssignmentCandidate;
  name: string;
  link?: boolean;
  /** Shows the first reasons under the name without opening "Why?". */
  showReasons?: boolean;
  hideRank?: boolean;
  action?: ReactNode;
  testId: string;
}) {
  const { candidate } = props;
  const [open, setOpen] = useState(false);
  const score = shownNumber(candidate.score);
  const rank = shownNumber(candidate.rank);
  const level = levelLabel(candidate.level);
  const reasons = candidate.reasons ?? [];
  return (
    <li data-testid={props.testId} style={{ listStyle: 'none', padding: '4px 0' }}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, flexWrap: 'wrap' }}>
        {!props.hideRank && rank !== undefined && <Typography variant="body2">#{rank}</Typography>}
        <Typography variant="body2" component="span">
          <PersonName userRef={candidate.userRef} name={props.name} link={props.link} />
        </Typography>
        {level && <Chip size="small" variant="outlined" label={level} />}
        {score !== undefined && <Chip size="small" color="primary" label={`score ${score}`} />}
        <span style={{ flexGrow: 1 }} />
        <WhyToggle open={open} onToggle={() => setOpen(o => !o)} />
        {props.action}
      </div>
      {props.showReasons && !open && reasons.length > 0 && (
        <Typography variant="caption" color="textSecondary" component="p">
          {reasons.slice(0, 3).join('; ')}
        </Typography>
      )}
      {open && <WhyDetails candidate={candidate} />}
    </li>
  );
}
