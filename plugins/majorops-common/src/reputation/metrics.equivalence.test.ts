import type { IncidentRole } from '../roles';
import type { Severity } from '../severity';
import { DEFAULT_REPUTATION_CONFIG } from './config';
import { deriveIncidentEvents, deriveKnowledgeContribution, KnowledgeContributionFact, ResponderIncidentFacts } from './metrics';
import { referenceDeriveIncidentEvents, referenceDeriveKnowledgeContribution } from './referenceDerivation';
import { random } from '../testing/random';

const SEVERITIES: Severity[] = ['SEV1', 'SEV2', 'SEV3', 'SEV4'];
const ROLES: IncidentRole[] = ['incident-commander', 'communications-lead', 'technical-lead', 'scribe'];
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const BASE = Date.UTC(2026, 0, 1);

/**
 * Facts of one responder on one incident, mostly as the backend loads them
 * (`toISOString` text) but also with the other forms the rules accept (zone
 * offsets, no milliseconds) and, rarely, text that is no timestamp at all.
 */
function generatedFacts(r: ReturnType<typeof random>, n: number): ResponderIncidentFacts {
  const text = (ms: number) => {
    if (r.chance(0.04)) return r.pick(['2026-02-30T10:00:00.000Z', 'yesterday', '2026-01-01', '2026-13-01T00:00:00.000Z']);
    if (r.chance(0.05)) return new Date(ms).toISOString().replace('.000Z', 'Z').replace(/\.\d{3}Z$/, 'Z');
    if (r.chance(0.05)) {
      const shifted = new Date(ms + 2 * 60 * MIN).toISOString().slice(0, 19);
      return `${shifted}+02:00`;
    }
    return new Date(ms).toISOString();
  };
  const declared = BASE + r.int(0, 300) * DAY + r.int(0, 86_399) * 1000 + (r.chance(0.3) ? r.int(1, 999) : 0);
  const resolved = r.chance(0.85) ? declared + r.int(-30, 900) * MIN : undefined;
  const severity = r.pick(SEVERITIES);
  const roles = Array.from({ length: r.int(0, 4) }, () => {
    const assigned = declared + r.int(-20, 300) * MIN;
    return {
      role: r.pick(ROLES),
      assignedAt: text(assigned),
      ...(r.chance(0.3) ? { releasedAt: text(assigned + r.int(-10, 400) * MIN) } : {}),
    };
  });
  const severityHistory = r.chance(0.7)
    ? [
        { severity, from: text(declared) },
        ...Array.from({ length: r.int(0, 3) }, () => ({ severity: r.pick(SEVERITIES), from: text(declared + r.int(-5, 600) * MIN) })),
      ]
    : r.chance(0.5)
      ? []
      : undefined;
  return {
    userRef: `user:default/person-${n % 50}`,
    incidentId: `inc-${n}`,
    severity,
    ...(severityHistory ? { severityHistory } : {}),
    externalCause: r.chance(0.1),
    milestones: {
      declaredAt: text(declared),
      ...(r.chance(0.5) ? { detectedAt: text(declared - r.int(0, 30) * MIN) } : {}),
      ...(resolved !== undefined ? { resolvedAt: text(resolved) } : {}),
    },
    ...(r.chance(0.2) ? { pagedAt: text(declared + r.int(-10, 60) * MIN) } : {}),
    roles,
    ...(r.chance(0.6) ? { firstTimelineEntryAt: text(declared + r.int(-5, 200) * MIN) } : {}),
    hadCommunicationsLead: r.chance(0.5),
    statusUpdates: Array.from({ length: r.int(0, 14) }, () => ({
      postedAt: text(declared + r.int(-10, 900) * MIN + r.int(0, 59) * 1000),
      canComplete: r.chance(0.7),
    })),
    escalations: Array.from({ length: r.chance(0.3) ? r.int(1, 3) : 0 }, () => ({
      at: text(declared + r.int(-2, 120) * MIN),
      timing: r.pick(['in-window', 'late', 'no-trigger'] as const),
    })),
    reopens: Array.from({ length: r.chance(0.1) ? r.int(1, 2) : 0 }, () => {
      const at = (resolved ?? declared) + r.int(-60, 10 * 24 * 60) * MIN;
      return { resolvedAt: text(resolved ?? declared), reopenedAt: text(at) };
    }),
    passedMonitoring: r.chance(0.8),
    repeats: Array.from({ length: r.chance(0.1) ? r.int(1, 3) : 0 }, (_, k) => ({
      incidentId: `inc-repeat-${n}-${k}`,
      declaredAt: text((resolved ?? declared) + r.pick([-1, 10, 10, 200]) * DAY),
    })),
  };
}

/** The events, or the error thrown, as text: the two derivations must agree on both. */
function outcome(derive: () => unknown): string {
  try {
    return JSON.stringify(derive());
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

describe('the ledger derivation against the reference derivation', () => {
  it.each([1, 2, 3])('gives exactly the same incident events, or the same error, on generated facts (seed %p)', seed => {
    const r = random(seed);
    let events = 0;
    let errors = 0;
    for (let n = 0; n < 3000; n++) {
      const facts = generatedFacts(r, n);
      const config = n % 3 === 0 ? { ...DEFAULT_REPUTATION_CONFIG.derivation, reopenWindowDays: 2, repeatWindowDays: 30 } : undefined;
      const expected = outcome(() => referenceDeriveIncidentEvents(facts, config));
      expect(outcome(() => deriveIncidentEvents(facts, config))).toBe(expected);
      if (expected.startsWith('error')) errors++;
      else events += (JSON.parse(expected) as unknown[]).length;
    }
    // The generated facts reach every metric and the refusals of bad timestamps.
    expect(events).toBeGreaterThan(3000);
    expect(errors).toBeGreaterThan(50);
  });

  it('gives exactly the same knowledge contribution events', () => {
    const r = random(7);
    const kinds = ['runbook-revision', 'drill', 'postmortem-authored', 'postmortem-facilitated', 'action-item', 'mentoring'] as const;
    const facts: KnowledgeContributionFact[] = Array.from({ length: 500 }, (_, n) => ({
      userRef: `user:default/person-${n % 20}`,
      kind: r.pick(kinds),
      at: r.chance(0.1) ? '2026-01-01T10:00:00+01:00' : new Date(BASE + r.int(0, 10_000) * MIN).toISOString(),
      subject: `Runbook ${n}`,
      drillOutcome: r.pick(['passed', 'partial', 'failed'] as const),
      completedOnTime: r.chance(0.7),
      ...(r.chance(0.5) ? { mentoredUserRef: `user:default/person-${n % 7}` } : {}),
    }));
    expect(JSON.stringify(deriveKnowledgeContribution(facts))).toBe(JSON.stringify(referenceDeriveKnowledgeContribution(facts)));
    expect(outcome(() => deriveKnowledgeContribution([{ ...facts[0], at: 'soon' }]))).toBe(
      outcome(() => referenceDeriveKnowledgeContribution([{ ...facts[0], at: 'soon' }])),
    );
  });
});
