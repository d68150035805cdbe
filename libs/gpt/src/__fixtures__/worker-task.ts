// A training task run by worker.int.spec.ts inside a worker thread (compiled on the fly from TS).
import { threadId } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import {
  BatchSampler,
  ByteTokenizer,
  captureState,
  configFromName,
  GPT,
  initBackend,
  saveCheckpoint,
  Trainer,
  WorkerContext,
} from '../index';

export interface TrainInput {
  steps: number;
  text: string;
}

export async function trainTiny(input: TrainInput, ctx: WorkerContext) {
  const backend = await initBackend('wasm');
  const tok = new ByteTokenizer();
  const model = new GPT(configFromName('tiny'), { seed: 1 });
  const trainer = new Trainer(model, { schedule: { kind: 'constant', lr: 3e-3 } });
  const sampler = new BatchSampler(tok.encode(input.text), { batchSize: 2, seqLen: 16, seed: 2 });
  const tensorCounts: number[] = [];
  for (let i = 0; i < input.steps; i++) {
    const r = trainer.step(sampler.next());
    tensorCounts.push(tf.memory().numTensors);
    ctx.progress({ step: r.step, loss: r.loss });
  }
  const ckpt = saveCheckpoint(captureState({ model, trainer, sampler, tokenizer: tok.spec() }));
  trainer.dispose();
  model.dispose();
  return { backend, tensorCounts, ckpt, threadId };
}

/** Trains the tiny model step after step for at least `ms` milliseconds (set-up not counted). */
export async function trainFor(input: { ms: number; text: string }, ctx: WorkerContext) {
  await initBackend('wasm');
  const model = new GPT(configFromName('tiny'), { seed: 1 });
  const trainer = new Trainer(model, { schedule: { kind: 'constant', lr: 1e-3 } });
  const sampler = new BatchSampler(new ByteTokenizer().encode(input.text), { batchSize: 2, seqLen: 16, seed: 2 });
  const t0 = performance.now();
  let steps = 0;
  while (performance.now() - t0 < input.ms) {
    trainer.step(sampler.next());
    ctx.progress({ step: steps++ });
  }
  trainer.dispose();
  model.dispose();
  return { steps, ms: performance.now() - t0 };
}

export async function fails(): Promise<never> {
  throw new Error('deliberate failure');
}
