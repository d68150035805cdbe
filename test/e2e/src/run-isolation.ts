// Per-run isolation on shared servers: a topic prefix, a bucket, a PostgreSQL schema and a lineage
// of the run's own, and the clean-up that removes them again.
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client as PgClient } from 'pg';
import { TOPICS } from '@ratchet/contracts';
import { S3ObjectStore } from '@ratchet/objectstore';
import { InfraEnv } from './infra-env';

export interface RunIds {
  runId: string;
  /** RATCHET_KAFKA_TOPIC_PREFIX of every service: `e2e-<id>.` */
  prefix: string;
  bucket: string;
  /** RATCHET_DATABASE_SCHEMA of the registry. */
  schema: string;
  lineage: string;
  topics: { records: string; recordsDeadLetter: string; events: string; eventsDeadLetter: string };
}

export function newRunIds(): RunIds {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const prefix = `e2e-${runId}.`;
  return {
    runId,
    prefix,
    bucket: `ratchet-e2e-${runId}`,
    schema: `e2e_${runId}`,
    lineage: `e2e-${runId}`,
    topics: {
      records: `${prefix}${TOPICS.records}`,
      recordsDeadLetter: `${prefix}${TOPICS.recordsDeadLetter}`,
      events: `${prefix}${TOPICS.events}`,
      eventsDeadLetter: `${prefix}${TOPICS.eventsDeadLetter}`,
    },
  };
}

export const kafkaClient = (infra: InfraEnv, clientId: string): Kafka =>
  new Kafka({
    clientId,
    brokers: infra.kafkaBrokers,
    logLevel: logLevel.ERROR,
    retry: { retries: 8, initialRetryTime: 200 },
  });

export function s3Options(infra: InfraEnv, bucket: string) {
  const useSSL = infra.s3.endpoint.protocol === 'https:';
  return {
    endPoint: infra.s3.endpoint.hostname,
    port: infra.s3.endpoint.port ? Number(infra.s3.endpoint.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: infra.s3.accessKey,
    secretKey: infra.s3.secretKey,
    region: infra.s3.region,
    bucket,
  };
}

export async function withPg<T>(infra: InfraEnv, use: (client: PgClient) => Promise<T>): Promise<T> {
  const client = new PgClient({ connectionString: infra.databaseUrl });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Removes everything the run created; collects failures instead of stopping at the first. */
export async function cleanUpRun(infra: InfraEnv, ids: RunIds): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (what: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      problems.push(`${what}: ${(error as Error).message}`);
    }
  };
  await attempt(`drop schema ${ids.schema}`, () =>
    withPg(infra, async (pg) => void (await pg.query(`DROP SCHEMA IF EXISTS "${ids.schema}" CASCADE`))),
  );
  await attempt(`delete topics and groups ${ids.prefix}*`, async () => {
    const admin = kafkaClient(infra, `e2e-cleanup-${ids.runId}`).admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(ids.prefix));
      if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
      const groups = (await admin.listGroups()).groups
        .map((g) => g.groupId)
        .filter((g) => g.startsWith(ids.prefix));
      if (groups.length > 0) await admin.deleteGroups(groups);
    } finally {
      await admin.disconnect();
    }
  });
  await attempt(`empty and remove bucket ${ids.bucket}`, async () => {
    const store = await S3ObjectStore.open(s3Options(infra, ids.bucket));
    const keys: string[] = [];
    for await (const item of store.client.listObjectsV2(ids.bucket, '', true)) {
      const name = (item as { name?: string }).name;
      if (name) keys.push(name);
    }
    for (let i = 0; i < keys.length; i += 500)
      await store.client.removeObjects(ids.bucket, keys.slice(i, i + 500));
    await store.client.removeBucket(ids.bucket);
  });
  return problems;
}
