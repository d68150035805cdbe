import { DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_BACKOFF_MS, EventHandler, StoredEvent, SubscribeOptions } from './port';

export type HandleOutcome = { handled: true } | { handled: false; reason: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a handler with bounded retries and exponential backoff; resolves with the last failure's
 * reason when every attempt failed. `isStopping` cuts the waits short on shutdown.
 */
export async function handleWithRetry(
  handler: EventHandler,
  stored: StoredEvent,
  options: SubscribeOptions,
  isStopping: () => boolean,
): Promise<HandleOutcome | 'stopped'> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  let delay = options.retryBackoffMs ?? DEFAULT_RETRY_BACKOFF_MS;
  let reason = '';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    try {
      await handler(stored);
      return { handled: true };
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
      options.onError?.(error, stored, attempt);
    }
    if (attempt < maxAttempts) {
      await sleep(delay);
      delay = Math.min(delay * 2, 10_000);
      if (isStopping()) return 'stopped';
    }
  }
  return { handled: false, reason: `handler failed ${maxAttempts} times: ${reason}` };
}
