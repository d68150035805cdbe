// Model configuration in the shape LitGPT uses (litgpt/config.py), with named presets.

export type NormClass = 'LayerNorm' | 'RMSNorm';
export type MlpClass = 'GptNeoxMLP' | 'LLaMAMLP';

export interface GPTConfig {
  name: string;
  block_size: number;
  vocab_size: number;
  n_layer: number;
  n_head: number;
  n_embd: number;
  /** Fraction of each head's dimensions that rotary embeddings rotate (pythia: 0.25, LLaMA: 1). */
  rotary_percentage: number;
  rope_base: number;
  /** GPT-NeoX style: x + attn(norm_1(x)) + mlp(norm_2(x)) instead of two sequential residuals. */
  parallel_residual: boolean;
  bias: boolean;
  norm_class_name: NormClass;
  norm_eps: number;
  mlp_class_name: MlpClass;
  intermediate_size: number;
}

const base = {
  rotary_percentage: 0.25,
  rope_base: 10000,
  parallel_residual: true,
  bias: true,
  norm_class_name: 'LayerNorm' as NormClass,
  norm_eps: 1e-5,
  mlp_class_name: 'GptNeoxMLP' as MlpClass,
  vocab_size: 256,
};

/** Named presets. All use the byte vocabulary (256). */
export const PRESETS: Readonly<Record<string, GPTConfig>> = Object.freeze({
  // Quick enough for unit tests and gradient checks.
  tiny: { ...base, name: 'tiny', block_size: 16, n_layer: 2, n_head: 2, n_embd: 16, intermediate_size: 64 },
  // Same shape with LLaMA's choices, for tests that cover the second architecture.
  'tiny-llama': {
    ...base,
    name: 'tiny-llama',
    block_size: 16,
    n_layer: 2,
    n_head: 2,
    n_embd: 16,
    intermediate_size: 40,
    rotary_percentage: 1,
    parallel_residual: false,
    bias: false,
    norm_class_name: 'RMSNorm',
    mlp_class_name: 'LLaMAMLP',
  },
  // The demo model: ~0.9M parameters, trains a few hundred steps in minutes on 2 CPU cores.
  micro: { ...base, name: 'micro', block_size: 128, n_layer: 4, n_head: 4, n_embd: 128, intermediate_size: 512 },
  // The shape of EleutherAI/pythia-14m (6 layers, 4 heads, 128 wide, block 512) on bytes.
  'pythia-14m': {
    ...base,
    name: 'pythia-14m',
    block_size: 512,
    n_layer: 6,
    n_head: 4,
    n_embd: 128,
    intermediate_size: 512,
  },
});

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Returns a copy of a named preset, with optional overrides; unknown names are an error. */
export function configFromName(name: string, overrides: Partial<GPTConfig> = {}): GPTConfig {
  const preset = PRESETS[name];
  if (!preset) {
    throw new ConfigError(`unknown GPT preset "${name}"; known presets: ${Object.keys(PRESETS).join(', ')}`);
  }
  return validateConfig({ ...preset, ...overrides });
}

export function headSize(cfg: GPTConfig): number {
  return cfg.n_embd / cfg.n_head;
}

/** Number of dimensions per head that rotary embeddings rotate (even, as in LitGPT's rope_n_elem). */
export function ropeDims(cfg: GPTConfig): number {
  return Math.floor(cfg.rotary_percentage * headSize(cfg));
}

/** Checks a config and returns it; every problem is listed in one ConfigError. */
export function validateConfig(cfg: GPTConfig): GPTConfig {
  const problems: string[] = [];
  const positiveInts: (keyof GPTConfig)[] = [
    'block_size',
    'vocab_size',
    'n_layer',
    'n_head',
    'n_embd',
    'intermediate_size',
  ];
  for (const key of positiveInts) {
    const v = cfg[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) problems.push(`${key} must be a positive integer, got ${String(v)}`);
  }
  if (problems.length === 0) {
    if (cfg.n_embd % cfg.n_head !== 0) problems.push(`n_embd (${cfg.n_embd}) must be divisible by n_head (${cfg.n_head})`);
    else if (ropeDims(cfg) % 2 !== 0) {
      problems.push(`rotary_percentage × head size must give an even number of dimensions, got ${ropeDims(cfg)}`);
    }
  }
  if (!(cfg.rotary_percentage >= 0 && cfg.rotary_percentage <= 1)) problems.push('rotary_percentage must be in [0, 1]');
  if (!(cfg.rope_base > 0)) problems.push('rope_base must be positive');
  if (!(cfg.norm_eps > 0)) problems.push('norm_eps must be positive');
  if (cfg.norm_class_name !== 'LayerNorm' && cfg.norm_class_name !== 'RMSNorm') {
    problems.push(`norm_class_name must be LayerNorm or RMSNorm, got ${String(cfg.norm_class_name)}`);
  }
  if (cfg.mlp_class_name !== 'GptNeoxMLP' && cfg.mlp_class_name !== 'LLaMAMLP') {
    problems.push(`mlp_class_name must be GptNeoxMLP or LLaMAMLP, got ${String(cfg.mlp_class_name)}`);
  }
  if (typeof cfg.parallel_residual !== 'boolean') problems.push('parallel_residual must be a boolean');
  if (typeof cfg.bias !== 'boolean') problems.push('bias must be a boolean');
  if (problems.length > 0) throw new ConfigError(`invalid GPT config "${cfg.name}": ${problems.join('; ')}`);
  return cfg;
}

/** `GPTConfig.fromName('micro')`, LitGPT's spelling, next to the type of the same name. */
export const GPTConfig = Object.freeze({ fromName: configFromName, validate: validateConfig, presets: PRESETS });
