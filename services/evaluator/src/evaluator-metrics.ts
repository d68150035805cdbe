// The evaluator's Prometheus series, on the kit's per-service registry.
import { Injectable } from '@nestjs/common';
import type { RetentionScored } from '@ratchet/contracts';
import { Metrics } from '@ratchet/service-kit';

@Injectable()
export class EvaluatorMetrics {
  readonly candidateBpb;
  readonly championBpb;
  readonly continual;
  readonly scoringSeconds;
  readonly jobs;
  readonly queueDepth;
  readonly cacheLookups;

  constructor(metrics: Metrics) {
    this.candidateBpb = metrics.gauge('ratchet_eval_candidate_bpb', 'Bits per byte of the latest candidate per held-out set', ['lineage', 'eval_set']);
    this.championBpb = metrics.gauge('ratchet_eval_champion_bpb', 'Bits per byte of the champion (baseline) per held-out set when the latest candidate was scored', ['lineage', 'eval_set']);
    this.continual = metrics.gauge('ratchet_eval_continual_bpb', 'Retention, plasticity, BWT and forgetting of the latest candidate, in BPB', ['lineage', 'metric']);
    this.scoringSeconds = metrics.histogram('ratchet_eval_scoring_seconds', 'Time to score one candidate (all models, all sets)', ['lineage'], [0.1, 0.5, 1, 5, 15, 60, 300, 1200]);
    this.jobs = metrics.counter('ratchet_eval_jobs_total', 'Scoring jobs by outcome', ['outcome']);
    this.queueDepth = metrics.gauge('ratchet_eval_queue_depth', 'Checkpoints queued or being scored');
    this.cacheLookups = metrics.counter('ratchet_eval_score_cache_total', 'Score cache lookups', ['result']);
  }

  recordScores(lineage: string, scores: RetentionScored): void {
    for (const set of scores.sets) {
      if (set.candidate.bpb !== null) this.candidateBpb.set({ lineage, eval_set: set.batchId }, set.candidate.bpb);
      if (set.baseline?.bpb != null) this.championBpb.set({ lineage, eval_set: set.batchId }, set.baseline.bpb);
    }
    for (const metric of ['retention', 'plasticity', 'bwt', 'forgetting'] as const) {
      const value = scores[metric];
      if (value === null) this.continual.remove({ lineage, metric });
      else this.continual.set({ lineage, metric }, value);
    }
  }
}
