import { ResponseError } from '@backstage/errors';

/** Whether the backend refused a change because the incident moved on since it was read (HTTP 409). */
export function isConflict(error: unknown): boolean {
  if (error instanceof ResponseError) return error.response.status === 409;
  const status = (error as { response?: { status?: number } } | undefined)?.response?.status;
  return status === 409 || (error as { name?: string } | undefined)?.name === 'ConflictError';
}
