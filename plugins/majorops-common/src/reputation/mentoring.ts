import { INCIDENT_ROLES, type IncidentRole } from '../roles';
import { readTimestamp } from '../assignment/timestamps';
import { timestampText } from './timestampText';

/** A span of time one person held, or shadowed, one role on an incident. */
export interface RoleSpan {
  role: IncidentRole;
  userRef: string;
  from: string;
  /** When it ended (released or handed over); absent while it lasts. */
  to?: string;
}

/** One person credited with mentoring another on one incident. */
export interface MentoringCredit {
  mentorRef: string;
  menteeRef: string;
  /** The role of the longest stretch together (the first in role order on a tie). */
  role: IncidentRole;
  /** Minutes the mentee shadowed a role the mentor held, summed over stretches that have ended. */
  minutes: number;
  /** When the last of those stretches ended: the moment the credit is dated. */
  endedAt: string;
}

/**
 * Who mentored whom on one incident, from its role holders and its shadows.
 *
 * A shadow follows a role to learn it; whoever held that role while the
 * shadow was there mentored them. A stretch together runs from the later of
 * the two starts to the earliest of: the shadow leaving, the holder leaving,
 * the incident resolving. A stretch still running (neither left, incident not
 * resolved) does not count yet, so the credit never depends on the clock and
 * a recompute gives the same answer. Stretches between the same two people
 * are summed, across roles; the pair is credited once per incident when they
 * add up to at least `minMinutes`. Nobody mentors themselves.
 *
 * Sorted by mentor, then mentee.
 */
export function mentoringCredits(
  holders: readonly RoleSpan[],
  shadows: readonly RoleSpan[],
  resolvedAt: string | undefined,
  minMinutes: number,
): MentoringCredit[] {
  const end = resolvedAt === undefined ? undefined : readTimestamp(resolvedAt, 'resolvedAt');
  const pairs = new Map<string, { mentorRef: string; menteeRef: string; ms: number; endedAt: number; byRole: Map<IncidentRole, number> }>();
  shadows.forEach((shadow, s) => {
    const shadowFrom = readTimestamp(shadow.from, `shadows[${s}].from`);
    const shadowTo = shadow.to === undefined ? undefined : readTimestamp(shadow.to, `shadows[${s}].to`);
    holders.forEach((holder, h) => {
      if (holder.role !== shadow.role || holder.userRef === shadow.userRef) return;
      const holderFrom = readTimestamp(holder.from, `holders[${h}].from`);
      const holderTo = holder.to === undefined ? undefined : readTimestamp(holder.to, `holders[${h}].to`);
      const ends = [shadowTo, holderTo, end].filter((t): t is number => t !== undefined);
      if (ends.length === 0) return; // still together, and the incident still open
      const from = Math.max(shadowFrom, holderFrom);
      const to = Math.min(...ends);
      if (to <= from) return;
      const key = `${holder.userRef}\u0000${shadow.userRef}`;
      let pair = pairs.get(key);
      if (!pair) {
        pair = { mentorRef: holder.userRef, menteeRef: shadow.userRef, ms: 0, endedAt: to, byRole: new Map() };
        pairs.set(key, pair);
      }
      pair.ms += to - from;
      pair.endedAt = Math.max(pair.endedAt, to);
      pair.byRole.set(shadow.role, (pair.byRole.get(shadow.role) ?? 0) + (to - from));
    });
  });
  const credits: MentoringCredit[] = [];
  for (const pair of pairs.values()) {
    const minutes = pair.ms / 60_000;
    if (minutes < minMinutes) continue;
    let role: IncidentRole | undefined;
    let longest = -1;
    for (const [r, ms] of pair.byRole) {
      if (ms > longest || (ms === longest && INCIDENT_ROLES.indexOf(r) < INCIDENT_ROLES.indexOf(role!))) {
        role = r;
        longest = ms;
      }
    }
    credits.push({
      mentorRef: pair.mentorRef,
      menteeRef: pair.menteeRef,
      role: role!,
      minutes: Math.round(minutes * 10) / 10,
      endedAt: timestampText(pair.endedAt),
    });
  }
  return credits.sort((a, b) =>
    a.mentorRef === b.mentorRef ? (a.menteeRef < b.menteeRef ? -1 : 1) : a.mentorRef < b.mentorRef ? -1 : 1,
  );
}
