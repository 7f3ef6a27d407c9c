import type { Page, Runbook } from '@majorops/plugin-majorops-common';

export interface RunbookListFilter {
  entityRef: string;
  limit: number;
  cursor?: string;
}

/** Storage of runbooks per catalog entity. */
export interface RunbookStore {
  listRunbooks(filter: RunbookListFilter): Promise<Page<Runbook>>;
}
