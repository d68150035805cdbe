// Scoring throughput of the evaluator (prints figures; not a test). Needs a build:
//   npx turbo run build --filter=@ratchet/evaluator-service && node services/evaluator/bench/scoring.bench.mjs [backend] [presets...]
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { GPT, configFromName, initBackend } = require('@ratchet/gpt');
const { evaluateSet, scoreModels, workerScorer } = require('../dist/index.js');

const backend = process.argv[2] ?? 'wasm';
const presets = process.argv.slice(3).length ? process.argv.slice(3) : ['tiny', 'micro'];
const maxTokens = 8192;
const text = 'It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife. ';
const tokens = new Uint8Array(Buffer.from(text.repeat(Math.ceil((maxTokens + 1) / text.length))).subarray(0, maxTokens + 1));

console.log(`backend ${await initBackend(backend)}, ${maxTokens} tokens per set`);
for (const preset of presets) {
  const config = configFromName(preset);
  const model = new GPT(config, { seed: 0, trainable: false });
  await evaluateSet(model, tokens.subarray(0, 2 * config.block_size + 1), { maxTokens: 2 * config.block_size }); // warm-up
  let t = performance.now();
  const score = await evaluateSet(model, tokens, { maxTokens, batchSize: 8 });
  const inThread = (performance.now() - t) / 1000;
  const params = model.paramCount();
  model.dispose();
  const input = { models: [{ role: 'untrained', spec: { kind: 'untrained', config, seed: 0 }, sets: ['s'] }], tokens: { s: tokens }, maxTokens, batchSize: 8 };
  t = performance.now();
  await workerScorer(backend)(input, () => {});
  const inWorker = (performance.now() - t) / 1000;
  t = performance.now();
  await scoreModels(input);
  const viaScoreModels = (performance.now() - t) / 1000;
  console.log(
    `${preset.padEnd(11)} params ${String(params).padStart(8)}  bpb ${score.bpb.toFixed(3)}  ` +
      `in thread ${inThread.toFixed(2)} s (${Math.round(maxTokens / inThread)} tok/s)  scoreModels ${viaScoreModels.toFixed(2)} s  worker incl. start-up ${inWorker.toFixed(2)} s`,
  );
}
