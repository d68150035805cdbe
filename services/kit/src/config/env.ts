// Configuration is read from the environment here and nowhere else, validated once at start-up.
import { z } from 'zod';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

/** Parses `env` with `schema`, reporting every invalid variable at once. */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
}

/** A string that `parse` accepts (a library's own parser); its error message becomes the variable's problem. */
export const parsedBy = (parse: (value: string) => unknown) =>
  z.string().superRefine((value, ctx) => {
    try {
      parse(value);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e) });
    }
  });

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

const csv = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

/** Settings every service shares: which runtime, where its adapters connect, its HTTP port. */
export const BaseEnv = z.object({
  RATCHET_RUNTIME: z.enum(['embedded', 'production']).default('embedded'),
  RATCHET_DATA_DIR: z.string().min(1).default('.ratchet/data'),
  RATCHET_HTTP_HOST: z.string().default('127.0.0.1'),
  RATCHET_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  RATCHET_LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  RATCHET_KAFKA_BROKERS: csv.default(['127.0.0.1:19092']),
  RATCHET_KAFKA_CLIENT_ID: z.string().default('ratchet'),
  RATCHET_KAFKA_PARTITIONS: z.coerce.number().int().positive().default(3),
  RATCHET_KAFKA_REPLICATION_FACTOR: z.coerce.number().int().positive().default(1),
  RATCHET_KAFKA_TOPIC_PREFIX: z.string().default(''),
  RATCHET_KAFKA_SSL: bool.default(false),
  RATCHET_KAFKA_SSL_CA_FILE: z.string().optional(),
  RATCHET_KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  RATCHET_KAFKA_SASL_USERNAME: z.string().optional(),
  RATCHET_KAFKA_SASL_PASSWORD: z.string().optional(),
  RATCHET_S3_ENDPOINT: z.url().default('http://127.0.0.1:19000'),
  RATCHET_S3_ACCESS_KEY: z.string().default('ratchet'),
  RATCHET_S3_SECRET_KEY: z.string().default('ratchet-secret'),
  RATCHET_S3_BUCKET: z.string().default('ratchet'),
  RATCHET_S3_REGION: z.string().default('us-east-1'),
  /** Path-style URLs (http://host/bucket/key), as local and most self-hosted S3 servers want; false for virtual-hosted style. */
  RATCHET_S3_PATH_STYLE: bool.default(true),
  /** Multipart part size for checkpoints; S3's minimum is 5. Default: the adapter's 8. */
  RATCHET_S3_PART_SIZE_MB: z.coerce.number().int().min(5).optional(),
});

export type BaseConfig = z.infer<typeof BaseEnv>;

/** A service's env schema: the shared settings plus its own, with its default HTTP port. */
export function serviceEnv<S extends z.ZodRawShape>(defaultPort: number, own: S) {
  return BaseEnv.extend({ RATCHET_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(defaultPort), ...own });
}
