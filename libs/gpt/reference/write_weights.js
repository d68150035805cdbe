// Writes the weights the golden-logit fixtures are computed from (run after `npm run build`):
//   node reference/write_weights.js && python3 reference/gpt_reference.py
// Weights are the seeded init, scaled up and jittered so that biases and norm weights are not
// trivial and the logits are far from uniform.
const fs = require('node:fs');
const path = require('node:path');
const g = require('../dist');

async function main() {
await g.initBackend('cpu');
const out = path.join(__dirname, '..', 'src', '__fixtures__');
fs.mkdirSync(out, { recursive: true });
for (const name of ['tiny', 'tiny-llama']) {
  const cfg = g.configFromName(name);
  const model = new g.GPT(cfg, { seed: 21 });
  const rng = new g.Rng(22);
  const w = model.exportWeights();
  for (const t of w.values()) for (let i = 0; i < t.data.length; i++) t.data[i] = t.data[i] * 3 + 0.05 * rng.normal();
  fs.writeFileSync(path.join(out, `${name}.safetensors`), g.encodeSafetensors(w, { config: JSON.stringify(cfg) }));
  model.dispose();
}
console.log(`wrote weights to ${out}`);
}
main();
