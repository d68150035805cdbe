/**
 * `ratchet bench continual --corpus <sotu|shift|DIR> [--strategies naive,replay,ewc,replay+ewc,joint]
 *  [--preset micro] [--json]` and tuning flags (see USAGE). Prints, per strategy, the final R row,
 * ACC, BWT, forgetting, final average BPB, tokens trained and wall time; `--json` prints one JSON
 * object per strategy instead.
 */
import { type BackendName, initBackend } from '@ratchet/gpt';
import { type CorpusBatch, loadCorpusDir, shiftStream, sotuEras } from '@ratchet/continual';
import { type BenchOptions, type FirstIncrementCache, prepareBatches, runStrategy, type StrategyResult, untrainedScores } from './bench-continual-run';

export const USAGE = `usage: ratchet bench continual --corpus <sotu|shift|DIR> [options]
  --strategies LIST      comma-separated: naive, replay, ewc, l2, distill, joint and combinations
                         with + (default naive,replay,ewc,replay+ewc,joint)
  --preset P             model preset (default micro)
  --seq-len N            window length, overrides the preset's block size (default 64)
  --batch-size N         sequences per step (default 8)
  --steps N              optimiser steps per increment; tokens per increment = N × batch × seq-len (default 30)
  --eval-tokens N        held-out tokens scored per set (default 2048)
  --bytes-per-batch N    cap on each sotu/shift batch (default 100000)
  --eras N               sotu eras (default 5)
  --replay-ratio R       (default 0.25)
  --ewc-lambda L         (default 10000)
  --l2-alpha A           (default 1000)
  --lr X                 first model's peak LR (default 3e-3)
  --lr-factor F          increments re-warm to F × the first peak (default 0.5)
  --seed N               (default 0)
  --backend B            wasm | cpu | tensorflow | auto (default wasm)
  --json                 one JSON object per strategy on stdout`;

interface Args {
  corpus: string;
  json: boolean;
  backend: BackendName;
  bytesPerBatch: number;
  eras: number;
  options: Omit<BenchOptions, 'log'>;
}

function parseArgs(argv: readonly string[]): Args {
  const flags = new Map<string, string>();
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--help' || a === '-h') throw new UsageError('');
    else if (a.startsWith('--') && i + 1 < argv.length) flags.set(a.slice(2), argv[++i]);
    else throw new UsageError(`unexpected argument ${a}`);
  }
  const num = (key: string, def: number): number => {
    const v = flags.get(key);
    if (v === undefined) return def;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new UsageError(`--${key} needs a number, got ${v}`);
    return n;
  };
  const corpus = flags.get('corpus');
  if (corpus === undefined) throw new UsageError('--corpus is required');
  const seqLen = num('seq-len', 64);
  const batchSize = num('batch-size', 8);
  return {
    corpus,
    json,
    backend: (flags.get('backend') ?? 'wasm') as BackendName,
    bytesPerBatch: num('bytes-per-batch', 100_000),
    eras: num('eras', 5),
    options: {
      preset: flags.get('preset') ?? 'micro',
      seqLen,
      batchSize,
      strategies: (flags.get('strategies') ?? 'naive,replay,ewc,replay+ewc,joint').split(',').map((s) => s.trim()),
      tokensPerIncrement: num('steps', 30) * batchSize * seqLen,
      evalTokens: num('eval-tokens', 2048),
      replayRatio: num('replay-ratio', 0.25),
      ewcLambda: num('ewc-lambda', 10_000),
      l2Alpha: num('l2-alpha', 1000),
      initialLr: num('lr', 3e-3),
      incrementLrFactor: num('lr-factor', 0.5),
      seed: num('seed', 0),
      heldOutFraction: 0.1,
    },
  };
}

export class UsageError extends Error {
  override name = 'UsageError';
}

async function loadCorpus(a: Args): Promise<CorpusBatch[]> {
  if (a.corpus === 'sotu') return sotuEras({ eras: a.eras, maxBytesPerEra: a.bytesPerBatch });
  if (a.corpus === 'shift') return shiftStream({ maxBytesPerBatch: a.bytesPerBatch });
  return (await loadCorpusDir(a.corpus)).batches;
}

function table(results: readonly StrategyResult[], ids: readonly string[]): string {
  const f = (x: number | null): string => (x === null ? '—' : x.toFixed(3));
  const head = ['strategy', ...ids.map((id) => `final ${id}`), 'ACC', 'BWT', 'forgetting', 'final avg BPB', 'tokens', 'compute tokens', 'wall s'];
  const rows = results.map((r) => [
    r.strategy,
    ...r.r_matrix[r.r_matrix.length - 1].map((x) => f(x)),
    f(r.acc_bpb),
    f(r.bwt_bpb),
    f(r.forgetting_bpb),
    f(r.final_avg_bpb),
    String(r.train_tokens),
    String(r.compute_tokens),
    r.wall_s.toFixed(0),
  ]);
  return [head, head.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** Runs the benchmark; resolves with the results (printed as a table or JSON lines). */
export async function benchContinual(argv: readonly string[], out: (line: string) => void = console.log): Promise<StrategyResult[]> {
  const args = parseArgs(argv);
  const backend = await initBackend(args.backend);
  const log = args.json ? (line: string) => process.stderr.write(`${line}\n`) : out;
  const batches = prepareBatches(await loadCorpus(args), args.options.heldOutFraction);
  const options: BenchOptions = { ...args.options, log };
  log(
    `corpus ${args.corpus}: ${batches.map((b) => `${b.id} (${b.train.length} train / ${b.heldOut.length} held-out bytes)`).join(', ')}; ` +
      `preset ${options.preset}, seq ${options.seqLen}, batch ${options.batchSize}, ${options.tokensPerIncrement} tokens per increment, backend ${backend}`,
  );
  const sets = batches.map((b) => ({ evalSet: b.id, tokens: b.heldOut }));
  const baseline = untrainedScores(options, sets);
  log(`untrained BPB [${baseline.map((s) => s.bpb.toFixed(3)).join(', ')}]`);
  const results: StrategyResult[] = [];
  const firstCache: FirstIncrementCache = new Map();
  for (const name of options.strategies) {
    const r = await runStrategy(name, batches, baseline, options, firstCache);
    results.push(r);
    if (args.json) out(JSON.stringify(r));
  }
  if (!args.json) {
    out('');
    out(table(results, batches.map((b) => b.id)));
  }
  return results;
}

/** CLI entry: `ratchet bench continual ...`; returns the exit code. */
export async function benchContinualMain(argv: readonly string[]): Promise<number> {
  try {
    await benchContinual(argv);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      if (e.message) process.stderr.write(`${e.message}\n`);
      process.stderr.write(`${USAGE}\n`);
      return e.message ? 2 : 0;
    }
    throw e;
  }
}

if (require.main === module) {
  benchContinualMain(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
