// The metric contract of deploy/grafana/README.md: the ratchet_* metrics that dashboards and
// alerts may use, read from the first column of the table under "## Metric contract".
import { readText } from './repo-files';

export function contractMetrics(): Set<string> {
  const text = readText('deploy/grafana/README.md');
  const section = text.split(/^## Metric contract\s*$/m)[1]?.split(/^## /m)[0] ?? '';
  const names = section
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) => /^\|\s*`(ratchet_[a-z0-9_]+)`/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined);
  return new Set(names);
}

/** ratchet_* metric names in a PromQL expression. */
export const metricsIn = (expr: string): string[] => [...new Set([...expr.matchAll(/\bratchet_[a-z0-9_]+/g)].map((m) => m[0]))];

/** A name is covered by the contract directly, or as `_sum`/`_count` of a histogram listed by its `_bucket`. */
export function inContract(name: string, contract: Set<string>): boolean {
  if (contract.has(name)) return true;
  const histogram = name.replace(/_(sum|count)$/, '_bucket');
  return histogram !== name && contract.has(histogram);
}
