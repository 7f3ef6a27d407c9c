import {
  METRIC_WEIGHT_CLASSES,
  REPUTATION_METRIC_TITLES,
  REPUTATION_METRICS,
  type FeedbackWindow,
  type LedgerEntry,
  type MetricResult,
  type PeerFeedbackAggregate,
  type ReputationMetric,
  type ReputationView,
} from '@majorops/plugin-majorops-common';

export const USER_REF = 'user:default/jane';

function metric(m: ReputationMetric, value: number): MetricResult {
  return {
    metric: m,
    title: REPUTATION_METRIC_TITLES[m],
    weightClass: METRIC_WEIGHT_CLASSES[m],
    value,
    eventCount: 0,
    explanation: `${REPUTATION_METRIC_TITLES[m]} explained.`,
    contributions: [],
  };
}

export function feedbackWindow(id: string, label: string): FeedbackWindow {
  return {
    kind: 'quarter',
    quarter: label,
    id,
    subjectRef: USER_REF,
    label,
    from: '2026-01-01T00:00:00.000Z',
    to: '2026-04-01T00:00:00.000Z',
    closesAt: '2026-04-08T00:00:00.000Z',
  } as unknown as FeedbackWindow;
}

/** A reputation view with every part filled; override what a test looks at. */
export function reputationView(overrides: Partial<ReputationView> = {}): ReputationView {
  const metrics = Object.fromEntries(REPUTATION_METRICS.map(m => [m, metric(m, 50)])) as Record<
    ReputationMetric,
    MetricResult
  >;
  metrics.responseSpeed = {
    ...metrics.responseSpeed,
    value: 82.5,
    eventCount: 2,
    explanation: 'Response speed 82.5 from 2 events; engaged within 4 min on average.',
    contributions: [
      {
        event: {
          userRef: USER_REF,
          incidentId: 'inc-7',
          metric: 'responseSpeed',
          value: 95,
          severity: 'SEV1',
          externalCause: false,
          occurredAt: '2026-03-02T10:00:00.000Z',
          reason: 'Engaged 3 min after being paged',
          source: 'role',
        },
        value: 95,
        effectiveWeight: 2.4,
        share: 0.41,
        notes: ['SEV1 counts ×3'],
      },
    ],
  };
  const feedback: PeerFeedbackAggregate[] = [
    {
      suppressed: false,
      window: feedbackWindow('quarter:user:default/jane:2026-Q1', '2026 Q1'),
      raters: 4,
      averages: { clearAndCalm: 8.5, helpedResolution: 9, primaryContact: 7.5 },
      overallAverage: 8.3,
      comments: [],
    },
    {
      suppressed: true,
      window: feedbackWindow('quarter:user:default/jane:2025-Q4', '2025 Q4'),
      raters: 'fewer than 3',
      message: 'fewer than 3 colleagues answered, so nothing is shown',
    },
  ];
  return {
    userRef: USER_REF,
    reputation: {
      score: 712,
      asOf: '2026-04-10T00:00:00.000Z',
      explanation: '712 of 1000: the average of the six metrics weighted High ×3 and Medium ×2, times 10.',
      metrics,
      trend: [
        { month: '2026-02', asOf: '2026-02-28T23:59:59.999Z', score: 650 },
        { month: '2026-03', asOf: '2026-03-31T23:59:59.999Z', score: 690 },
        { month: '2026-04', asOf: '2026-04-10T00:00:00.000Z', score: 712 },
      ],
    },
    level: {
      level: 3,
      name: 'Senior Responder',
      description: 'Cleared for SEV2. Can contribute to and update runbooks.',
      suspended: false,
      met: ['basic training completed', '5 incidents with a role'],
      next: { level: 4, name: 'MIM Candidate', missing: ['score of at least 750 (now 712)'] },
    },
    badge: {
      holds: false,
      criteria: [
        { id: 'participation', met: true, detail: '4 SEV1/SEV2 incidents (3 needed)' },
        { id: 'peer-feedback', met: false, detail: 'average 7.9 over the last 10 incidents (8 needed)' },
        { id: 'track-record', met: true, detail: 'response speed and communication above 60' },
        { id: 'knowledge-sharing', met: false, detail: '1 contribution in 6 months (2 needed)' },
      ],
    },
    workload: {
      timeZone: 'UTC',
      weeks: [],
      totals: {
        pages: 24,
        incidents: 10,
        incidentHours: 30,
        pagesPerWeek: 3,
        incidentsPerWeek: 1.3,
        incidentHoursPerWeek: 3.8,
        offHoursPageShare: 0.25,
        offHoursIncidentShare: 0.4,
      },
      flaggedPeriods: [],
      explanation: 'Pages and incident hours over the last 8 weeks.',
    },
    participation: { userRef: USER_REF, incidents: 5, rolesHeld: { 'incident-commander': 2 } },
    contributions: {
      runbookRevisions: 6,
      drillsRecorded: 2,
      postmortemsAuthored: 1,
      postmortemsFacilitated: 0,
      actionItemsCompleted: 4,
      shadowsMentored: 2,
    },
    training: [
      {
        id: 't-1',
        userRef: USER_REF,
        kind: 'basic-training',
        issuer: 'SRE academy',
        completedAt: '2025-11-01T00:00:00.000Z',
        recordedBy: 'user:default/lead',
        recordedAt: '2025-11-02T00:00:00.000Z',
      },
    ],
    peerFeedback: feedback,
    ...overrides,
  };
}

export function ledgerEntry(id: string, reason: string, overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    id,
    userRef: USER_REF,
    metric: 'communicationQuality',
    value: 70,
    externalCause: false,
    occurredAt: '2026-03-01T10:00:00.000Z',
    reason,
    source: 'status-update',
    ...overrides,
  };
}
