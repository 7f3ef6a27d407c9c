import { ResponseError } from '@backstage/errors';
import {
  missingRunbookSections,
  runbookFreshness,
  runbookTemplate,
  type RunbookRevision,
} from '@majorops/plugin-majorops-common';
import type { RunbookView } from '../../api';

/** Test data for the Runbooks tab (imported by tests only). */
export const ENTITY_REF = 'component:default/checkout-api';

const DAY = 24 * 60 * 60 * 1000;
/** An ISO timestamp `days` before now. */
export const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();

/** A runbook as the backend serves it, with freshness and missing sections computed from its fields. */
export function runbookView(overrides: Partial<RunbookView> = {}): RunbookView {
  const title = overrides.title ?? 'Database failover';
  const body = overrides.body ?? runbookTemplate({ title, entityRef: ENTITY_REF, ownerRef: 'group:default/team-a' });
  const lastTestedAt = 'lastTestedAt' in overrides ? overrides.lastTestedAt : undefined;
  return {
    id: 'rb-1',
    entityRef: ENTITY_REF,
    title,
    body,
    lastTestedAt,
    revision: 1,
    updatedBy: 'user:default/jane',
    createdBy: 'user:default/jane',
    createdAt: daysAgo(30),
    updatedAt: daysAgo(2),
    version: 1,
    freshness: runbookFreshness(lastTestedAt, new Date().toISOString()),
    missingSections: missingRunbookSections(body),
    ...overrides,
  };
}

export function revision(n: number, body: string, overrides: Partial<RunbookRevision> = {}): RunbookRevision {
  return {
    runbookId: 'rb-1',
    revision: n,
    title: 'Database failover',
    body,
    authorRef: 'user:default/jane',
    createdAt: daysAgo(10 - n),
    changeNote: n === 1 ? 'Created' : undefined,
    ...overrides,
  };
}

/** The ResponseError the client throws when the backend answers 409. */
export async function conflictError(
  message = 'Runbook rb-1 was edited by someone else: you sent version 1, it is now at version 2. Reload it, merge your change and save again.',
): Promise<ResponseError> {
  const response = new Response(
    JSON.stringify({
      error: { name: 'ConflictError', message },
      request: { method: 'PUT', url: '/api/majorops/runbooks/rb-1' },
      response: { statusCode: 409 },
    }),
    { status: 409, statusText: 'Conflict', headers: { 'content-type': 'application/json' } },
  );
  return ResponseError.fromResponse(response);
}
