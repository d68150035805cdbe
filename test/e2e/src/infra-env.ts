// The one place the e2e test reads the environment: where Kafka, the S3 server and PostgreSQL
// listen (written by deploy/local/up.sh to /tmp/ratchet-infra/env). Missing settings fail the
// test loudly: an e2e run that silently skips would look green without having tested anything.

export interface InfraEnv {
  kafkaBrokers: string[];
  s3: { endpoint: URL; accessKey: string; secretKey: string; region: string };
  databaseUrl: string;
  /** RATCHET_E2E_KEEP=1: leave topics, bucket, schema and logs in place after the run (debugging). */
  keep: boolean;
}

const HINT =
  'start the servers with deploy/local/up.sh and load their settings: set -a; . /tmp/ratchet-infra/env; set +a';
const REQUIRED = [
  'RATCHET_KAFKA_BROKERS',
  'RATCHET_S3_ENDPOINT',
  'RATCHET_S3_ACCESS_KEY',
  'RATCHET_S3_SECRET_KEY',
  'RATCHET_DATABASE_URL',
] as const;

export function loadInfraEnv(env: NodeJS.ProcessEnv = process.env): InfraEnv {
  const missing = REQUIRED.filter((name) => !env[name]?.trim());
  if (missing.length > 0) throw new Error(`the e2e test needs ${missing.join(', ')}: ${HINT}`);
  const value = (name: (typeof REQUIRED)[number]): string => env[name]!.trim();
  let endpoint: URL;
  try {
    endpoint = new URL(value('RATCHET_S3_ENDPOINT'));
  } catch {
    throw new Error(
      `RATCHET_S3_ENDPOINT must be a URL such as http://127.0.0.1:19000, got "${value('RATCHET_S3_ENDPOINT')}"`,
    );
  }
  if (!/^postgres(ql)?:\/\//.test(value('RATCHET_DATABASE_URL')))
    throw new Error('RATCHET_DATABASE_URL must be a postgres:// URL');
  return {
    kafkaBrokers: value('RATCHET_KAFKA_BROKERS')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    s3: {
      endpoint,
      accessKey: value('RATCHET_S3_ACCESS_KEY'),
      secretKey: value('RATCHET_S3_SECRET_KEY'),
      region: env.RATCHET_S3_REGION?.trim() || 'us-east-1',
    },
    databaseUrl: value('RATCHET_DATABASE_URL'),
    keep: /^(1|true)$/i.test(env.RATCHET_E2E_KEEP?.trim() ?? ''),
  };
}

/**
 * What a service process inherits from the test's environment: PATH, HOME and the like, but no
 * RATCHET_* setting, so each process gets exactly the settings the test hands it.
 */
export function inheritedEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('RATCHET_')));
}

/** The env a service process gets for these servers (the run's own bucket, prefix and schema go on top). */
export function infraSettings(infra: InfraEnv): Record<string, string> {
  return {
    RATCHET_KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    RATCHET_S3_ENDPOINT: infra.s3.endpoint.toString().replace(/\/$/, ''),
    RATCHET_S3_ACCESS_KEY: infra.s3.accessKey,
    RATCHET_S3_SECRET_KEY: infra.s3.secretKey,
    RATCHET_S3_REGION: infra.s3.region,
  };
}
