// The ingest service's settings: the kit's shared ones plus limits, split and sealing rules.
import { DEFAULT_RECORD_LIMITS, RecordLimits } from '@ratchet/contracts';
import { loadConfig, serviceEnv } from '@ratchet/service-kit';
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const positiveInt = z.coerce.number().int().positive();

export const IngestEnv = serviceEnv(8081, {
  /** Largest record, in bytes of its JSON encoding. */
  RATCHET_INGEST_MAX_RECORD_BYTES: positiveInt.default(DEFAULT_RECORD_LIMITS.maxRecordBytes),
  /** Largest upload or sealed batch, in bytes (an upload beyond it is answered 413). */
  RATCHET_INGEST_MAX_BATCH_BYTES: positiveInt.default(DEFAULT_RECORD_LIMITS.maxBatchBytes),
  /** Share of each batch's records held out for evaluation, in (0, 1). */
  RATCHET_HELD_OUT_FRACTION: z.coerce.number().gt(0).lt(1).default(0.1),
  /** Longest record cut from plain text (and from directory .txt files), in characters. */
  RATCHET_INGEST_CHUNK_CHARS: positiveInt.default(2000),
  /** Kafka records: seal a lineage's batch at this many records... */
  RATCHET_SEAL_RECORDS: positiveInt.default(10_000),
  /** ...or before it would exceed this many bytes... */
  RATCHET_SEAL_BYTES: positiveInt.default(16 * 1024 * 1024),
  /** ...or this long after its first record (Kafka timestamps). */
  RATCHET_SEAL_WINDOW_MS: positiveInt.default(60_000),
  /** Serve POST /lineages/:lineage/batches:from-directory (it reads the server's disk). */
  RATCHET_INGEST_DIR_ENABLED: bool.default(false),
  /** When set, directory ingest only reads below this folder. */
  RATCHET_INGEST_DIR_ROOT: z.string().min(1).optional(),
  /** Run the Kafka records consumer; default: on in the production runtime, off in the embedded one. */
  RATCHET_INGEST_KAFKA_CONSUMER: bool.optional(),
}).superRefine((c, ctx) => {
  if (c.RATCHET_INGEST_MAX_RECORD_BYTES > c.RATCHET_INGEST_MAX_BATCH_BYTES) {
    ctx.addIssue({ code: 'custom', path: ['RATCHET_INGEST_MAX_RECORD_BYTES'], message: 'must not exceed RATCHET_INGEST_MAX_BATCH_BYTES' });
  }
  if (c.RATCHET_SEAL_BYTES > c.RATCHET_INGEST_MAX_BATCH_BYTES || c.RATCHET_SEAL_BYTES < c.RATCHET_INGEST_MAX_RECORD_BYTES) {
    ctx.addIssue({ code: 'custom', path: ['RATCHET_SEAL_BYTES'], message: 'must lie between RATCHET_INGEST_MAX_RECORD_BYTES and RATCHET_INGEST_MAX_BATCH_BYTES' });
  }
  if (c.RATCHET_SEAL_RECORDS < 2) {
    ctx.addIssue({ code: 'custom', path: ['RATCHET_SEAL_RECORDS'], message: 'must be at least 2 (a batch needs a train and a held-out record)' });
  }
});

export type IngestConfig = z.infer<typeof IngestEnv>;

export function loadIngestConfig(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  return loadConfig(IngestEnv, env);
}

export const recordLimits = (config: IngestConfig): RecordLimits => ({
  maxRecordBytes: config.RATCHET_INGEST_MAX_RECORD_BYTES,
  maxBatchBytes: config.RATCHET_INGEST_MAX_BATCH_BYTES,
});

export const kafkaConsumerEnabled = (config: IngestConfig): boolean =>
  config.RATCHET_INGEST_KAFKA_CONSUMER ?? config.RATCHET_RUNTIME === 'production';
