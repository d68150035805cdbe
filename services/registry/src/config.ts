// The registry's settings, validated once at start-up (the only place that reads the environment).
import { loadConfig, serviceEnv } from '@ratchet/service-kit';
import { z } from 'zod';

export const REGISTRY_SERVICE = 'registry';

export const RegistryEnv = serviceEnv(8080, {
  /** Set: PostgreSQL (production); unset: SQLite via sql.js in RATCHET_DATA_DIR/registry (embedded). */
  RATCHET_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** PostgreSQL schema of the read models; created when missing (one per test run keeps reruns clean). */
  RATCHET_DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lowercase SQL identifier')
    .default('public'),
  /** TensorFlow.js backend for text generation, used when no backend was chosen in this process yet. */
  RATCHET_TF_BACKEND: z.enum(['wasm', 'cpu', 'tensorflow', 'auto']).default('wasm'),
  /** Upper bound of `maxTokens` in a generate request. */
  RATCHET_GENERATE_MAX_TOKENS: z.coerce.number().int().min(1).max(4096).default(1024),
});

export type RegistryConfig = z.infer<typeof RegistryEnv>;

export const loadRegistryConfig = (env: NodeJS.ProcessEnv = process.env): RegistryConfig => loadConfig(RegistryEnv, env);
