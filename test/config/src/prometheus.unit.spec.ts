// deploy/prometheus: scrape targets on the services' ports, rules that use contract metrics.
import { posix } from 'node:path';
import { defaultServicePort } from './known-env';
import { contractMetrics, inContract, metricsIn } from './metric-contract';
import { Obj, asList, asObj, exists, readYaml, str } from './repo-files';
import { HTTP_PORTS, SERVICES } from './services';

const DIR = 'deploy/prometheus';
const config = (file: string): Obj => asObj(readYaml(posix.join(DIR, file)), file);
const jobs = (c: Obj): Obj[] => asList(c.scrape_configs).map((j) => asObj(j, 'scrape config'));

describe('prometheus.yml (local and compose)', () => {
  const c = config('prometheus.yml');

  it('scrapes /metrics of the four services on their HTTP ports', () => {
    const [job] = jobs(c);
    expect(jobs(c)).toHaveLength(1);
    expect(job?.metrics_path).toBe('/metrics');
    const targets = asList(job?.static_configs).flatMap((s) => asList(asObj(s, 'static_config').targets).map(String));
    expect(targets.sort()).toEqual(SERVICES.map((s) => `127.0.0.1:${HTTP_PORTS[s]}`).sort());
  });

  // the static targets are only right if the services listen there when started without settings
  it.each([...SERVICES])('targets the port %s listens on by default', (svc) => {
    const own = defaultServicePort(svc);
    expect({ svc, port: own ?? HTTP_PORTS[svc] }).toEqual({ svc, port: HTTP_PORTS[svc] });
  });

  it('sets no `service` target label, which would clash with the series own `service` label', () => {
    for (const job of jobs(c)) for (const s of asList(job.static_configs)) expect(asObj(s, 'static_config').labels).toBeUndefined();
  });
});

describe('prometheus-kubernetes.yml (pod annotations)', () => {
  const c = config('prometheus-kubernetes.yml');

  it('keeps pods annotated prometheus.io/scrape=true and uses their port and path annotations', () => {
    const [job] = jobs(c);
    const relabel = asList(job?.relabel_configs).map((r) => asObj(r, 'relabel'));
    const keep = relabel.find((r) => r.action === 'keep');
    expect(keep).toEqual(expect.objectContaining({ source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], regex: 'true' }));
    expect(relabel.some((r) => r.target_label === '__metrics_path__')).toBe(true);
    const address = relabel.find((r) => r.target_label === '__address__');
    expect(address?.source_labels).toContain('__meta_kubernetes_pod_annotation_prometheus_io_port');
    expect(relabel.map((r) => r.target_label)).not.toContain('service');
  });
});

describe('rules.yml', () => {
  const contract = contractMetrics();
  const rules = asList(config('rules.yml').groups).flatMap((g) => asList(asObj(g, 'group').rules).map((r) => asObj(r, 'rule')));

  it.each(['prometheus.yml', 'prometheus-kubernetes.yml'])('is loaded by %s', (file) => {
    const files = asList(config(file).rule_files).map(String);
    expect(files).toContain('rules.yml');
    for (const f of files) expect(exists(posix.join(DIR, f))).toBe(true);
  });

  it('has alerts with an expression, a severity and a summary', () => {
    expect(rules.length).toBeGreaterThanOrEqual(5);
    for (const rule of rules) {
      expect(str(rule.alert)).toMatch(/^Ratchet[A-Za-z]+$/);
      expect(str(rule.expr)).toBeTruthy();
      expect(['warning', 'critical']).toContain(asObj(rule.labels, 'labels').severity);
      expect(str(asObj(rule.annotations, 'annotations').summary)).toBeTruthy();
    }
  });

  it('uses only ratchet_* metrics of the metric contract', () => {
    const used = rules.flatMap((r) => metricsIn(String(r.expr)));
    expect(used).toEqual(expect.arrayContaining(['ratchet_events_handled_total', 'ratchet_promotions_total', 'ratchet_eval_bpb']));
    expect(used.filter((m) => !inContract(m, contract))).toEqual([]);
  });
});
