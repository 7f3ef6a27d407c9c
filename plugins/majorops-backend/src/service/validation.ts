import { InputError } from '@backstage/errors';
import { z } from 'zod';

/**
 * Parses request input with a schema from -common; a failure becomes an
 * InputError (400) that names every field that was wrong.
 */
export function parseInput<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  what: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map(issue => {
      if (issue.code === 'unrecognized_keys') {
        return `unknown ${issue.keys.length > 1 ? 'fields' : 'field'} ${issue.keys.join(', ')}`;
      }
      const path = issue.path.join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    });
    throw new InputError(`Invalid ${what}: ${problems.join('; ')}`);
  }
  return result.data;
}
