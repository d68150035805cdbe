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

/** Labels of each contract metric (third column of the table), without `service` and `le`. */
export function contractLabels(): Map<string, string[]> {
  const text = readText('deploy/grafana/README.md');
  const section = text.split(/^## Metric contract\s*$/m)[1]?.split(/^## /m)[0] ?? '';
  const out = new Map<string, string[]>();
  for (const line of section.split('\n').filter((l) => l.startsWith('|'))) {
    const cells = line.split('|').map((c) => c.trim());
    const name = /^`(ratchet_[a-z0-9_]+)`$/.exec(cells[1] ?? '')?.[1];
    if (!name) continue;
    const labels = [...(cells[3] ?? '').matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!).filter((l) => l !== 'service' && l !== 'le');
    out.set(name, labels.sort());
  }
  return out;
}

/**
 * Metrics the services' sources register through the kit's Metrics helpers:
 * `.counter|gauge|histogram('ratchet_x', 'help', ['label', ...])` → name → sorted labels.
 */
export function registeredMetrics(sources: Array<{ file: string; text: string }>): Map<string, { labels: string[]; file: string }> {
  const out = new Map<string, { labels: string[]; file: string }>();
  const call = /\.(?:counter|gauge|histogram)\(\s*'(ratchet_[a-z0-9_]+)'\s*,\s*(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\s*(?:,\s*\[([^\]]*)\])?/g;
  for (const { file, text } of sources) {
    for (const m of text.matchAll(call)) {
      const labels = [...(m[2] ?? '').matchAll(/'([a-z_]+)'/g)].map((l) => l[1]!).sort();
      out.set(m[1]!, { labels, file });
    }
  }
  return out;
}
