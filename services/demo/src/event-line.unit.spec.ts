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
});
