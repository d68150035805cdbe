import { TrainingFailed } from '@ratchet/contracts';
import { ConfigError as ModelConfigError } from '@ratchet/gpt';

/** Sorts an increment's error into the TrainingFailed reasons of DESIGN.md. */
export function classifyFailure(error: unknown): Pick<TrainingFailed, 'reason' | 'message' | 'retryable'> {
  const message = error instanceof Error ? error.message : String(error);
  if (/diverged/i.test(message)) return { reason: 'diverged', message, retryable: false };
  if (error instanceof ModelConfigError || /fewer than one window|invalid strategy/i.test(message)) {
    return { reason: 'invalid-data', message, retryable: false };
  }
  return { reason: 'error', message, retryable: true };
}
