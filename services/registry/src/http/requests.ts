// Request bodies of the HTTP API, validated by zod.
import { InvalidSettingsError, strategyFromSettings, trainingFromSettings } from '@ratchet/continual';
import { GPTConfig, configFromName } from '@ratchet/gpt';
import { z } from 'zod';
import { PolicyOverrides } from '../promotion/lineage-policy';

export const LineageName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-", starting with a letter or digit');

const json = z.record(z.string(), z.unknown());

export const ConfigureLineageBody = z
  .object({
    preset: z.string().min(1),
    modelOverrides: json.default({}),
    strategy: json.default({}),
    training: json.default({}),
    policy: PolicyOverrides.default({}),
  })
  .strict()
  .superRefine((body, ctx) => {
    // The model must be buildable: a known preset, and overrides that give a valid config.
    let model: GPTConfig | undefined;
    try {
      model = configFromName(body.preset, body.modelOverrides as never);
    } catch (e) {
      const field = /unknown GPT preset/.test((e as Error).message) ? 'preset' : 'modelOverrides';
      ctx.addIssue({ code: 'custom', path: [field], message: (e as Error).message });
    }
    // Strategy and training as the trainer resolves them (the same parsers), so it never gets one it refuses.
    // Without a spec the trainer uses its own default combination; here the parts' settings are checked as given.
    const settings = [
      () => strategyFromSettings(body.strategy, 'naive'),
      () => trainingFromSettings(body.training, model ? { blockSize: model.block_size } : {}),
    ];
    for (const resolve of settings) {
      try {
        resolve();
      } catch (e) {
        if (!(e instanceof InvalidSettingsError)) throw e;
        for (const p of e.problems) ctx.addIssue({ code: 'custom', path: [e.setting, ...p.field.split('.')], message: p.reason });
      }
    }
  });
export type ConfigureLineageBody = z.infer<typeof ConfigureLineageBody>;

export const RollbackBody = z
  .object({
    to: z.string().min(1).max(200),
    by: z.string().min(1).max(200),
    reason: z.string().min(1).max(2000),
  })
  .strict();
export type RollbackBody = z.infer<typeof RollbackBody>;

export const generateBody = (maxTokensLimit: number) =>
  z
    .object({
      prompt: z.string().max(100_000).default(''),
      maxTokens: z.number().int().min(1).max(maxTokensLimit).default(Math.min(64, maxTokensLimit)),
      temperature: z.number().min(0).max(10).default(1),
      topK: z.number().int().min(0).max(100_000).default(0),
      seed: z.number().int().min(0).max(0xffffffff).default(0),
    })
    .strict();
export type GenerateBody = z.infer<ReturnType<typeof generateBody>>;
