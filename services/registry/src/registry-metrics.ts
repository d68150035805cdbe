// The registry's Prometheus series on the kit's per-service registry. Names, labels and meanings
// follow the metric contract in deploy/grafana/README.md.
import { Injectable } from '@nestjs/common';
import { Metrics } from '@ratchet/service-kit';
import { Counter, Gauge } from 'prom-client';
import { EvalScoreRow } from './db/entities';

/**
 * Of the promotion that made `champion`: retention = the worst gain over the old held-out sets,
 * plasticity = the gain on the new set, each previous champion BPB − champion BPB (libs/continual's
 * sign: negative retention means it forgot). Null where there was no previous champion to compare.
 */
export function championGains(cells: EvalScoreRow[]): { retention: number | null; plasticity: number | null } {
  const gain = (c: EvalScoreRow) => (c.baselineBpb === null || c.candidateBpb === null ? null : c.baselineBpb - c.candidateBpb);
  const old = cells.filter((c) => !c.isNew).map(gain);
  const fresh = cells.find((c) => c.isNew);
  return {
    retention: old.length === 0 || old.includes(null) ? null : Math.min(...(old as number[])),
    plasticity: fresh ? gain(fresh) : null,
  };
}

@Injectable()
export class RegistryMetrics {
  /** outcome: promoted | rejected */
  readonly promotions: Counter<'lineage' | 'outcome'>;
  readonly rollbacks: Counter<'lineage'>;
  private readonly retention: Gauge<'lineage'>;
  private readonly plasticity: Gauge<'lineage'>;

  constructor(metrics: Metrics) {
    this.promotions = metrics.counter('ratchet_promotions_total', 'Promotion decisions by outcome (promoted, rejected)', ['lineage', 'outcome']);
    this.rollbacks = metrics.counter('ratchet_registry_rollbacks_total', 'Champion rollbacks', ['lineage']);
    this.retention = metrics.gauge('ratchet_champion_retention', 'Worst BPB gain over old held-out sets of the promotion that made the champion (negative: forgot)', ['lineage']);
    this.plasticity = metrics.gauge('ratchet_champion_plasticity', 'BPB gain on the new held-out set of the promotion that made the champion', ['lineage']);
  }

  /** Sets the champion gauges of a lineage from the champion's eval scores (removed when unknown). */
  champion(lineage: string, cells: EvalScoreRow[]): void {
    const gains = championGains(cells);
    for (const [gauge, value] of [
      [this.retention, gains.retention],
      [this.plasticity, gains.plasticity],
    ] as const) {
      if (value === null) gauge.remove({ lineage });
      else gauge.set({ lineage }, value);
    }
  }
}
