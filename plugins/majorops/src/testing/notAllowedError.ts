import { ResponseError } from '@backstage/errors';

/** The error MajorOpsClient throws when the backend answers 403. */
export function notAllowedError(message = 'You are not allowed to do this'): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'NotAllowedError', message },
        request: { method: 'GET', url: '/api/majorops' },
        response: { statusCode: 403 },
      }),
      { status: 403, statusText: 'Forbidden', headers: { 'content-type': 'application/json' } },
    ),
  );
}
