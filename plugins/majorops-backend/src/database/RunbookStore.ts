import type {
  DrillKind,
  DrillOutcome,
  Page,
  Runbook,
  RunbookDrill,
  RunbookRevision,
} from '@majorops/plugin-majorops-common';

export interface RunbookListFilter {
  entityRef: string;
  limit: number;
  cursor?: string;
}

/** Storage of runbooks per catalog entity, with every revision and every drill. */
export interface RunbookStore {
  listRunbooks(filter: RunbookListFilter): Promise<Page<Runbook>>;
  getRunbook(id: string): Promise<Runbook | undefined>;
  /** Creates a runbook and its first revision. */
  createRunbook(input: { entityRef: string; title: string; body: string; authorRef: string; at: string }): Promise<Runbook>;
  /**
   * Replaces title and body if the runbook is still at `expectedVersion`, and
   * records the new revision; ConflictError (naming the current version) otherwise.
   */
  updateRunbook(
    id: string,
    expectedVersion: number,
    change: { title: string; body: string; changeNote?: string; authorRef: string; at: string },
  ): Promise<Runbook>;
  /** Revisions, newest first. */
  listRevisions(id: string, options: { limit: number; cursor?: string }): Promise<Page<RunbookRevision>>;
  getRevision(id: string, revision: number): Promise<RunbookRevision | undefined>;
  /** Records a drill; a passed one moves "last tested" forward (never back). */
  recordDrill(
    id: string,
    drill: {
      kind: DrillKind;
      outcome: DrillOutcome;
      performedAt: string;
      participants: string[];
      notes: string;
      recordedBy: string;
      recordedAt: string;
    },
  ): Promise<RunbookDrill>;
  /** When each runbook of these entities last passed a drill, for the stale count. */
  listRunbookFreshnessInputs(entityRefs: string[]): Promise<Array<{ id: string; lastTestedAt?: string }>>;
  /** Drills, most recent first. */
  listDrills(id: string, limit: number): Promise<RunbookDrill[]>;
}
