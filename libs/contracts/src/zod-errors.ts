import { z } from 'zod';
import { DecodeError } from './errors';

/** Turns the first zod issue into a DecodeError naming the field and the reason. */
export function fromZodError(error: z.ZodError, prefix = ''): DecodeError {
  const issue = error.issues[0];
  if (!issue) return new DecodeError('invalid-field', prefix, 'invalid value');
  const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
  const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  return new DecodeError(missing ? 'missing-field' : 'invalid-field', path, missing ? 'is required' : issue.message);
}
