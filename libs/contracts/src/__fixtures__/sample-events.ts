import { createEvent, AnyEvent } from '..';

const sha = 'a'.repeat(64);
const origin = { source: 'ratchet/test', subject: 'sotu-gpt', correlationid: 'batch-1' };
const rules = [{ rule: 'retention', passed: true, value: 0.01, threshold: 0.02, evalSet: 'batch-1' }];

/** One valid event of every type in the catalogue. */
export const sampleEvents = (): AnyEvent[] => [
  createEvent('LineageConfigured', { lineage: 'sotu-gpt', preset: 'tiny', modelOverrides: {}, strategy: {}, training: {}, policy: {} }, origin),
  createEvent(
    'DataBatchArrived',
    {
      batchId: 'batch-1',
      lineage: 'sotu-gpt',
      records: 10,
      bytes: 1000,
      rejected: 1,
      contentSha256: sha,
      train: { key: 'b/train.jsonl', sha256: sha, records: 9, bytes: 900 },
      heldOut: { key: 'b/heldout.jsonl', sha256: sha, records: 1, bytes: 100 },
      source: 'http',
      label: '1790-1800 Federalist era',
    },
    origin,
  ),
  createEvent('BatchRejected', { batchId: 'batch-2', lineage: 'sotu-gpt', reasons: [{ position: 3, field: 'text', reason: 'is required' }], rejectedTo: 'ratchet.records.dlq', label: 'late upload' }, origin),
  createEvent('IncrementStarted', { batchId: 'batch-1', checkpointId: 'ck-1', parentId: null, strategy: { replay: 0.05 }, lrSchedule: { kind: 'rewarm' } }, origin),
  createEvent(
    'CheckpointSaved',
    { checkpointId: 'ck-1', parentId: null, batchId: 'batch-1', objectKey: 'ck/ck-1/', manifestSha256: sha, steps: 10, tokens: 640, trainLoss: 2.5, wallTimeMs: 1200, backend: 'wasm' },
    origin,
  ),
  createEvent('TrainingFailed', { batchId: 'batch-1', parentId: 'ck-0', reason: 'diverged', message: 'loss is NaN at step 3', retryable: false }, origin),
  createEvent(
    'RetentionScored',
    {
      checkpointId: 'ck-1',
      baselineId: null,
      batchId: 'batch-1',
      sets: [{ batchId: 'batch-1', isNew: true, tokens: 512, candidate: { loss: 2, bpb: 2.9 }, baseline: null, untrained: { loss: 5.5, bpb: 8 } }],
      retention: null,
      plasticity: 5.1,
      bwt: null,
      forgetting: null,
    },
    origin,
  ),
  createEvent('ScoringFailed', { checkpointId: 'ck-2', batchId: 'batch-2', baselineId: 'ck-1', message: 'held-out object b/heldout.jsonl: sha256 mismatch', attempts: 3 }, origin),
  createEvent('ModelPromoted', { checkpointId: 'ck-1', previousId: null, policy: { tolerance: 0.02 }, rules }, origin),
  createEvent('PromotionRejected', { checkpointId: 'ck-2', championId: 'ck-1', policy: { tolerance: 0.02 }, rules }, origin),
  createEvent('ChampionRolledBack', { from: 'ck-2', to: 'ck-1', by: 'alice', reason: 'regression seen in production' }, origin),
];
