/**
 * `ratchet bench gpt [--preset P[,P...]] [--backend B[,B...]] [--steps N] [--batch-size N] [--seq-len N] [--json]`
 * Per preset and backend: parameters, train and eval tokens/s, achieved training GFLOP/s and peak RSS.
 * Several combinations run one child process each, so that every peak RSS belongs to one run.
 */
import { spawnSync } from 'node:child_process';
import { BackendName, BatchSampler, configFromName, evaluate, GPT, initBackend, Rng, Trainer } from '@ratchet/gpt';

export const GPT_USAGE = `usage: ratchet bench gpt [options]
  --preset LIST       comma-separated presets (default micro)
  --backend LIST      comma-separated: wasm, cpu, tensorflow, auto (default wasm)
  --steps N           timed training steps (default 5; one untimed warm-up step runs first)
  --batch-size N      sequences per step (default: about 1024 tokens per step)
  --seq-len N         window length (default: the preset's block size, at most 128)
  --json              one JSON object per line`;

export interface GptBenchRow {
  preset: string;
  backend: string;
  params: number;
  batch_size: number;
  seq_len: number;
  train_tokens_per_s: number;
  /** Tokens per CPU-second of this process: on a shared machine, closer to what an idle core gives. */
  train_tokens_per_cpu_s: number;
  eval_tokens_per_s: number;
  train_gflops: number;
  peak_rss_mb: number;
}

interface Args {
  presets: string[];
  backends: BackendName[];
  steps: number;
  batchSize?: number;
  seqLen?: number;
  json: boolean;
}

export function parseGptBenchArgs(argv: readonly string[]): Args {
  const args: Args = { presets: ['micro'], backends: ['wasm'], steps: 5, json: false };
  const positive = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} needs a positive integer, got ${v ?? 'nothing'}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string | undefined => argv[++i];
    if (a === '--json') args.json = true;
    else if (a === '--preset') args.presets = (next() ?? '').split(',').filter(Boolean);
    else if (a === '--backend') args.backends = (next() ?? '').split(',').filter(Boolean) as BackendName[];
    else if (a === '--steps') args.steps = positive(a, next());
    else if (a === '--batch-size') args.batchSize = positive(a, next());
    else if (a === '--seq-len') args.seqLen = positive(a, next());
    else throw new Error(`unknown option ${a}\n${GPT_USAGE}`);
  }
  for (const p of args.presets) configFromName(p); // unknown presets fail before anything runs
  for (const b of args.backends) {
    if (!['wasm', 'cpu', 'tensorflow', 'auto'].includes(b)) throw new Error(`unknown backend ${b}\n${GPT_USAGE}`);
  }
  return args;
}

/** Training FLOPs per token: 6·N for the matmuls plus 12·n_layer·T·C for attention (PaLM, appendix B). */
export function trainFlopsPerToken(params: number, nLayer: number, nEmbd: number, seqLen: number): number {
  return 6 * params + 12 * nLayer * nEmbd * seqLen;
}

/** Runs one preset on one backend in this process. */
export async function benchOne(preset: string, backend: BackendName, opts: Omit<Args, 'presets' | 'backends' | 'json'>): Promise<GptBenchRow> {
  const ran = await initBackend(backend);
  const cfg = configFromName(preset);
  const T = opts.seqLen ?? Math.min(cfg.block_size, 128);
  const B = opts.batchSize ?? Math.max(1, Math.round(1024 / T));
  const rng = new Rng(1);
  const tokens = Uint8Array.from({ length: 1 << 16 }, () => 32 + rng.int(95)); // printable bytes
  const model = new GPT(cfg, { seed: 1 });
  const trainer = new Trainer(model, { schedule: { kind: 'constant', lr: 1e-4 }, gradClip: 1 });
  const sampler = new BatchSampler(tokens, { batchSize: B, seqLen: T, seed: 2 });
  trainer.step(sampler.next()); // warm-up: kernel set-up, first allocations
  let t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < opts.steps; i++) trainer.step(sampler.next());
  const trainSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const trainCpuSeconds = (cpu.user + cpu.system) / 1e6;
  const evalOpts = { seqLen: T, batchSize: B, maxTokens: opts.steps * B * T };
  evaluate(model, tokens, { ...evalOpts, maxTokens: B * T }); // warm-up
  t0 = performance.now();
  const scored = evaluate(model, tokens, evalOpts).tokens;
  const evalSeconds = (performance.now() - t0) / 1000;
  const params = model.paramCount();
  trainer.dispose();
  model.dispose();
  const trainTps = (opts.steps * B * T) / trainSeconds;
  return {
    preset,
    backend: ran,
    params,
    batch_size: B,
    seq_len: T,
    train_tokens_per_s: round(trainTps),
    train_tokens_per_cpu_s: round((opts.steps * B * T) / trainCpuSeconds),
    eval_tokens_per_s: round(scored / evalSeconds),
    train_gflops: round((trainTps * trainFlopsPerToken(params, cfg.n_layer, cfg.n_embd, T)) / 1e9, 2),
    peak_rss_mb: round(process.resourceUsage().maxRSS / 1024),
  };
}

function round(x: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function formatRow(r: GptBenchRow): string {
  return [
    r.preset.padEnd(11),
    r.backend.padEnd(10),
    String(r.params).padStart(9),
    `${r.batch_size}×${r.seq_len}`.padStart(8),
    String(r.train_tokens_per_s).padStart(10),
    String(r.train_tokens_per_cpu_s).padStart(12),
    String(r.eval_tokens_per_s).padStart(10),
    r.train_gflops.toFixed(2).padStart(8),
    String(r.peak_rss_mb).padStart(8),
  ].join('  ');
}

const HEADER = ['preset'.padEnd(11), 'backend'.padEnd(10), 'params'.padStart(9), 'B×T'.padStart(8), 'train tok/s'.padStart(10), 'tok/CPU-s'.padStart(12), 'eval tok/s'.padStart(10), 'GFLOP/s'.padStart(8), 'RSS MB'.padStart(8)].join('  ');

export async function benchGptMain(argv: readonly string[], out: (line: string) => void = console.log): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    out(GPT_USAGE);
    return 0;
  }
  let args: Args;
  try {
    args = parseGptBenchArgs(argv);
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const combos = args.presets.flatMap((p) => args.backends.map((b) => [p, b] as const));
  const common = { steps: args.steps, batchSize: args.batchSize, seqLen: args.seqLen };
  if (!args.json) out(HEADER);
  for (const [preset, backend] of combos) {
    let row: GptBenchRow;
    if (combos.length === 1) {
      try {
        row = await benchOne(preset, backend, common);
      } catch (e) {
        console.error(`bench gpt ${preset} on ${backend}: ${(e as Error).message}`);
        return 1;
      }
    } else {
      // One child per combination keeps peak RSS and backend state separate.
      const extra = [
        ...(args.batchSize ? ['--batch-size', String(args.batchSize)] : []),
        ...(args.seqLen ? ['--seq-len', String(args.seqLen)] : []),
      ];
      const child = spawnSync(
        process.execPath,
        [process.argv[1]!, 'bench', 'gpt', '--json', '--preset', preset, '--backend', backend, '--steps', String(args.steps), ...extra],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      );
      if (child.status !== 0) {
        console.error(`bench gpt ${preset} on ${backend} failed (exit ${child.status})`);
        return 1;
      }
      row = JSON.parse(child.stdout.trim().split('\n').pop()!) as GptBenchRow;
    }
    out(args.json ? JSON.stringify(row) : formatRow(row));
  }
  return 0;
}
