// deploy/grafana: the dashboard parses, has the promised panels, and queries only contract metrics.
import { contractLabels, contractMetrics, inContract, metricsIn, registeredMetrics } from './metric-contract';
import { Obj, asList, asObj, listFiles, readText, readYaml } from './repo-files';

const dashboard = asObj(JSON.parse(readText('deploy/grafana/dashboards/ratchet-retention.json')) as unknown, 'dashboard');
const panels = asList(dashboard.panels).map((p) => asObj(p, 'panel'));
const exprs = (p: Obj): string[] => asList(p.targets).map((t) => String(asObj(t, 'target').expr));

describe('metric contract (deploy/grafana/README.md)', () => {
  it('lists exactly the metrics the services are asked to export', () => {
    expect([...contractMetrics()].sort()).toEqual(
      [
        'ratchet_champion_plasticity',
        'ratchet_champion_retention',
        'ratchet_eval_bpb',
        'ratchet_event_handle_seconds_bucket',
        'ratchet_events_handled_total',
        'ratchet_promotions_total',
        'ratchet_train_loss',
        'ratchet_train_tokens_per_second',
      ].sort(),
    );
  });
});

describe('services against the metric contract', () => {
  const sources = listFiles('services')
    .filter((p) => /^services\/[^/]+\/src\/.*\.ts$/.test(p) && !p.endsWith('.spec.ts'))
    .map((file) => ({ file, text: readText(file) }));
  const registered = registeredMetrics(sources);

  it('finds the metrics the kit registers (the reader works)', () => {
    expect(registered.get('ratchet_events_handled_total')?.labels).toEqual(['outcome', 'type']);
  });

  // a histogram is registered by its base name; the contract lists its `_bucket` series
  it.each([...contractLabels()])('%s is registered by a service with the contract labels', (name, labels) => {
    const found = registered.get(name.replace(/_bucket$/, ''));
    expect({ name, labels: found?.labels ?? 'not registered by any service' }).toEqual({ name, labels });
  });
});

describe('dashboard "Ratchet — retention over time"', () => {
  it('is the provisioned dashboard with the promised panels', () => {
    expect(dashboard.title).toBe('Ratchet — retention over time');
    expect(panels.map((p) => p.title)).toEqual(
      expect.arrayContaining([
        'Champion BPB per held-out set',
        'Retention per lineage',
        'Plasticity per lineage',
        'Promotions vs rejections',
        'Training tokens/s',
        'Events handled by service and outcome',
        'Event handling latency',
      ]),
    );
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
  });

  it.each(panels.map((p) => [String(p.title), p] as const))('panel "%s" queries only contract metrics', (_title, panel) => {
    const contract = contractMetrics();
    expect(exprs(panel).length).toBeGreaterThan(0);
    for (const expr of exprs(panel)) {
      const used = metricsIn(expr);
      expect({ expr, used: used.length > 0 }).toEqual({ expr, used: true });
      expect(used.filter((m) => !inContract(m, contract))).toEqual([]);
    }
  });

  it('uses the provisioned datasource, which the dashboard provider loads', () => {
    const provisioned = asList(asObj(readYaml('deploy/grafana/provisioning/datasources/prometheus.yml'), 'ds').datasources);
    const uids = provisioned.map((d) => asObj(d, 'datasource').uid);
    for (const panel of panels) {
      expect(uids).toContain(asObj(panel.datasource, 'datasource').uid);
      for (const t of asList(panel.targets)) expect(uids).toContain(asObj(asObj(t, 'target').datasource, 'datasource').uid);
    }
    const providers = asList(asObj(readYaml('deploy/grafana/provisioning/dashboards/ratchet.yml'), 'dashboards').providers);
    expect(providers.map((p) => asObj(p, 'provider').type)).toEqual(['file']);
  });
});
