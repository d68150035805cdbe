// Settings of the S3 adapter; s3OptionsFromEnv reads them from RATCHET_S3_* for tests, benchmarks and scripts
// (the services take them from their configuration, validated at start-up: services/kit).

export interface S3ObjectStoreOptions {
  /** Host name or IP of the S3 endpoint, without scheme or port. */
  endPoint: string;
  port?: number;
  useSSL?: boolean;
  accessKey: string;
  secretKey: string;
  /** Default us-east-1. */
  region?: string;
  bucket: string;
  /** Path-style URLs (http://host/bucket/key): what MinIO, versitygw and most local servers want. Default true. */
  pathStyle?: boolean;
  /** Multipart part size, and the largest stream body buffered in memory. Default 8 MiB (S3 minimum 5 MiB). */
  partSizeBytes?: number;
  /** Parallel HEAD requests while listing. Default 8. */
  statConcurrency?: number;
}

export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;

type Env = Record<string, string | undefined>;

const ENV_HINT =
  'start the local servers with deploy/local/up.sh and load their settings: set -a; . /tmp/ratchet-infra/env; set +a';

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`${name} is not set: ${ENV_HINT}`);
  return value;
}

/** Host, port and TLS of an endpoint URL such as http://127.0.0.1:19000 (the port defaults by scheme). */
export function s3Endpoint(raw: string): Pick<S3ObjectStoreOptions, 'endPoint' | 'port' | 'useSSL'> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`RATCHET_S3_ENDPOINT must be a URL like http://127.0.0.1:19000, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`RATCHET_S3_ENDPOINT must be http(s), got "${raw}"`);
  const useSSL = url.protocol === 'https:';
  return { endPoint: url.hostname, port: url.port ? Number(url.port) : useSSL ? 443 : 80, useSSL };
}

/**
 * RATCHET_S3_ENDPOINT (a URL such as http://127.0.0.1:19000), RATCHET_S3_ACCESS_KEY,
 * RATCHET_S3_SECRET_KEY, RATCHET_S3_BUCKET (all required), RATCHET_S3_REGION,
 * RATCHET_S3_PATH_STYLE (default true) and RATCHET_S3_PART_SIZE_MB.
 */
export function s3OptionsFromEnv(env: Env = process.env): S3ObjectStoreOptions {
  const options: S3ObjectStoreOptions = {
    ...s3Endpoint(required(env, 'RATCHET_S3_ENDPOINT')),
    accessKey: required(env, 'RATCHET_S3_ACCESS_KEY'),
    secretKey: required(env, 'RATCHET_S3_SECRET_KEY'),
    region: env.RATCHET_S3_REGION?.trim() || 'us-east-1',
    bucket: required(env, 'RATCHET_S3_BUCKET'),
    pathStyle: !/^(0|false|no)$/i.test(env.RATCHET_S3_PATH_STYLE?.trim() ?? ''),
  };
  const partMb = env.RATCHET_S3_PART_SIZE_MB?.trim();
  if (partMb) {
    const mb = Number(partMb);
    if (!Number.isInteger(mb) || mb < 5) throw new Error(`RATCHET_S3_PART_SIZE_MB must be an integer >= 5, got "${partMb}"`);
    options.partSizeBytes = mb * 1024 * 1024;
  }
  return options;
}
