import * as tf from '@tensorflow/tfjs-core';
import { type CheckpointFiles, initBackend, loadCheckpoint, modelFromState } from '@ratchet/gpt';
import { distillationLoss } from './distillation';
import { runFirstIncrement, runIncrement, type IncrementProgress } from './increment-trainer';
import { DEFAULT_STRATEGY, parseStrategy, withStrategy, type StrategyConfig } from './strategy-config';
import { batchA, batchB, config } from './__fixtures__/two-batches';

// The anti-forgetting terms must change training, not only run: tiny model, a few seeded steps.
beforeAll(async () => {
  await initBackend('cpu');
});

const training = { batchSize: 4, budget: { tokens: 4 * 16 * 6 }, seed: 1, progressEvery: 1 };

let champion: CheckpointFiles;
beforeAll(async () => {
  champion = (await runFirstIncrement({ config, batch: batchA, strategy: DEFAULT_STRATEGY, training })).checkpoint;
});

const increment = (strategy: StrategyConfig, onProgress?: (p: IncrementProgress) => void, from: CheckpointFiles = champion) =>
  runIncrement({ champion: from, batch: batchB, strategy, training, replayTokens: new Map([['a', batchA.tokens]]), onProgress });

/** Mean squared distance of a candidate's weights from the champion's. */
function driftFromChampion(candidate: CheckpointFiles, from: CheckpointFiles = champion): number {
  const before = loadCheckpoint(from).weights;
  let sum = 0;
  let n = 0;
  for (const [name, w] of loadCheckpoint(candidate).weights) {
    const c = before.get(name)!.data;
    w.data.forEach((v, i) => (sum += (v - c[i]!) ** 2));
    n += w.data.length;
  }
  return sum / n;
}

/** Σ F·(θ−θ*)² of a candidate against the Fisher and the anchor (its weights) that `from` carries. */
function fisherDrift(candidate: CheckpointFiles, from: CheckpointFiles): number {
  const anchor = loadCheckpoint(from).weights;
  const extra = loadCheckpoint(from).extraTensors!;
  let sum = 0;
  for (const [name, w] of loadCheckpoint(candidate).weights) {
    const fisher = extra.get(`ewc.fisher.${name}`)!.data;
    const c = anchor.get(name)!.data;
    w.data.forEach((v, i) => (sum += fisher[i]! * (v - c[i]!) ** 2));
  }
  return sum;
}

/** KL(champion ‖ candidate) of the next-byte distributions on batch A's text (the replayed batch). */
function klOnReplayedText(candidate: CheckpointFiles): number {
  const [teacher, student] = [champion, candidate].map((files) => modelFromState(loadCheckpoint(files), { trainable: false }));
  const kl = tf.tidy(() => {
    const inputs = tf.tensor2d(Int32Array.from(batchA.tokens.subarray(0, 4 * 16)), [4, 16], 'int32');
    const flat = (m: typeof teacher) => tf.reshape(m.logits(inputs), [4 * 16, -1]) as tf.Tensor2D;
    return distillationLoss(flat(student), flat(teacher), 1).dataSync()[0]!;
  });
  teacher.dispose();
  student.dispose();
  return kl;
}

describe('anti-forgetting terms in an increment', () => {
  it('L2 anchor at a large weight keeps the candidate nearer the champion than naive', async () => {
    const naive = await increment(parseStrategy('naive'));
    const l2 = await increment(withStrategy(parseStrategy('l2'), { l2Anchor: { alpha: 1e6 } }));
    expect(driftFromChampion(l2.checkpoint)).toBeLessThan(0.25 * driftFromChampion(naive.checkpoint)); // measured ≈ 0.02×;
  });

  it('EWC penalises moving away from the anchor and keeps the candidate nearer the champion than naive', async () => {
    // The champion must carry a Fisher: the first model is trained with EWC on.
    const ewc = withStrategy(parseStrategy('ewc'), { ewc: { fisherSamples: 4 } });
    const ewcChampion = (await runFirstIncrement({ config, batch: batchA, strategy: ewc, training })).checkpoint;
    const naive = await increment(parseStrategy('naive'), undefined, ewcChampion);
    const extra: number[] = [];
    const held = await increment(withStrategy(ewc, { ewc: { lambda: 1e7 } }), (p) => p.phase === 'train' && extra.push(p.extraLoss!), ewcChampion);
    // Step 1 starts at the anchor (no penalty); every later step has moved and pays for it.
    expect(extra[0]).toBe(0);
    for (const e of extra.slice(1)) expect(e).toBeGreaterThan(0);
    // What EWC bounds is the Fisher-weighted distance Σ F·(θ−θ*)² (low-Fisher weights stay free to move).
    // Measured ≈ 0.23× (plain squared drift ≈ 0.69×): Adam bounds each step near the LR however large λ is.
    expect(fisherDrift(held.checkpoint, ewcChampion)).toBeLessThan(0.5 * fisherDrift(naive.checkpoint, ewcChampion));
  });

  it('distillation is a term only on steps with replayed rows, and leaves no tensors behind', async () => {
    // ratio 1/8 of 4 rows: replay rows per step 0, 1, 0, 1, 0, 1 (exact long-run ratio).
    const extra: number[] = [];
    const tensorsBefore = tf.memory().numTensors;
    await increment(withStrategy(parseStrategy('replay+distill'), { replay: { ratio: 0.125 } }), (p) => {
      if (p.phase === 'train') extra.push(p.extraLoss!);
    });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(extra.filter((_, s) => s % 2 === 0)).toEqual([0, 0, 0]);
    for (const e of extra.filter((_, s) => s % 2 === 1)) expect(e).toBeGreaterThan(0);
  });

  it('distillation keeps the outputs on replayed text closer to the champion than replay alone', async () => {
    const replay = withStrategy(parseStrategy('replay'), { replay: { ratio: 0.5 } });
    const plain = await increment(replay);
    const distilled = await increment(withStrategy(replay, { distill: { enabled: true, weight: 1000 } }));
    expect(klOnReplayedText(distilled.checkpoint)).toBeLessThan(0.3 * klOnReplayedText(plain.checkpoint)); // measured ≈ 0.08×;
  });
});
