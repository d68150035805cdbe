import { Injectable, Module } from '@nestjs/common';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AnyEvent, createEvent } from '@ratchet/contracts';
import { waitFor } from '@ratchet/eventlog/testing';
import { BaseEnv, ConfigError, EventPublisher, EventReactor, LineageProjection, ServiceKitModule, loadConfig, serviceEnv, startService } from '.';

@Injectable()
class RecordingReactor implements EventReactor {
  readonly group = 'kit-test';
  readonly seen: string[] = [];
  resumed = 0;
  async react(event: AnyEvent): Promise<void> {
    this.seen.push(event.id);
  }
  async resume(): Promise<void> {
    this.resumed += 1;
  }
}

const configured = (id: string) =>
  createEvent('LineageConfigured', { lineage: 'lin', preset: 'tiny', modelOverrides: {}, strategy: {}, training: {}, policy: {} }, { source: 'test', subject: 'lin', correlationid: id, id });

describe('service kit', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'ratchet-kit-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('serves health and metrics, replays the log into the projection and feeds new events to the reactor', async () => {
    const config = loadConfig(serviceEnv(0, {}), { RATCHET_DATA_DIR: dir, RATCHET_LOG_LEVEL: 'warn' });
    @Module({ imports: [ServiceKitModule.forService({ name: 'kit-test', config, reactor: RecordingReactor })] })
    class TestModule {}

    const app = await startService(TestModule, { name: 'kit-test', config, embedded: true });
    try {
      const server = app.getHttpServer();
      await request(server).get('/health/live').expect(200, { status: 'ok' });
      await request(server).get('/health/ready').expect(200);
      const reactor = app.get(RecordingReactor);
      expect(reactor.resumed).toBe(1);

      const log = app.get(LineageProjection);
      const publisher = app.get(EventPublisher);
      await publisher.publish(configured('e1'));
      await waitFor(() => reactor.seen.includes('e1'), 5000, 'the reactor to see e1');
      expect(log.get('lin').config?.preset).toBe('tiny');

      const metrics = await request(server).get('/metrics').expect(200);
      expect(metrics.text).toMatch(/ratchet_events_handled_total\{[^}]*type="LineageConfigured"[^}]*\} 1/);
      expect(metrics.text).toMatch(/service="kit-test"/);
      const openapi = await request(server).get('/openapi.json').expect(200);
      expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
    } finally {
      await app.close();
    }
  });

  it('reports every invalid setting at once', () => {
    expect(() => loadConfig(BaseEnv, { RATCHET_RUNTIME: 'cloud', RATCHET_KAFKA_PARTITIONS: '-1' })).toThrow(ConfigError);
    try {
      loadConfig(BaseEnv, { RATCHET_RUNTIME: 'cloud', RATCHET_KAFKA_PARTITIONS: '-1' });
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(['RATCHET_RUNTIME', 'RATCHET_KAFKA_PARTITIONS']);
    }
  });
});
