// A model loaded from a checkpoint evaluates and generates exactly like the model that was saved.
import {
  BatchSampler,
  ByteTokenizer,
  captureState,
  checkpointFromFileMap,
  checkpointToFileMap,
  configFromName,
  evaluate,
  generateIds,
  GPT,
  initBackend,
  loadCheckpoint,
  modelFromState,
  saveCheckpoint,
  Trainer,
} from './index';

const tok = new ByteTokenizer();
const tokens = tok.encode('a checkpoint should remember what it learned. '.repeat(12));
const prompt = tok.encode('a check');
let trained: GPT;
let loaded: GPT;

beforeAll(async () => {
  await initBackend('wasm');
  trained = new GPT(configFromName('tiny'), { seed: 4 });
  const trainer = new Trainer(trained, { schedule: { kind: 'constant', lr: 1e-2 }, gradClip: 1 });
  const sampler = new BatchSampler(tokens, { batchSize: 4, seqLen: 16, seed: 1 });
  for (let i = 0; i < 5; i++) trainer.step(sampler.next());
  // Through the files a checkpoint is stored as, then into a fresh model.
  const files = checkpointToFileMap(
    saveCheckpoint(captureState({ model: trained, trainer, sampler, tokenizer: tok.spec() })),
  );
  loaded = modelFromState(loadCheckpoint(checkpointFromFileMap(files)));
  trainer.dispose();
});

afterAll(() => {
  trained.dispose();
  loaded.dispose();
});

describe('a model loaded from a checkpoint', () => {
  it('evaluates to the same loss and BPB as the trained model, which differ from a fresh one', () => {
    const a = evaluate(trained, tokens, { maxTokens: 200 });
    const b = evaluate(loaded, tokens, { maxTokens: 200 });
    expect(b).toEqual(a);
    const fresh = new GPT(configFromName('tiny'), { seed: 4 });
    const f = evaluate(fresh, tokens, { maxTokens: 200 });
    fresh.dispose();
    expect(f.loss - a.loss).toBeGreaterThan(0.5); // five steps did learn something, and the checkpoint kept it
  });

  it('generates the same tokens for a seed, and exactly maxTokens of them', () => {
    const opts = { maxTokens: 12, temperature: 0.8, topK: 20, seed: 7 };
    const a = generateIds(trained, prompt, opts);
    expect(a).toHaveLength(12);
    expect(generateIds(loaded, prompt, opts)).toEqual(a);
    expect(generateIds(loaded, prompt, { ...opts, maxTokens: 3 })).toEqual(a.slice(0, 3));
    expect(generateIds(loaded, prompt, { ...opts, maxTokens: 0 })).toEqual([]);
  });

  it('with top-k 1 decodes greedily whatever the seed and temperature', () => {
    const greedy = generateIds(trained, prompt, { maxTokens: 8, temperature: 0 });
    for (const [seed, temperature] of [
      [1, 0.5],
      [2, 1],
      [3, 2],
    ] as const) {
      expect(generateIds(loaded, prompt, { maxTokens: 8, temperature, topK: 1, seed })).toEqual(greedy);
    }
    // ...whereas sampling from the whole distribution at that temperature does not.
    expect(generateIds(loaded, prompt, { maxTokens: 8, temperature: 2, seed: 3 })).not.toEqual(greedy);
  });
});
