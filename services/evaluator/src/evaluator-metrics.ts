// The evaluator's Prometheus series, on the kit's per-service registry.
import { Injectable } from '@nestjs/common';
import type { RetentionScored } from '@ratchet/contracts';
import { Metrics } from '@ratchet/service-kit';

@Injectable()
export class EvaluatorMetrics {
  readonly bpb;
  readonly continual;
  readonly scoringSeconds;
  readonly jobs;
  readonly queueDepth;
  readonly cacheLookups;

  constructor(metrics: Metrics) {
    // The metric contract of deploy/grafana/README.md: role = candidate | champion (the one it was scored against).
    this.bpb = metrics.gauge('ratchet_eval_bpb', 'Bits per byte on a held-out set of the last scored candidate and of the champion it was scored against', ['lineage', 'eval_set', 'role']);
    this.continual = metrics.gauge('ratchet_eval_continual_bpb', 'Retention, plasticity, BWT and forgetting of the latest candidate, in BPB', ['lineage', 'metric']);
    this.scoringSeconds = metrics.histogram('ratchet_eval_scoring_seconds', 'Time to score one candidate (all models, all sets)', ['lineage'], [0.1, 0.5, 1, 5, 15, 60, 300, 1200]);
    this.jobs = metrics.counter('ratchet_eval_jobs_total', 'Scoring jobs by outcome', ['outcome']);
    this.queueDepth = metrics.gauge('ratchet_eval_queue_depth', 'Checkpoints queued or being scored');
    this.cacheLookups = metrics.counter('ratchet_eval_score_cache_total', 'Score cache lookups', ['result']);
  }

  recordScores(lineage: string, scores: RetentionScored): void {
    for (const set of scores.sets) {
      if (set.candidate.bpb !== null) this.bpb.set({ lineage, eval_set: set.batchId, role: 'candidate' }, set.candidate.bpb);
      if (set.baseline?.bpb != null) this.bpb.set({ lineage, eval_set: set.batchId, role: 'champion' }, set.baseline.bpb);
      else this.bpb.remove({ lineage, eval_set: set.batchId, role: 'champion' });
    }
    for (const metric of ['retention', 'plasticity', 'bwt', 'forgetting'] as const) {
      const value = scores[metric];
      if (value === null) this.continual.remove({ lineage, metric });
      else this.continual.set({ lineage, metric }, value);
    }
  }
}
