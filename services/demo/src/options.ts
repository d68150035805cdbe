// Command-line flags of `npm run demo`.
import { parseArgs } from 'node:util';
import { strategyFromSettings } from '@ratchet/continual';
import { configFromName } from '@ratchet/gpt';

export interface DemoOptions {
  corpus: string;
  preset: string;
  strategy: string;
  steps: number;
  batchSize: number;
  out: string;
  lineage: string;
  eras: number;
  evalTokens: number;
  backend: string;
  port: number;
}

export const USAGE = `npm run demo -- [--corpus sotu|DIR] [--preset tiny|micro|pythia-14m] [--strategy replay+ewc]
                   [--steps N] [--batch-size N] [--out DIR] [--lineage NAME] [--eras N]
                   [--eval-tokens N] [--backend wasm|cpu|tensorflow|auto] [--port N]

  --corpus       sotu: the State of the Union addresses 1790-2016 cut into eras (default);
                 DIR: one sub-folder per batch (sorted by name) of .txt and/or .jsonl ({"text": ...}) files
  --steps        optimiser steps per increment (default 40)
  --out          output folder for the event log, objects and report.html (default out/demo)`;

export class UsageError extends Error {}

const positive = (name: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${name} must be a positive integer, got "${raw}"`);
  return value;
};

/** Runs a library check, turning its error into a usage error about `flag`. */
function usage(flag: string, check: () => unknown): void {
  try {
    check();
  } catch (error) {
    throw new UsageError(`${flag}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function parseOptions(argv: string[]): DemoOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        corpus: { type: 'string', default: 'sotu' },
        preset: { type: 'string', default: 'micro' },
        strategy: { type: 'string', default: 'replay+ewc' },
        steps: { type: 'string' },
        'batch-size': { type: 'string' },
        out: { type: 'string', default: 'out/demo' },
        lineage: { type: 'string', default: 'sotu-gpt' },
        eras: { type: 'string' },
        'eval-tokens': { type: 'string' },
        backend: { type: 'string', default: 'wasm' },
        port: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  if (!['wasm', 'cpu', 'tensorflow', 'auto'].includes(v.backend!)) throw new UsageError(`--backend must be wasm, cpu, tensorflow or auto, got "${v.backend}"`);
  // the libraries' own checks, as the registry applies them to a lineage's config
  usage('--preset', () => configFromName(v.preset!));
  usage('--strategy', () => strategyFromSettings({ spec: v.strategy! }, v.strategy!));
  return {
    corpus: v.corpus!,
    preset: v.preset!,
    strategy: v.strategy!,
    steps: positive('steps', v.steps, 40),
    batchSize: positive('batch-size', v['batch-size'], 8),
    out: v.out!,
    lineage: v.lineage!,
    eras: positive('eras', v.eras, 5),
    evalTokens: positive('eval-tokens', v['eval-tokens'], 4096),
    backend: v.backend!,
    port: v.port === undefined ? 0 : positive('port', v.port, 0),
  };
}
