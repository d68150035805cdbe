// The registry's HTTP API as the demo uses it (what any client would call).
import type { RetentionMatrix } from '@ratchet/registry-service';
import { configFromName } from '@ratchet/gpt';

async function call<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url}: HTTP ${response.status} ${text}`);
  return (response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T;
}

export function registryClient(base: string) {
  return {
    configure: (lineage: string, body: Record<string, unknown>) => call(`${base}/lineages/${lineage}/config`, { method: 'PUT', body: JSON.stringify(body) }),
    matrix: (lineage: string) => call<RetentionMatrix>(`${base}/lineages/${lineage}/matrix`),
    /** Text from the champion, or null when the lineage has none yet (HTTP 409). */
    generate: async (lineage: string, body: Record<string, unknown>) => {
      const response = await fetch(`${base}/lineages/${lineage}/generate`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      if (response.status === 409) return null;
      if (!response.ok) throw new Error(`POST generate: HTTP ${response.status} ${await response.text()}`);
      return (await response.json()) as { text: string; checkpointId: string };
    },
    dashboard: (lineage: string) => call<string>(`${base}/lineages/${lineage}/dashboard`, { headers: { accept: 'text/html' } }),
    blockSize: async (preset: string) => configFromName(preset).block_size,
  };
}
