/**
 * Strategy configuration: each anti-forgetting method is switched on and weighted separately, so
 * a lineage can combine them (e.g. replay + EWC). Defaults follow the literature and our runs:
 *  - replay ratio 0.05 for mild shifts and 0.25 for strong ones (Ibrahim et al. 2024, arXiv 2403.08763:
 *    5% replay nearly matches re-training on the union for Pile→SlimPajama; Pile→German needed 25%).
 *  - EWC: online form (Schwarz et al. 2018, "Progress & Compress"), F ← γ·F + F_new with γ = 0.9,
 *    the anchor at the latest promoted weights; λ acts on a Fisher normalised to mean 1 and a penalty
 *    averaged over parameters (see ewc.ts), so the same λ works across model sizes. λ = 1e4 is what
 *    the benchmark ran with on the micro preset (0.86M parameters): there a drift of ~0.01 per weight
 *    costs λ/2 · 1e-4 = 0.5 nats, the size of the forgetting it has to hold back.
 *  - L2-SP (Li et al. 2018): α/2 · mean((θ − θ_champion)²), a cheap baseline.
 *  - Distillation (Hinton et al. 2015) from the champion on replayed text: T² · KL(p_T^champion ‖ p_T^student),
 *    on each step's replayed rows only (a step without any has no distillation term), so it needs replay.
 */
import { InvalidSettingsError, SettingProblem } from './settings-error';

export interface ReplayConfig {
  readonly enabled: boolean;
  /** Share of each step's sequences drawn from the reservoir, in [0, 1). */
  readonly ratio: number;
  /** Reservoir size in chunks of block_size + 1 tokens. */
  readonly capacity: number;
  /** Chunks every batch keeps at least. */
  readonly floorPerBatch: number;
}

export interface EwcConfig {
  readonly enabled: boolean;
  /** Weight of λ/2 · mean(F̂ · (θ − θ*)²). */
  readonly lambda: number;
  /** Decay of the accumulated Fisher per promoted increment. */
  readonly gamma: number;
  /** Sequences used for the per-sample Fisher estimate after an increment. */
  readonly fisherSamples: number;
}

export interface L2AnchorConfig {
  readonly enabled: boolean;
  /** Weight of α/2 · mean((θ − θ_champion)²). */
  readonly alpha: number;
}

export interface DistillConfig {
  readonly enabled: boolean;
  /** Weight of the KL term relative to the LM loss. */
  readonly weight: number;
  readonly temperature: number;
}

export interface StrategyConfig {
  readonly replay: ReplayConfig;
  readonly ewc: EwcConfig;
  readonly l2Anchor: L2AnchorConfig;
  readonly distill: DistillConfig;
}

/** Replay ratios suggested by Ibrahim et al. 2024 for mild and strong distribution shifts. */
export const REPLAY_RATIO_MILD_SHIFT = 0.05;
export const REPLAY_RATIO_STRONG_SHIFT = 0.25;

export const DEFAULT_STRATEGY: StrategyConfig = {
  replay: { enabled: false, ratio: REPLAY_RATIO_MILD_SHIFT, capacity: 4096, floorPerBatch: 64 },
  ewc: { enabled: false, lambda: 10_000, gamma: 0.9, fisherSamples: 32 },
  l2Anchor: { enabled: false, alpha: 1000 },
  distill: { enabled: false, weight: 0.5, temperature: 2 },
};

export type StrategyName = 'naive' | 'replay' | 'ewc' | 'l2' | 'distill';

/** Deep-merges overrides into a config (each part keeps its defaults for fields not given). */
export function withStrategy(
  base: StrategyConfig,
  overrides: { readonly [K in keyof StrategyConfig]?: Partial<StrategyConfig[K]> } = {},
): StrategyConfig {
  return {
    replay: { ...base.replay, ...overrides.replay },
    ewc: { ...base.ewc, ...overrides.ewc },
    l2Anchor: { ...base.l2Anchor, ...overrides.l2Anchor },
    distill: { ...base.distill, ...overrides.distill },
  };
}

/**
 * Parses a combination such as `replay+ewc` (names from StrategyName joined by `+`) into a config
 * with those parts switched on; `naive` switches nothing on. An unknown name is an InvalidSettingsError.
 */
export function parseStrategy(spec: string, base: StrategyConfig = DEFAULT_STRATEGY): StrategyConfig {
  let out = withStrategy(base, {
    replay: { enabled: false },
    ewc: { enabled: false },
    l2Anchor: { enabled: false },
    distill: { enabled: false },
  });
  for (const part of spec.split('+').map((p) => p.trim())) {
    const name = part as StrategyName;
    switch (name) {
      case 'naive':
        break;
      case 'replay':
        out = withStrategy(out, { replay: { enabled: true } });
        break;
      case 'ewc':
        out = withStrategy(out, { ewc: { enabled: true } });
        break;
      case 'l2':
        out = withStrategy(out, { l2Anchor: { enabled: true } });
        break;
      case 'distill':
        out = withStrategy(out, { distill: { enabled: true } });
        break;
      default: {
        const unknown: never = name;
        const reason = `unknown strategy "${String(unknown)}" in "${spec}"; use naive, replay, ewc, l2, distill joined by +`;
        throw new InvalidSettingsError('strategy', [{ field: 'spec', reason }]);
      }
    }
  }
  return out;
}

/** Checks ranges; returns the list of problems (empty when valid). */
export function strategyProblems(s: StrategyConfig): string[] {
  return strategyRangeProblems(s).map((p) => `${p.field} ${p.reason}`);
}

/** strategyProblems with the field and the reason apart. */
export function strategyRangeProblems(s: StrategyConfig): SettingProblem[] {
  const p: SettingProblem[] = [];
  const check = (ok: boolean, field: string, reason: string) => {
    if (!ok) p.push({ field, reason });
  };
  check(s.replay.ratio >= 0 && s.replay.ratio < 1, 'replay.ratio', `must be in [0, 1), got ${s.replay.ratio}`);
  check(Number.isInteger(s.replay.capacity) && s.replay.capacity > 0, 'replay.capacity', 'must be a positive integer');
  check(Number.isInteger(s.replay.floorPerBatch) && s.replay.floorPerBatch >= 0, 'replay.floorPerBatch', 'must be an integer ≥ 0');
  check(s.ewc.lambda >= 0, 'ewc.lambda', 'must be ≥ 0');
  check(s.ewc.gamma >= 0 && s.ewc.gamma <= 1, 'ewc.gamma', 'must be in [0, 1]');
  check(Number.isInteger(s.ewc.fisherSamples) && s.ewc.fisherSamples > 0, 'ewc.fisherSamples', 'must be a positive integer');
  check(s.l2Anchor.alpha >= 0, 'l2Anchor.alpha', 'must be ≥ 0');
  check(s.distill.weight >= 0, 'distill.weight', 'must be ≥ 0');
  check(s.distill.temperature > 0, 'distill.temperature', 'must be > 0');
  // Distillation acts on the replayed rows only: without replay it would never do anything.
  check(!s.distill.enabled || (s.replay.enabled && s.replay.ratio > 0), 'distill.enabled', 'needs replay (enabled, ratio > 0): it distils on replayed text only');
  return p;
}
