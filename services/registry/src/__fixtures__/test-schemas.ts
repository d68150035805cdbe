// Fresh PostgreSQL schemas for tests on the real server of deploy/local/up.sh (RATCHET_DATABASE_URL),
// dropped afterwards so that reruns start clean.
import { Client } from 'pg';
import { loadRegistryConfig } from '../config';

/** RATCHET_DATABASE_URL, or a clear error: the int tier runs on the provisioned servers. */
export function testDatabaseUrl(): string {
  const url = loadRegistryConfig().RATCHET_DATABASE_URL;
  if (!url) throw new Error('RATCHET_DATABASE_URL is not set: start deploy/local/up.sh and load its settings (set -a; . /tmp/ratchet-infra/env; set +a)');
  return url;
}

export class TestSchemas {
  private readonly names: string[] = [];

  constructor(readonly url: string = testDatabaseUrl()) {}

  fresh(): string {
    const schema = `registry_test_${process.pid}_${Date.now().toString(36)}_${this.names.length}`;
    this.names.push(schema);
    return schema;
  }

  async dropAll(): Promise<void> {
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      for (const schema of this.names.splice(0)) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await client.end();
    }
  }
}
