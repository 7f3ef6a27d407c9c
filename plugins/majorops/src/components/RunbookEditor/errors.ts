/** Whether an error is the backend's 409: someone else saved first. */
export function isConflict(error: unknown): boolean {
  return (error as { statusCode?: number } | undefined)?.statusCode === 409;
}

/**
 * The message to show for a failed request: the backend's own message (the
 * cause of a ResponseError, e.g. "Runbook x was edited by someone else…")
 * rather than "Request failed with 409 Conflict".
 */
export function errorMessage(error: unknown): string {
  const e = error as { message?: string; cause?: { message?: string } } | undefined;
  return e?.cause?.message || e?.message || String(error);
}
