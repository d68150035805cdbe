// Checkpoints with the full training state, as an in-memory set of files (for object stores)
// plus atomic writes to and reads from a local directory. Every file is sha256-checked on load.
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { GPTConfig, validateConfig } from './config';
import type { AdamWState } from './adamw';
import { GPT, NamedArrays } from './model';
import type { RngState } from './rng';
import type { SamplerState } from './sampler';
import { decodeSafetensors, encodeSafetensors } from './safetensors';
import type { TokenizerSpec } from './tokenizer';
import type { Trainer, TrainerState } from './trainer';

export const CHECKPOINT_FORMAT = 'ratchet-gpt-checkpoint';
export const CHECKPOINT_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

/** Everything needed to resume training exactly, as plain host data. */
export interface CheckpointState {
  config: GPTConfig;
  tokenizer: TokenizerSpec;
  weights: NamedArrays;
  /** AdamW moments and update count; absent for an inference-only checkpoint. */
  optimizer?: AdamWState;
  trainer?: { step: number; rng: RngState };
  /** The data cursor. */
  sampler?: SamplerState;
  /** Caller-defined tensors (e.g. EWC Fisher diagonal and anchor weights). */
  extraTensors?: NamedArrays;
  /** Caller-defined JSON (e.g. a replay index). */
  extra?: unknown;
}

export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** Convenience copies for listings; state.json is authoritative. */
  model: { name: string; params: number; step: number };
  files: Record<string, { sha256: string; bytes: number }>;
}

/** A checkpoint as files in memory: store each entry of `files` and the manifest (as manifest.json). */
export interface CheckpointFiles {
  manifest: CheckpointManifest;
  files: Map<string, Uint8Array>;
}

const json = (x: unknown): Uint8Array => new Uint8Array(Buffer.from(JSON.stringify(x, null, 1), 'utf8'));
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Captures a model (and optionally its trainer, sampler and caller extras) into a CheckpointState. */
export function captureState(parts: {
  model: GPT;
  tokenizer: TokenizerSpec;
  trainer?: Trainer;
  sampler?: { getState(): SamplerState };
  extraTensors?: NamedArrays;
  extra?: unknown;
}): CheckpointState {
  const state: CheckpointState = { config: parts.model.config, tokenizer: parts.tokenizer, weights: parts.model.exportWeights() };
  if (parts.trainer) {
    const t = parts.trainer.exportState();
    state.optimizer = t.optimizer;
    state.trainer = { step: t.step, rng: t.rng };
  }
  if (parts.sampler) state.sampler = parts.sampler.getState();
  if (parts.extraTensors) state.extraTensors = parts.extraTensors;
  if (parts.extra !== undefined) state.extra = parts.extra;
  return state;
}

/** A fresh model with the checkpoint's config and weights. */
export function modelFromState(state: CheckpointState, options: { trainable?: boolean } = {}): GPT {
  const model = new GPT(state.config, options);
  try {
    model.importWeights(state.weights);
  } catch (e) {
    model.dispose();
    throw new CheckpointError(`checkpoint weights do not fit the config: ${(e as Error).message}`);
  }
  return model;
}

/** The trainer part of a checkpoint, for `trainer.importState`; undefined for an inference-only checkpoint. */
export function trainerStateOf(state: CheckpointState): TrainerState | undefined {
  if (!state.optimizer || !state.trainer) return undefined;
  return { step: state.trainer.step, rng: state.trainer.rng, optimizer: state.optimizer };
}

/** Serialises a state to files in memory. */
export function saveCheckpoint(state: CheckpointState): CheckpointFiles {
  const files = new Map<string, Uint8Array>();
  files.set('model.safetensors', encodeSafetensors(state.weights, { format: 'pt', layout: 'linear weights are (in, out)' }));
  if (state.optimizer) {
    const moments: NamedArrays = new Map();
    for (const [k, t] of state.optimizer.m) moments.set(`m.${k}`, t);
    for (const [k, t] of state.optimizer.v) moments.set(`v.${k}`, t);
    files.set('optimizer.safetensors', encodeSafetensors(moments));
  }
  if (state.extraTensors) files.set('extra.safetensors', encodeSafetensors(state.extraTensors));
  if (state.extra !== undefined) files.set('extra.json', json(state.extra));
  files.set(
    'state.json',
    json({
      config: state.config,
      tokenizer: state.tokenizer,
      trainer: state.trainer ?? null,
      optimizer_step: state.optimizer?.step ?? null,
      sampler: state.sampler ?? null,
    }),
  );
  let params = 0;
  for (const t of state.weights.values()) params += t.data.length;
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    model: { name: state.config.name, params, step: state.trainer?.step ?? 0 },
    files: {},
  };
  for (const [name, bytes] of files) manifest.files[name] = { sha256: sha256(bytes), bytes: bytes.length };
  return { manifest, files };
}

/** Throws CheckpointError unless every file the manifest lists is present, complete and matches its sha256. */
export function verifyCheckpoint(ckpt: CheckpointFiles): void {
  const m = ckpt.manifest;
  if (!m || m.format !== CHECKPOINT_FORMAT) throw new CheckpointError(`not a ${CHECKPOINT_FORMAT} manifest`);
  if (m.version !== CHECKPOINT_VERSION) throw new CheckpointError(`unsupported checkpoint version ${m.version}`);
  if (typeof m.files !== 'object' || m.files === null) throw new CheckpointError('the manifest lists no files');
  for (const [name, meta] of Object.entries(m.files)) {
    if (typeof meta?.bytes !== 'number' || typeof meta.sha256 !== 'string') {
      throw new CheckpointError(`the manifest entry of ${name} lacks its size or sha256`);
    }
    const bytes = ckpt.files.get(name);
    if (!bytes) throw new CheckpointError(`checkpoint file ${name} is missing`);
    if (bytes.length !== meta.bytes) {
      throw new CheckpointError(`checkpoint file ${name} is truncated or padded: ${bytes.length} bytes, manifest says ${meta.bytes}`);
    }
    const actual = sha256(bytes);
    if (actual !== meta.sha256) throw new CheckpointError(`checkpoint file ${name} is corrupt: sha256 ${actual} ≠ manifest ${meta.sha256}`);
  }
}

/** Verifies and parses a checkpoint back into its state. */
export function loadCheckpoint(ckpt: CheckpointFiles): CheckpointState {
  verifyCheckpoint(ckpt);
  const read = (name: string): Uint8Array | undefined => (ckpt.manifest.files[name] ? ckpt.files.get(name) : undefined);
  const parseJson = (name: string): unknown => {
    const b = read(name);
    if (!b) throw new CheckpointError(`checkpoint lacks ${name}`);
    try {
      return JSON.parse(Buffer.from(b).toString('utf8'));
    } catch (e) {
      throw new CheckpointError(`checkpoint file ${name} is not valid JSON: ${(e as Error).message}`);
    }
  };
  const tensors = (name: string): NamedArrays => {
    try {
      return decodeSafetensors(read(name)!).tensors;
    } catch (e) {
      throw new CheckpointError(`checkpoint file ${name}: ${(e as Error).message}`);
    }
  };
  const s = parseJson('state.json') as {
    config: GPTConfig;
    tokenizer: TokenizerSpec;
    trainer: { step: number; rng: RngState } | null;
    optimizer_step: number | null;
    sampler: SamplerState | null;
  };
  if (!read('model.safetensors')) throw new CheckpointError('checkpoint lacks model.safetensors');
  let config: GPTConfig;
  try {
    config = validateConfig(s.config);
  } catch (e) {
    throw new CheckpointError(`checkpoint config is invalid: ${(e as Error).message}`);
  }
  const state: CheckpointState = { config, tokenizer: s.tokenizer, weights: tensors('model.safetensors') };
  if (read('optimizer.safetensors')) {
    const m: NamedArrays = new Map();
    const v: NamedArrays = new Map();
    for (const [k, t] of tensors('optimizer.safetensors')) (k.startsWith('m.') ? m : v).set(k.slice(2), t);
    state.optimizer = { step: s.optimizer_step ?? 0, m, v };
  }
  if (s.trainer) state.trainer = s.trainer;
  if (s.sampler) state.sampler = s.sampler;
  if (read('extra.safetensors')) state.extraTensors = tensors('extra.safetensors');
  if (read('extra.json')) state.extra = parseJson('extra.json');
  return state;
}

/** All files including manifest.json, e.g. to put each under a prefix in an object store. */
export function checkpointToFileMap(ckpt: CheckpointFiles): Map<string, Uint8Array> {
  const all = new Map(ckpt.files);
  all.set(MANIFEST_FILE, json(ckpt.manifest));
  return all;
}

/** The inverse of checkpointToFileMap (verification happens in loadCheckpoint). */
export function checkpointFromFileMap(all: Map<string, Uint8Array>): CheckpointFiles {
  const m = all.get(MANIFEST_FILE);
  if (!m) throw new CheckpointError(`checkpoint has no ${MANIFEST_FILE}`);
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(Buffer.from(m).toString('utf8'));
  } catch (e) {
    throw new CheckpointError(`${MANIFEST_FILE} is not valid JSON: ${(e as Error).message}`);
  }
  const files = new Map<string, Uint8Array>();
  for (const name of Object.keys(manifest.files ?? {})) {
    const b = all.get(name);
    if (b) files.set(name, b);
  }
  return { manifest, files };
}

async function writeFileSynced(file: string, bytes: Uint8Array): Promise<void> {
  const fh = await fs.open(file, 'w');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Writes the checkpoint to `dir` atomically: files go to a temporary sibling directory that is
 * renamed into place; an existing checkpoint at `dir` is replaced only once the new one is complete.
 */
export async function writeCheckpointDir(dir: string, ckpt: CheckpointFiles): Promise<void> {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  await fs.mkdir(parent, { recursive: true });
  await recoverInterruptedReplace(target);
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = `${target}.tmp-${suffix}`;
  await fs.mkdir(tmp);
  try {
    for (const [name, bytes] of checkpointToFileMap(ckpt)) {
      if (name.includes('/') || name.includes('\\') || name.startsWith('.')) throw new CheckpointError(`bad file name ${name}`);
      await writeFileSynced(path.join(tmp, name), bytes);
    }
    let old: string | null = null;
    try {
      await fs.rename(tmp, target);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EISDIR') throw e;
      old = `${target}.old-${suffix}`;
      await fs.rename(target, old);
      await fs.rename(tmp, target);
    }
    const dh = await fs.open(parent, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
    if (old) await fs.rm(old, { recursive: true, force: true });
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Replacing a directory takes two renames (target → .old, .tmp → target); a crash between them
 * leaves no target. The write had not committed then, so the old version is put back.
 */
async function recoverInterruptedReplace(target: string): Promise<void> {
  if (await fs.stat(target).then(() => true, () => false)) return;
  const prefix = `${path.basename(target)}.old-`;
  const names = await fs.readdir(path.dirname(target)).catch(() => [] as string[]);
  const olds = names.filter((n) => n.startsWith(prefix)).map((n) => path.join(path.dirname(target), n));
  if (olds.length === 0) return;
  const times = await Promise.all(olds.map(async (o) => (await fs.stat(o)).mtimeMs));
  const newest = olds[times.indexOf(Math.max(...times))]!;
  await fs.rename(newest, target);
}

/** Reads a checkpoint directory and verifies every checksum. */
export async function readCheckpointDir(dir: string): Promise<CheckpointFiles> {
  await recoverInterruptedReplace(path.resolve(dir));
  let manifestBytes: Uint8Array;
  try {
    manifestBytes = await fs.readFile(path.join(dir, MANIFEST_FILE));
  } catch (e) {
    throw new CheckpointError(`cannot read ${MANIFEST_FILE} in ${dir}: ${(e as Error).message}`);
  }
  const all = new Map<string, Uint8Array>([[MANIFEST_FILE, manifestBytes]]);
  const { manifest } = checkpointFromFileMap(all);
  for (const name of Object.keys(manifest.files ?? {})) {
    try {
      all.set(name, await fs.readFile(path.join(dir, path.basename(name))));
    } catch (e) {
      throw new CheckpointError(`cannot read checkpoint file ${name} in ${dir}: ${(e as Error).message}`);
    }
  }
  const ckpt = checkpointFromFileMap(all);
  verifyCheckpoint(ckpt);
  return ckpt;
}
