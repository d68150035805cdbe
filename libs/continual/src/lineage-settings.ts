/**
 * A lineage's strategy and training settings as LineageConfigured carries them (plain JSON), parsed
 * into the configs an increment trains with. The registry checks a PUT with these and the trainer
 * resolves with them, so both accept exactly the same settings; a bad one is an InvalidSettingsError.
 */
import { InvalidSettingsError, SettingProblem } from './settings-error';
import { DEFAULT_STRATEGY, StrategyConfig, parseStrategy, strategyRangeProblems, withStrategy } from './strategy-config';
import { DEFAULT_TRAINING, TrainingConfig } from './training-config';

type Json = Readonly<Record<string, unknown>>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Fields of `value` missing from `shape` or of another type than its default. */
function shapeProblems(value: Json, shape: Json, prefix: string): SettingProblem[] {
  return Object.entries(value).flatMap(([key, v]): SettingProblem[] => {
    if (!(key in shape)) return [{ field: prefix + key, reason: `unknown setting; use ${Object.keys(shape).join(', ')}` }];
    const type = typeof shape[key];
    return typeof v === type ? [] : [{ field: prefix + key, reason: `must be a ${type}, got ${JSON.stringify(v)}` }];
  });
}

/** `{ spec?: 'replay+ewc', replay?: { ratio: 0.25 }, ewc?: …, l2Anchor?: …, distill?: … }`; `defaultSpec` where no spec is given. */
export function strategyFromSettings(settings: Json, defaultSpec: string): StrategyConfig {
  const { spec = defaultSpec, ...parts } = settings;
  const problems = Object.entries(parts).flatMap(([part, v]): SettingProblem[] => {
    const shape = (DEFAULT_STRATEGY as unknown as Record<string, Json | undefined>)[part];
    if (!shape) return [{ field: part, reason: `unknown setting; use spec, ${Object.keys(DEFAULT_STRATEGY).join(', ')}` }];
    return isObject(v) ? shapeProblems(v, shape, `${part}.`) : [{ field: part, reason: 'must be an object' }];
  });
  let base = DEFAULT_STRATEGY;
  if (typeof spec !== 'string') problems.push({ field: 'spec', reason: `must be a string such as "replay+ewc", got ${JSON.stringify(spec)}` });
  else {
    try {
      base = parseStrategy(spec);
    } catch (e) {
      if (!(e instanceof InvalidSettingsError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (problems.length > 0) throw new InvalidSettingsError('strategy', problems);
  const strategy = withStrategy(base, parts as Parameters<typeof withStrategy>[1]);
  const ranges = strategyRangeProblems(strategy);
  if (ranges.length > 0) throw new InvalidSettingsError('strategy', ranges);
  return strategy;
}

const positiveInt = (v: number) => Number.isInteger(v) && v > 0;
const RANGES = {
  batchSize: [positiveInt, 'must be a positive integer'],
  seqLen: [positiveInt, 'must be a positive integer'],
  initialLr: [(v) => Number.isFinite(v) && v > 0, 'must be > 0'],
  incrementLrFactor: [(v) => Number.isFinite(v) && v > 0, 'must be > 0'],
  minLrFactor: [(v) => v >= 0 && v <= 1, 'must be in [0, 1]'],
  warmupFraction: [(v) => v >= 0 && v <= 1, 'must be in [0, 1]'],
  weightDecay: [(v) => Number.isFinite(v) && v >= 0, 'must be ≥ 0'],
  gradClip: [(v) => Number.isFinite(v) && v >= 0, 'must be ≥ 0'],
  seed: [(v) => Number.isSafeInteger(v) && v >= 0, 'must be an integer ≥ 0'],
  progressEvery: [positiveInt, 'must be a positive integer'],
} satisfies { readonly [K in keyof TrainingConfig]?: readonly [(v: number) => boolean, string] };

function budgetProblems(budget: unknown): SettingProblem[] {
  const keys = isObject(budget) ? Object.keys(budget) : [];
  if (!isObject(budget) || keys.length !== 1 || !(keys[0] === 'tokens' || keys[0] === 'epochs')) {
    return [{ field: 'budget', reason: 'must be { tokens: n } or { epochs: n }' }];
  }
  const v = budget[keys[0]];
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? [] : [{ field: `budget.${keys[0]}`, reason: 'must be a number > 0' }];
}

/** Overrides of DEFAULT_TRAINING; `blockSize` (the model's) bounds seqLen. */
export function trainingFromSettings(settings: Json, model: { readonly blockSize?: number } = {}): Partial<TrainingConfig> {
  const { budget, ...rest } = settings;
  const problems = [...shapeProblems(rest, { ...DEFAULT_TRAINING, seqLen: 0 }, ''), ...(budget === undefined ? [] : budgetProblems(budget))];
  for (const [field, [ok, reason]] of Object.entries(RANGES)) {
    const v = rest[field];
    if (typeof v === 'number' && !ok(v)) problems.push({ field, reason: `${reason}, got ${v}` });
  }
  const seqLen = rest.seqLen;
  if (typeof seqLen === 'number' && model.blockSize !== undefined && seqLen > model.blockSize) {
    problems.push({ field: 'seqLen', reason: `must be at most the model's block_size ${model.blockSize}, got ${seqLen}` });
  }
  if (problems.length > 0) throw new InvalidSettingsError('training', problems);
  return settings as Partial<TrainingConfig>;
}
