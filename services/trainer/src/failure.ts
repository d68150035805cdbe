import { InvalidSettingsError } from '@ratchet/continual';
import { TrainingFailed } from '@ratchet/contracts';
import { ConfigError as ModelConfigError, WorkerTaskError } from '@ratchet/gpt';

/** An error of one of these classes, thrown here or in the training worker (which passes on its name). */
const isOneOf = (error: unknown, classes: (abstract new (...args: never[]) => Error)[]): boolean =>
  classes.some((c) => error instanceof c || (error instanceof WorkerTaskError && error.remoteName === c.name));

/** Sorts an increment's error into the TrainingFailed reasons of DESIGN.md. */
export function classifyFailure(error: unknown): Pick<TrainingFailed, 'reason' | 'message' | 'retryable'> {
  const message = error instanceof Error ? error.message : String(error);
  if (/diverged/i.test(message)) return { reason: 'diverged', message, retryable: false };
  if (isOneOf(error, [ModelConfigError, InvalidSettingsError]) || /fewer than one window/i.test(message)) {
    return { reason: 'invalid-data', message, retryable: false };
  }
  return { reason: 'error', message, retryable: true };
}
