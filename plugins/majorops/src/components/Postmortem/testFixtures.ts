import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import type { ActionItemView, Incident, PostmortemView } from '@majorops/plugin-majorops-common';

/** An incident resolved at the given time (SEV1 by default). */
export function makeIncident(overrides: Partial<Incident> = {}): Incident {
  const declaredAt = '2026-03-01T10:00:00.000Z';
  return {
    id: 'inc-1',
    title: 'Checkout returns 500',
    summary: 'Card payments fail',
    severity: 'SEV1',
    status: 'resolved',
    tags: [],
    externalCause: false,
    customerReported: false,
    payingCustomer: false,
    dataIntegrityConcern: false,
    source: 'majorops',
    entities: [{ entityRef: 'component:default/checkout-api', ownerRef: 'group:default/team-a' }],
    roles: [],
    milestones: { declaredAt, resolvedAt: '2026-03-01T11:00:00.000Z' },
    createdBy: 'user:default/alice',
    createdAt: declaredAt,
    updatedAt: declaredAt,
    version: 3,
    ...overrides,
  };
}

/** A fresh draft of a full post-mortem, with a timeline generated from two events. */
export function makePostmortem(overrides: Partial<PostmortemView> = {}): PostmortemView {
  return {
    incidentId: 'inc-1',
    kind: 'full',
    status: 'draft',
    executiveSummary: '',
    impact: { usersAffected: '', revenueImpact: '' },
    timeline: [
      { at: '2026-03-01T10:00:00.000Z', text: 'Incident declared', sourceEventId: 'e1' },
      { at: '2026-03-01T10:42:10.000Z', text: 'Rolled back release 412', sourceEventId: 'e2' },
    ],
    whatHappened: '',
    contributingFactors: { immediate: '', underlying: '', systemic: '' },
    fiveWhys: [],
    wentWell: [],
    wentPoorly: [],
    lessonsLearned: '',
    failureModes: [],
    authorRef: 'user:default/alice',
    visibility: 'organization',
    visibleToGroups: [],
    createdAt: '2026-03-01T12:00:00.000Z',
    updatedAt: '2026-03-01T12:00:00.000Z',
    updatedBy: 'user:default/alice',
    version: 4,
    requirement: { kind: 'full', required: true, explanation: 'SEV1 incidents need a full post-mortem.' },
    deadline: {
      state: 'due',
      dueAt: '2026-03-03T11:00:00.000Z',
      hours: 20,
      explanation: '20 h left to make it final.',
    },
    missingSections: [
      { field: 'executiveSummary', label: 'Executive summary' },
      { field: 'contributingFactors.immediate', label: 'Immediate cause' },
    ],
    blamelessHints: [],
    ...overrides,
  };
}

export function makeActionItem(overrides: Partial<ActionItemView> = {}): ActionItemView {
  return {
    id: 'ai-1',
    incidentId: 'inc-1',
    title: 'Add integration test for config validation',
    ownerRef: 'group:default/team-a',
    priority: 'P1',
    dueDate: '2999-12-31',
    status: 'not-started',
    createdBy: 'user:default/alice',
    createdAt: '2026-03-01T12:00:00.000Z',
    updatedBy: 'user:default/alice',
    updatedAt: '2026-03-01T12:00:00.000Z',
    version: 1,
    state: 'open',
    dueAt: '2999-12-31T23:59:59.999Z',
    incidentTitle: 'Checkout returns 500',
    incidentSeverity: 'SEV1',
    ...overrides,
  };
}

/** A ResponseError as the client throws it for a backend error. */
export async function responseError(status: number, name: string, message: string): Promise<ResponseError> {
  const statusText = { 400: 'Bad Request', 409: 'Conflict' }[status] ?? 'Error';
  const response = new Response(
    JSON.stringify({
      error: { name, message },
      request: { method: 'PUT', url: '/api/majorops/incidents/inc-1/postmortem' },
      response: { statusCode: status },
    }),
    { status, statusText, headers: { 'content-type': 'application/json' } },
  );
  return ResponseError.fromResponse(response);
}

export const catalogUsers: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'jane', namespace: 'default' },
    spec: { profile: { displayName: 'Jane Doe' }, memberOf: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'payments-team', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
];
