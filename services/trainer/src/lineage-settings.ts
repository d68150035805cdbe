// What a lineage trains with: its LineageConfigured settings over the service's defaults.
import { createHash } from 'node:crypto';
import { LineageConfigured } from '@ratchet/contracts';
import { DEFAULT_TRAINING, StrategyConfig, TrainingConfig, strategyFromSettings, trainingFromSettings } from '@ratchet/continual';
import { GPTConfig, configFromName } from '@ratchet/gpt';

export interface LineageSettings {
  model: GPTConfig;
  strategy: StrategyConfig;
  training: Partial<TrainingConfig>;
}

export interface SettingDefaults {
  preset: string;
  strategy: string;
  maxSteps: number;
}

/** Throws a ConfigError or InvalidSettingsError naming the bad setting: the trainer reports it as TrainingFailed(invalid-data). */
export function resolveSettings(configured: LineageConfigured | null, defaults: SettingDefaults): LineageSettings {
  const preset = configured?.preset ?? defaults.preset;
  const model = configFromName(preset, (configured?.modelOverrides ?? {}) as Partial<GPTConfig>);
  const strategy = strategyFromSettings(configured?.strategy ?? {}, defaults.strategy);
  const training = { ...trainingFromSettings(configured?.training ?? {}, { blockSize: model.block_size }) };
  if (defaults.maxSteps === 0) return { model, strategy, training };
  const batchSize = training.batchSize ?? DEFAULT_TRAINING.batchSize;
  const seqLen = training.seqLen ?? model.block_size;
  return { model, strategy, training: { ...training, budget: { tokens: defaults.maxSteps * batchSize * seqLen } } };
}

/**
 * Content-derived checkpoint id: the same parent, batch and settings always give the same id, so a
 * re-delivered DataBatchArrived yields the same checkpoint and never a second model.
 */
export function checkpointIdOf(lineage: string, parentId: string | null, batchId: string, settings: LineageSettings): string {
  const hash = createHash('sha256').update(JSON.stringify([lineage, parentId, batchId, settings])).digest('hex');
  return `ck-${hash.slice(0, 20)}`;
}
