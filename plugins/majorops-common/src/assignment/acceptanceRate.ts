import { parseIsoTimestamp } from '../escalation';
import type { AssignmentSuggestions } from './types';

/** Who ended up commanding an incident, as recorded by the incident (never by the engine). */
export interface CommanderAcceptance {
  incidentId: string;
  commanderRef: string;
  /** When the role was taken; the earliest acceptance of an incident counts. */
  acceptedAt?: string;
}

export interface AcceptanceRateResult {
  /** Incidents with both a suggestion and a recorded commander. */
  incidents: number;
  /** Of those, incidents whose commander was among the suggested commanders. */
  accepted: number;
  /** accepted / incidents, three decimals; undefined without incidents. */
  rate?: number;
  perIncident: Array<{ incidentId: string; commanderRef: string; suggested: string[]; accepted: boolean; rank?: number }>;
}

const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The share of incidents whose commander was one of the top-N suggested at
 * declaration: per incident the earliest suggestion (by `asOf`) counts, and
 * the earliest recorded commander. Incidents missing either are left out.
 */
export function acceptanceRate(
  suggestions: Array<Pick<AssignmentSuggestions, 'incidentId' | 'asOf' | 'incidentCommander'>>,
  acceptances: CommanderAcceptance[],
): AcceptanceRateResult {
  const first = new Map<string, { at: number; suggested: string[] }>();
  suggestions.forEach((s, i) => {
    const at = parseIsoTimestamp(s.asOf, `suggestions[${i}].asOf`);
    const known = first.get(s.incidentId);
    if (!known || at < known.at) first.set(s.incidentId, { at, suggested: s.incidentCommander.map(c => c.userRef) });
  });
  const commanders = new Map<string, { at: number; index: number; commanderRef: string }>();
  acceptances.forEach((a, index) => {
    const at = a.acceptedAt === undefined ? Infinity : parseIsoTimestamp(a.acceptedAt, `acceptances[${index}].acceptedAt`);
    const known = commanders.get(a.incidentId);
    if (!known || at < known.at) commanders.set(a.incidentId, { at, index, commanderRef: a.commanderRef });
  });
  const perIncident: AcceptanceRateResult['perIncident'] = [];
  for (const incidentId of [...first.keys()].sort(compareStrings)) {
    const commander = commanders.get(incidentId);
    if (!commander) continue;
    const suggested = first.get(incidentId)!.suggested;
    const index = suggested.indexOf(commander.commanderRef);
    perIncident.push({
      incidentId,
      commanderRef: commander.commanderRef,
      suggested,
      accepted: index >= 0,
      ...(index >= 0 ? { rank: index + 1 } : {}),
    });
  }
  const accepted = perIncident.filter(p => p.accepted).length;
  return {
    incidents: perIncident.length,
    accepted,
    ...(perIncident.length > 0 ? { rate: Math.round((accepted / perIncident.length) * 1000) / 1000 } : {}),
    perIncident,
  };
}
