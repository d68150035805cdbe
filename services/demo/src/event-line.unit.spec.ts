import { createEvent } from '@ratchet/contracts';
import { describeEvent } from './event-line';

const origin = { source: 'ratchet/test', subject: 'sotu-gpt', correlationid: 'batch-1' };
const sha = 'a'.repeat(64);

describe('event lines', () => {
  it('reports the training loss in nats per token and in bits per byte', () => {
    const saved = createEvent(
      'CheckpointSaved',
      { checkpointId: 'ck-1', parentId: null, batchId: 'batch-1', objectKey: 'ck/ck-1/', manifestSha256: sha, steps: 10, tokens: 640, trainLoss: Math.LN2 * 2, wallTimeMs: 1200, backend: 'wasm' },
      origin,
    );
    expect(describeEvent(saved)).toBe('checkpoint ck-1 saved: 10 steps, 640 tokens, train loss 1.386 nats/token (2.000 BPB), 1.2 s on wasm');
  });

  it('names a batch the way the caller knows it', () => {
    const failed = createEvent('TrainingFailed', { batchId: 'batch-1', parentId: null, reason: 'diverged', message: 'loss is NaN at step 3', retryable: false }, origin);
    expect(describeEvent(failed, (id) => (id === 'batch-1' ? '1790-1835' : id))).toBe('training failed on 1790-1835 (diverged): loss is NaN at step 3');
  });

  it('says when scoring was given up on, and why the candidate was then rejected', () => {
    const failed = createEvent('ScoringFailed', { checkpointId: 'ck-2', batchId: 'batch-2', baselineId: 'ck-1', message: 'sha256 differs', attempts: 3 }, origin);
    expect(describeEvent(failed, (id) => (id === 'batch-2' ? '1836-1880' : id))).toBe('scoring ck-2 on 1836-1880 failed after 3 attempts, given up: sha256 differs');
    const rules = [{ rule: 'scored', passed: false, value: 2, threshold: 0, message: 'not scored after 3 attempts: sha256 differs' }];
    const rejected = createEvent('PromotionRejected', { checkpointId: 'ck-2', championId: 'ck-1', policy: {}, rules }, origin);
    expect(describeEvent(rejected)).toBe('REJECTED ck-2: scored (not scored after 3 attempts: sha256 differs)');
  });

  it('names the held-out set of each failed rule by its batch name', () => {
    const rules = [
      { rule: 'retention', passed: false, value: 0.05, threshold: 0.02, evalSet: 'batch-1' },
      { rule: 'plasticity', passed: true, value: 0.3, threshold: 0.01, evalSet: 'batch-2' },
    ];
    const rejected = createEvent('PromotionRejected', { checkpointId: 'ck-2', championId: 'ck-1', policy: {}, rules }, origin);
    expect(describeEvent(rejected, (id) => (id === 'batch-1' ? '1790-1835' : id))).toBe('REJECTED ck-2: retention on 1790-1835 0.050 vs 0.020');
  });
});
