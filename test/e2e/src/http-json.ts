// JSON over HTTP against a service, as any client of the API would call it.

export interface JsonAnswer<T = unknown> {
  status: number;
  body: T;
}

export async function requestJson<T = unknown>(
  method: string,
  url: string,
  body?: unknown,
  timeoutMs = 30_000,
): Promise<JsonAnswer<T>> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text, the assertion will show it
  }
  return { status: res.status, body: parsed as T };
}
