import { ResponseError } from '@backstage/errors';

/** Whether the backend refused the request for lack of permission (HTTP 403). */
export function isNotAllowed(error: unknown): boolean {
  if (error instanceof ResponseError) return error.response.status === 403;
  const status = (error as { response?: { status?: number } } | undefined)?.response?.status;
  return status === 403 || (error as { name?: string } | undefined)?.name === 'NotAllowedError';
}
