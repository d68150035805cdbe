// End to end on real servers (deploy/local/up.sh): the four services as separate OS processes on
// Kafka, the S3 server and PostgreSQL; an external producer pushes three batches (with invalid
// records mixed in) to the records topic, and the test follows them through the event log, the
// object store, the registry's API and its tables, and the dead-letter topic.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Consumer, KafkaMessage } from 'kafkajs';
import { AnyEvent, DEAD_LETTER_HEADERS } from '@ratchet/contracts';
import { KafkaEventLog } from '@ratchet/eventlog';
import { waitFor } from '@ratchet/eventlog/testing';
import { S3ObjectStore } from '@ratchet/objectstore';
import { BatchChain, chainsOf, championOf, decisionCount, outcomeOf } from './event-chains';
import { requestJson } from './http-json';
import { InfraEnv, inheritedEnv, infraSettings, loadInfraEnv } from './infra-env';
import { PhaseTimer } from './phase-timer';
import { Sample, parseMetrics, total } from './prometheus-text';
import { FixtureBatch, RECORDS_PER_BATCH, buildFixture } from './records-fixture';
import { RunIds, cleanUpRun, kafkaClient, newRunIds, s3Options, withPg } from './run-isolation';
import {
  ServiceName,
  ServiceProcess,
  assertAlive,
  freePort,
  logTail,
  startServiceProcess,
  stopServices,
  throttle,
  waitReady,
} from './service-processes';

/**
 * Bounds of each phase (ms): generous for a loaded 2-core machine (a healthy run takes about 30 s
 * in all), yet their sum keeps the whole file under 10 minutes even when something hangs.
 */
const BUDGET = {
  start: 120_000,
  configure: 30_000,
  perBatch: 90_000,
  followUp: 30_000,
  check: 30_000,
  teardown: 45_000,
};
/** Every wait ends by this long after the start, so the file stays under 10 minutes with the teardown. */
const RUN_DEADLINE_MS = 8 * 60_000;
const MAX_RECORD_BYTES = 4096;
const BATCHES = 3;
const SERVICES: ServiceName[] = ['ingest', 'trainer', 'evaluator', 'registry'];
/** Lenient enough for 4-step tiny models to pass; the guard still runs every rule. */
const LENIENT = {
  baselineMargin: 0.001,
  plasticityMargin: 0,
  retentionTolerance: 0.1,
  aggregateTolerance: 0.1,
};
/** No model can improve by 500 %: the batch decided under this policy must be rejected (the ratchet holds). */
const IMPOSSIBLE = { ...LENIENT, baselineMargin: 5, plasticityMargin: 5 };
/** The policy in force for each batch: the middle one is rejected, so the last must train from the first's champion. */
const POLICY_OF_BATCH = [LENIENT, IMPOSSIBLE, LENIENT];

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const header = (m: KafkaMessage, name: string): string | undefined => m.headers?.[name]?.toString();
const sorted = (xs: string[]): string[] => [...xs].sort();

interface LineageDetail {
  lineage: string;
  preset: string | null;
  champion: string | null;
  counts: {
    batches: number;
    checkpoints: number;
    failed: number;
    promoted: number;
    rejected: number;
    refusedBatches: number;
  };
  batches: { batchId: string; status: string; checkpointId: string | null }[];
}
interface CheckpointView {
  checkpointId: string;
  parentId: string | null;
  batchId: string;
  objectKey: string;
  manifestSha256: string;
  scores: { baselineId: string | null; sets: { evalSet: string; isNew: boolean }[] } | null;
  decision: { outcome: string } | null;
  isChampion: boolean;
}

describe('Ratchet on real Kafka, S3 and PostgreSQL: four service processes, three batches', () => {
  const timer = new PhaseTimer();
  const services = new Map<ServiceName, ServiceProcess>();
  /** The dead-letter topic as read so far, by partition:offset (a re-delivery to this reader is not a second dead letter). */
  const deadLetters = new Map<string, KafkaMessage>();
  let infra: InfraEnv;
  let ids: RunIds;
  let logDir = '';
  let log: KafkaEventLog | null = null;
  let store: S3ObjectStore | null = null;
  let dlqReader: Consumer | null = null;
  let fixture: FixtureBatch[] = [];
  /** The lineage's events once every batch was decided (set by the pipeline test). */
  let events: AnyEvent[] | null = null;
  let anyFailure = false;
  let deadline = Date.now() + RUN_DEADLINE_MS;
  /** A wait's bound: its own budget, cut to what is left before the run's deadline. */
  const within = (budgetMs: number): number => Math.max(1_000, Math.min(budgetMs, deadline - Date.now()));

  const running = (): ServiceProcess[] => [...services.values()];
  const urlOf = (name: ServiceName): string => services.get(name)!.url;
  const lineageEvents = async (): Promise<AnyEvent[]> =>
    (await log!.read()).map((s) => s.event).filter((e) => e.subject === ids.lineage);
  const decided = (): AnyEvent[] => {
    if (!events) throw new Error('the pipeline did not decide every batch (see the first failing test)');
    return events;
  };

  /** Polls the log until `n` batches arrived and each has a decision; fails at once on a refused batch, a failed increment or a dead service. */
  const waitForDecisions = (n: number): Promise<AnyEvent[]> =>
    waitFor(
      throttle(1_000, async () => {
        assertAlive(running());
        const evs = await lineageEvents();
        const broken = evs.find((e) => e.name === 'BatchRejected' || e.name === 'TrainingFailed');
        if (broken) throw new Error(`${broken.name}: ${JSON.stringify(broken.data)}`);
        const chains = chainsOf(evs);
        if (chains.length > n) throw new Error(`${chains.length} batches arrived, expected ${n} so far`);
        return chains.length === n && decisionCount(chains) >= n ? evs : null;
      }),
      within(BUDGET.perBatch),
      `${n} batches with a decision each`,
    );

  /** PUT /lineages/:lineage/config with the tiny preset, replay+ewc and `policy`. */
  const configure = (policy: typeof LENIENT) =>
    requestJson<{ eventId: string; type: string }>(
      'PUT',
      `${urlOf('registry')}/lineages/${ids.lineage}/config`,
      {
        preset: 'tiny',
        strategy: { spec: 'replay+ewc' },
        policy,
      },
    );

  /** Times a phase; when it fails, prints the end of every service's log (the usual place of the cause). */
  async function phase<T>(name: string, work: () => Promise<T>): Promise<T> {
    try {
      return await timer.time(name, work);
    } catch (error) {
      anyFailure = true;
      const logs = running()
        .map((s) => logTail(s, 60))
        .join('\n');
      console.error(
        `e2e phase "${name}" failed: ${(error as Error).message}\nservice logs (full files in ${logDir}):\n${logs}`,
      );
      throw error;
    }
  }

  /** The registry's answers and its rows for the lineage, for before/after comparisons. */
  async function registrySnapshot(): Promise<unknown> {
    const base = `${urlOf('registry')}/lineages/${ids.lineage}`;
    const api: Record<string, unknown> = {};
    for (const path of ['', '/champion', '/checkpoints', '/matrix']) {
      const res = await requestJson('GET', `${base}${path}`);
      expect(res.status).toBe(200);
      api[path || '/'] = res.body;
    }
    const s = `"${ids.schema}"`;
    const tables = await withPg(infra, async (pg) => {
      const rows = async (sql: string) => (await pg.query(sql, [ids.lineage])).rows;
      return {
        lineages: await rows(`SELECT * FROM ${s}.lineages WHERE name = $1`),
        batches: await rows(`SELECT * FROM ${s}.batches WHERE lineage = $1 ORDER BY seq`),
        checkpoints: await rows(`SELECT * FROM ${s}.checkpoints WHERE lineage = $1 ORDER BY seq`),
        championHistory: await rows(
          `SELECT * FROM ${s}.champion_history WHERE lineage = $1 ORDER BY position`,
        ),
        evalScores: await rows(
          `SELECT * FROM ${s}.eval_scores WHERE lineage = $1 ORDER BY checkpoint_id, eval_set`,
        ),
        processedEvents: await rows(
          `SELECT * FROM ${s}.processed_events WHERE lineage = $1 ORDER BY source, event_id`,
        ),
      };
    });
    return { api, tables };
  }

  async function metricsOf(name: ServiceName): Promise<Sample[]> {
    const res = await fetch(`${urlOf(name)}/metrics`, { signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(200);
    return parseMetrics(await res.text());
  }

  const duplicateBatchesCounted = async (): Promise<number> =>
    total(await metricsOf('ingest'), 'ratchet_ingest_batches_total', {
      source: 'kafka',
      outcome: 'duplicate',
    });

  beforeAll(async () => {
    deadline = Date.now() + RUN_DEADLINE_MS;
    infra = loadInfraEnv(); // throws, failing every test, when the servers' settings are missing
    ids = newRunIds();
    logDir = mkdtempSync(join(tmpdir(), `ratchet-e2e-${ids.runId}-`));
    fixture = buildFixture(ids.lineage, MAX_RECORD_BYTES);
    console.log(
      `e2e run ${ids.runId}: topic prefix ${ids.prefix}, bucket ${ids.bucket}, schema ${ids.schema}, lineage ${ids.lineage}, logs in ${logDir}`,
    );

    await phase('start the four services until /health/ready', async () => {
      const common = {
        ...inheritedEnv(),
        ...infraSettings(infra),
        RATCHET_RUNTIME: 'production',
        RATCHET_KAFKA_TOPIC_PREFIX: ids.prefix,
        RATCHET_S3_BUCKET: ids.bucket,
        RATCHET_LOG_LEVEL: 'warn',
        RATCHET_DATA_DIR: join(logDir, 'data'),
      };
      const own: Record<ServiceName, Record<string, string>> = {
        // only seal messages close batches: a count, byte or time seal would make the batches depend on timing
        ingest: {
          RATCHET_INGEST_MAX_RECORD_BYTES: String(MAX_RECORD_BYTES),
          RATCHET_SEAL_WINDOW_MS: '3600000',
          RATCHET_HELD_OUT_FRACTION: '0.25',
          RATCHET_INGEST_KAFKA_CONSUMER: 'true',
        },
        trainer: { RATCHET_DEFAULT_PRESET: 'tiny', RATCHET_MAX_STEPS: '4', RATCHET_TF_BACKEND: 'cpu' },
        evaluator: { RATCHET_EVAL_MAX_TOKENS: '512', RATCHET_TF_BACKEND: 'cpu' },
        registry: {
          RATCHET_DATABASE_URL: infra.databaseUrl,
          RATCHET_DATABASE_SCHEMA: ids.schema,
          RATCHET_TF_BACKEND: 'cpu',
        },
      };
      for (const name of SERVICES)
        services.set(name, startServiceProcess(name, await freePort(), { ...common, ...own[name] }, logDir));
      await Promise.all(running().map((s) => waitReady(s, within(BUDGET.start))));
    });

    await phase('open the event log, the bucket and a dead-letter reader', async () => {
      log = await KafkaEventLog.open({
        brokers: infra.kafkaBrokers,
        clientId: `e2e-reader-${ids.runId}`,
        topic: ids.topics.events,
        deadLetterTopic: ids.topics.eventsDeadLetter,
      });
      store = await S3ObjectStore.open(s3Options(infra, ids.bucket));
      dlqReader = kafkaClient(infra, `e2e-dlq-${ids.runId}`).consumer({
        groupId: `${ids.prefix}e2e-dlq-reader`,
        sessionTimeout: 10_000,
        heartbeatInterval: 1_000,
      });
      await dlqReader.connect();
      await dlqReader.subscribe({ topic: ids.topics.recordsDeadLetter, fromBeginning: true });
      await dlqReader.run({
        eachMessage: async ({ partition, message }) =>
          void deadLetters.set(`${partition}:${message.offset}`, message),
      });
    });
  }, BUDGET.start + BUDGET.check);

  afterAll(async () => {
    // normally the last test stopped them already; this is for runs that failed before it
    const killed = await stopServices(running(), 20_000).catch((e: Error) => [e.message]);
    if (killed.length > 0) console.warn(`e2e: had to SIGKILL ${killed.join(', ')}`);
    await dlqReader?.disconnect().catch(() => undefined);
    await log?.close().catch(() => undefined);
    await store?.close().catch(() => undefined);
    if (infra && ids && !infra.keep) {
      const problems = await timer.time('clean up topics, bucket, schema', () => cleanUpRun(infra, ids));
      if (problems.length > 0)
        console.warn(`e2e clean-up left something behind:\n  ${problems.join('\n  ')}`);
    }
    if (anyFailure || infra?.keep) console.log(`e2e: service logs kept in ${logDir}`);
    else if (logDir) rmSync(logDir, { recursive: true, force: true });
    console.log(timer.report(`e2e timings (run ${ids?.runId ?? '-'}):`));
  }, BUDGET.teardown + 30_000);

  it(
    'configures the lineage through the registry API (and refuses an invalid config)',
    () =>
      phase('configure the lineage', async () => {
        const bad = await requestJson<{ problems?: unknown[] }>(
          'PUT',
          `${urlOf('registry')}/lineages/${ids.lineage}/config`,
          { preset: 'no-such-preset' },
        );
        expect(bad.status).toBe(400);
        const put = await configure(LENIENT);
        expect(put.status).toBe(202);
        expect(put.body.type).toBe('ratchet.LineageConfigured.v1');
        const detail = await waitFor(
          throttle(500, async () => {
            const res = await requestJson<LineageDetail>(
              'GET',
              `${urlOf('registry')}/lineages/${ids.lineage}`,
            );
            return res.status === 200 && res.body.preset === 'tiny' ? res.body : null;
          }),
          within(BUDGET.configure),
          'the registry to project LineageConfigured',
        );
        expect(detail.counts.batches).toBe(0);
        expect(detail.champion).toBeNull();
      }),
    BUDGET.configure + 10_000,
  );

  it(
    'turns three sealed batches from an external producer into exactly one decision each',
    async () => {
      const producer = kafkaClient(infra, `e2e-producer-${ids.runId}`).producer({
        idempotent: true,
        maxInFlightRequests: 1,
      });
      await producer.connect();
      let latest: AnyEvent[] = [];
      try {
        // Batch by batch: the policy for batch i is configured before its records are sent, so the
        // log orders it before the batch's DataBatchArrived and the registry decides under it.
        for (const [i, batch] of fixture.entries()) {
          if (i > 0 && POLICY_OF_BATCH[i] !== POLICY_OF_BATCH[i - 1])
            expect((await configure(POLICY_OF_BATCH[i]!)).status).toBe(202);
          await phase(`batch ${i + 1}: produce its records and seal it`, () =>
            producer.send({ topic: ids.topics.records, messages: batch.messages }),
          );
          latest = await phase(`batch ${i + 1}: wait for DataBatchArrived and a decision`, () =>
            waitForDecisions(i + 1),
          );
        }
      } finally {
        await producer.disconnect();
      }
      events = latest;

      const chains = chainsOf(decided());
      expect(chains).toHaveLength(BATCHES);
      for (const chain of chains) {
        expect(chain.started).toHaveLength(1);
        expect(chain.saved).toHaveLength(1);
        expect(chain.failed).toHaveLength(0);
        expect(chain.scored).toHaveLength(1);
        expect(chain.decisions).toHaveLength(1);
      }
      // figures for the report: how long each batch took from arrival to decision, by the events' clocks
      const perBatch = chains.map((c, i) => {
        const t = (e: { time: string }) => Date.parse(e.time);
        const arrivedAt = t(c.arrived.event);
        return `  batch ${i + 1}: trained ${((t(c.saved[0]!.event) - t(c.started[0]!.event)) / 1000).toFixed(1)} s, scored after ${((t(c.scored[0]!.event) - t(c.saved[0]!.event)) / 1000).toFixed(1)} s, decided ${((t(c.decisions[0]!.event) - arrivedAt) / 1000).toFixed(1)} s after arrival (${outcomeOf(c.decisions[0]!.event)})`;
      });
      console.log(`e2e per batch:\n${perBatch.join('\n')}`);
    },
    BATCHES * BUDGET.perBatch + 30_000,
  );

  it(
    'chains every batch in log order by correlation and causation id, one checkpoint per (parent, batch)',
    () =>
      phase('check the event chains', async () => {
        const all = decided();
        const chains = chainsOf(all);
        let champion: string | null = null;
        chains.forEach((chain: BatchChain, i) => {
          const arrived = chain.arrived.event;
          const batchId = arrived.data.batchId;
          const [started, saved, scored, decision] = [
            chain.started[0]!,
            chain.saved[0]!,
            chain.scored[0]!,
            chain.decisions[0]!,
          ];
          // the chain's first event starts the correlation; every later one names what caused it
          expect(arrived.correlationid).toBe(batchId);
          expect(arrived.causationid).toBeNull();
          for (const p of [started, saved, scored, decision]) expect(p.event.correlationid).toBe(batchId);
          expect(started.event.causationid).toBe(arrived.id);
          expect([arrived.id, started.event.id]).toContain(saved.event.causationid);
          expect(scored.event.causationid).toBe(saved.event.id);
          expect(decision.event.causationid).toBe(scored.event.id);
          // log order within the lineage's partition
          expect(chain.arrived.at).toBeLessThan(started.at);
          expect(started.at).toBeLessThan(saved.at);
          expect(saved.at).toBeLessThan(scored.at);
          expect(scored.at).toBeLessThan(decision.at);
          // the batch after a decision trains from the champion that decision left
          if (i > 0) expect(chains[i - 1]!.decisions[0]!.at).toBeLessThan(started.at);
          expect(started.event.data.parentId).toBe(champion);
          expect(saved.event.data).toMatchObject({
            checkpointId: started.event.data.checkpointId,
            parentId: champion,
            batchId,
          });
          expect(saved.event.data.steps).toBeGreaterThan(0);
          expect(scored.event.data).toMatchObject({
            checkpointId: saved.event.data.checkpointId,
            baselineId: champion,
            batchId,
          });
          // scored on the held-out set of every batch so far, the new one marked
          expect(sorted(scored.event.data.sets.map((s) => s.batchId))).toEqual(
            sorted(chains.slice(0, i + 1).map((c) => c.arrived.event.data.batchId)),
          );
          expect(scored.event.data.sets.filter((s) => s.isNew).map((s) => s.batchId)).toEqual([batchId]);
          expect(decision.event.data.checkpointId).toBe(saved.event.data.checkpointId);
          // decided under the policy configured before the batch was sent
          expect(decision.event.data.policy).toMatchObject(POLICY_OF_BATCH[i]!);
          if (POLICY_OF_BATCH[i] === IMPOSSIBLE) expect(decision.event.name).toBe('PromotionRejected');
          if (decision.event.name === 'ModelPromoted') {
            expect(decision.event.data.previousId).toBe(champion);
            expect(decision.event.data.rules.every((r) => r.passed)).toBe(true);
            champion = decision.event.data.checkpointId;
          } else {
            expect(decision.event.data.championId).toBe(champion);
            expect(decision.event.data.rules.some((r) => !r.passed)).toBe(true);
          }
        });
        expect(championOf(all)).toBe(champion);

        // read again now: nothing re-announced a checkpoint or re-decided one in the meantime
        const again = await lineageEvents();
        const saves = again.filter((e) => e.name === 'CheckpointSaved');
        const pairs = saves.map((e) => `${e.data.parentId ?? '-'}/${e.data.batchId}`);
        expect(new Set(pairs).size).toBe(pairs.length);
        expect(saves).toHaveLength(BATCHES);
        expect(decisionCount(chainsOf(again))).toBe(BATCHES);
        expect(
          again.filter(
            (e) =>
              e.name === 'TrainingFailed' || e.name === 'BatchRejected' || e.name === 'ChampionRolledBack',
          ),
        ).toEqual([]);
        // and no service gave up on an event
        expect(await log!.deadLetters()).toEqual([]);
      }),
    BUDGET.check,
  );

  it(
    'stores both splits of every batch with the announced sha256, holding exactly the valid records',
    () =>
      phase('check the batch objects', async () => {
        const arrivals = chainsOf(decided()).map((c) => c.arrived.event);
        const allTexts: string[] = [];
        for (const [i, arrived] of arrivals.entries()) {
          const { batchId, train, heldOut } = arrived.data;
          expect(arrived.data).toMatchObject({
            lineage: ids.lineage,
            records: RECORDS_PER_BATCH,
            rejected: 0,
            source: 'kafka',
          });
          expect(train.key).toBe(`batches/${ids.lineage}/${batchId}/train.jsonl`);
          expect(heldOut.key).toBe(`batches/${ids.lineage}/${batchId}/held-out.jsonl`);
          expect(train.records).toBeGreaterThanOrEqual(1);
          expect(heldOut.records).toBeGreaterThanOrEqual(1);
          expect(train.records + heldOut.records).toBe(RECORDS_PER_BATCH);
          const texts: string[] = [];
          const stored: { text: string }[] = [];
          for (const split of [train, heldOut]) {
            const bytes = await store!.get(split.key);
            expect(sha256(bytes)).toBe(split.sha256);
            expect(bytes.byteLength).toBe(split.bytes);
            const lines = bytes
              .toString('utf8')
              .split('\n')
              .filter((l) => l.length > 0);
            expect(lines).toHaveLength(split.records);
            for (const line of lines) {
              const record = JSON.parse(line) as { text: string; lineage: string };
              expect(record.lineage).toBe(ids.lineage);
              texts.push(record.text);
              stored.push(record);
            }
          }
          expect(arrived.data.bytes).toBe(train.bytes + heldOut.bytes);
          // batch i holds exactly what the producer sent before the i-th seal message
          expect(sorted(texts)).toEqual(sorted(fixture[i]!.texts));
          // with every field as sent (id, domain, metadata), the lineage taken from the key where the value had none
          const sent = fixture[i]!.valid.map((m) => ({
            lineage: m.key,
            ...(JSON.parse(m.value.toString('utf8')) as { text: string }),
          }));
          const byText = (a: { text: string }, b: { text: string }) => a.text.localeCompare(b.text);
          expect(stored.sort(byText)).toEqual(sent.sort(byText));
          allTexts.push(...texts);
        }
        expect(sorted(allTexts)).toEqual(sorted(fixture.flatMap((b) => b.texts)));
      }),
    BUDGET.check,
  );

  it(
    "stores every checkpoint's manifest and files under its objectKey",
    () =>
      phase('check the checkpoint objects', async () => {
        const saves = chainsOf(decided()).map((c) => c.saved[0]!.event.data);
        for (const saved of saves) {
          expect(saved.objectKey).toBe(`checkpoints/${ids.lineage}/${saved.checkpointId}`);
          const listed = new Set((await store!.list(`${saved.objectKey}/`)).map((o) => o.key));
          const manifestBytes = await store!.get(`${saved.objectKey}/manifest.json`);
          expect(sha256(manifestBytes)).toBe(saved.manifestSha256);
          const manifest = JSON.parse(manifestBytes.toString('utf8')) as {
            files: Record<string, { sha256: string; bytes: number }>;
          };
          const files = Object.entries(manifest.files);
          expect(files.length).toBeGreaterThan(0);
          expect(listed).toContain(`${saved.objectKey}/manifest.json`);
          for (const [name, meta] of files) {
            const key = `${saved.objectKey}/${name}`;
            expect(listed).toContain(key);
            const bytes = await store!.get(key);
            expect({ name, sha256: sha256(bytes), bytes: bytes.byteLength }).toEqual({
              name,
              sha256: meta.sha256,
              bytes: meta.bytes,
            });
          }
        }
      }),
    BUDGET.check,
  );

  it(
    'dead-letters every invalid record with its reason in headers, and nothing else',
    () =>
      phase('check the dead-letter topic', async () => {
        const invalid = fixture.flatMap((b) => b.invalid);
        await waitFor(
          () => deadLetters.size >= invalid.length,
          within(BUDGET.followUp),
          `${invalid.length} dead letters`,
        );
        const letters = [...deadLetters.values()];
        expect(letters).toHaveLength(invalid.length);
        for (const c of invalid) {
          const found = letters.filter(
            (m) => m.value !== null && Buffer.compare(m.value, c.message.value) === 0,
          );
          expect({ label: c.label, copies: found.length }).toEqual({ label: c.label, copies: 1 });
          const m = found[0]!;
          expect({
            label: c.label,
            key: m.key?.toString(),
            code: header(m, DEAD_LETTER_HEADERS.code),
            field: header(m, DEAD_LETTER_HEADERS.field),
            sourceTopic: header(m, DEAD_LETTER_HEADERS.sourceTopic),
          }).toEqual({
            label: c.label,
            key: ids.lineage,
            code: c.code,
            field: c.field,
            sourceTopic: ids.topics.records,
          });
          expect(header(m, DEAD_LETTER_HEADERS.reason)?.length ?? 0).toBeGreaterThan(0);
          expect(Number(header(m, DEAD_LETTER_HEADERS.sourceOffset))).toBeGreaterThanOrEqual(0);
          expect(Number(header(m, DEAD_LETTER_HEADERS.sourcePartition))).toBeGreaterThanOrEqual(0);
        }
      }),
    BUDGET.followUp + BUDGET.check,
  );

  it(
    "answers through the registry API with the events' checkpoints, decisions and champion",
    () =>
      phase('check the registry API', async () => {
        const all = decided();
        const chains = chainsOf(all);
        const champion = championOf(all);
        const base = `${urlOf('registry')}/lineages/${ids.lineage}`;
        // the registry projects its own decisions when they come back from the log: wait for that
        const detail = await waitFor(
          throttle(1_000, async () => {
            const res = await requestJson<LineageDetail>('GET', base);
            const c = res.body.counts;
            return res.status === 200 && c.checkpoints === BATCHES && c.promoted + c.rejected === BATCHES
              ? res.body
              : null;
          }),
          within(BUDGET.followUp),
          'the registry to project every decision',
        );
        const outcomes = chains.map((c) => outcomeOf(c.decisions[0]!.event));
        expect(detail.champion).toBe(champion);
        expect(detail.counts).toMatchObject({
          batches: BATCHES,
          refusedBatches: 0,
          checkpoints: BATCHES,
          failed: 0,
          promoted: outcomes.filter((o) => o === 'promoted').length,
          rejected: outcomes.filter((o) => o === 'rejected').length,
        });
        expect(
          detail.batches.map((b) => ({ batchId: b.batchId, status: b.status, checkpointId: b.checkpointId })),
        ).toEqual(
          chains.map((c, i) => ({
            batchId: c.arrived.event.data.batchId,
            status: outcomes[i],
            checkpointId: c.saved[0]!.event.data.checkpointId,
          })),
        );

        const championView = await requestJson<{
          champion: CheckpointView | null;
          history: { checkpointId: string; kind: string }[];
        }>('GET', `${base}/champion`);
        expect(championView.status).toBe(200);
        expect(championView.body.champion?.checkpointId ?? null).toBe(champion);
        const promotedIds = chains
          .filter((c) => c.decisions[0]!.event.name === 'ModelPromoted')
          .map((c) => c.saved[0]!.event.data.checkpointId);
        expect(championView.body.history.map((h) => [h.checkpointId, h.kind])).toEqual(
          promotedIds.map((id) => [id, 'promoted']),
        );

        const checkpoints = await requestJson<CheckpointView[]>('GET', `${base}/checkpoints`);
        expect(checkpoints.status).toBe(200);
        expect(
          checkpoints.body.map((c) => ({
            id: c.checkpointId,
            parent: c.parentId,
            batch: c.batchId,
            key: c.objectKey,
            sha: c.manifestSha256,
            outcome: c.decision?.outcome,
            champion: c.isChampion,
            baseline: c.scores?.baselineId,
          })),
        ).toEqual(
          chains.map((c) => {
            const saved = c.saved[0]!.event.data;
            return {
              id: saved.checkpointId,
              parent: saved.parentId,
              batch: saved.batchId,
              key: saved.objectKey,
              sha: saved.manifestSha256,
              outcome: outcomeOf(c.decisions[0]!.event),
              champion: saved.checkpointId === champion,
              baseline: saved.parentId,
            };
          }),
        );

        const matrix = await requestJson<{
          evalSets: string[];
          rows: { checkpointId: string; decision: string | null; bpb: (number | null)[] }[];
        }>('GET', `${base}/matrix`);
        expect(matrix.status).toBe(200);
        expect(matrix.body.evalSets).toEqual(chains.map((c) => c.arrived.event.data.batchId));
        expect(matrix.body.rows.map((r) => [r.checkpointId, r.decision])).toEqual(
          chains.map((c) => [c.saved[0]!.event.data.checkpointId, outcomeOf(c.decisions[0]!.event)]),
        );
        // row i: scored on the sets of batches 0..i, nothing later
        matrix.body.rows.forEach((row, i) => {
          expect(row.bpb.map((v) => v !== null)).toEqual(chains.map((_, j) => j <= i));
          for (const v of row.bpb) if (v !== null) expect(Number.isFinite(v) && v > 0).toBe(true);
        });
      }),
    BUDGET.followUp + 30_000,
  );

  it(
    "keeps read models in PostgreSQL (the run's schema) that match the events",
    () =>
      phase('check the PostgreSQL read models', async () => {
        const all = decided();
        const chains = chainsOf(all);
        const s = `"${ids.schema}"`;
        await withPg(infra, async (pg) => {
          const lineage = await pg.query(
            `SELECT preset, champion_id, batch_count, checkpoint_count, promoted_count, rejected_count, failed_count FROM ${s}.lineages WHERE name = $1`,
            [ids.lineage],
          );
          const outcomes = chains.map((c) => outcomeOf(c.decisions[0]!.event));
          expect(lineage.rows).toEqual([
            {
              preset: 'tiny',
              champion_id: championOf(all),
              batch_count: BATCHES,
              checkpoint_count: BATCHES,
              promoted_count: outcomes.filter((o) => o === 'promoted').length,
              rejected_count: outcomes.filter((o) => o === 'rejected').length,
              failed_count: 0,
            },
          ]);
          const checkpoints = await pg.query(
            `SELECT checkpoint_id, parent_id, batch_id, decision, manifest_sha256 FROM ${s}.checkpoints WHERE lineage = $1 ORDER BY seq`,
            [ids.lineage],
          );
          expect(checkpoints.rows).toEqual(
            chains.map((c, i) => {
              const saved = c.saved[0]!.event.data;
              return {
                checkpoint_id: saved.checkpointId,
                parent_id: saved.parentId,
                batch_id: saved.batchId,
                decision: outcomes[i],
                manifest_sha256: saved.manifestSha256,
              };
            }),
          );
          const cells = await pg.query(`SELECT count(*)::int AS n FROM ${s}.eval_scores WHERE lineage = $1`, [
            ids.lineage,
          ]);
          expect(cells.rows[0].n).toBe(chains.reduce((n, c) => n + c.scored[0]!.event.data.sets.length, 0));
          // every event of the lineage was projected exactly once
          const projected = await pg.query(
            `SELECT count(*)::int AS n FROM ${s}.processed_events WHERE lineage = $1`,
            [ids.lineage],
          );
          expect(projected.rows[0].n).toBe((await lineageEvents()).length);
        });
      }),
    BUDGET.check,
  );

  it(
    'exposes Prometheus metrics from every service that count what happened',
    () =>
      phase('check the /metrics of every service', async () => {
        const chains = chainsOf(decided());
        const lineage = { lineage: ids.lineage };
        const promoted = chains.filter((c) => c.decisions[0]!.event.name === 'ModelPromoted').length;
        const [ingest, trainer, evaluator, registry] = await Promise.all(
          SERVICES.map((name) => metricsOf(name)),
        );
        const invalid = fixture.flatMap((b) => b.invalid);
        expect(total(ingest!, 'ratchet_ingest_records_accepted_total', { source: 'kafka' })).toBe(
          BATCHES * RECORDS_PER_BATCH,
        );
        expect(total(ingest!, 'ratchet_ingest_batches_total', { source: 'kafka', outcome: 'arrived' })).toBe(
          BATCHES,
        );
        expect(total(ingest!, 'ratchet_ingest_batches_sealed_total', { reason: 'message' })).toBe(BATCHES);
        for (const code of new Set(invalid.map((c) => c.code))) {
          expect({ code, n: total(ingest!, 'ratchet_ingest_dead_lettered_total', { code }) }).toEqual({
            code,
            n: invalid.filter((c) => c.code === code).length,
          });
        }
        expect(total(trainer!, 'ratchet_increments_total', { ...lineage, outcome: 'saved' })).toBe(BATCHES);
        expect(
          evaluator!.filter((s) => s.name === 'ratchet_eval_bpb' && s.labels.lineage === ids.lineage).length,
        ).toBeGreaterThan(0);
        expect(total(registry!, 'ratchet_promotions_total', { ...lineage, outcome: 'promoted' })).toBe(
          promoted,
        );
        expect(total(registry!, 'ratchet_promotions_total', { ...lineage, outcome: 'rejected' })).toBe(
          BATCHES - promoted,
        );
      }),
    BUDGET.check,
  );

  it(
    'rebuilds the read models from the log to the same state (POST /admin/rebuild)',
    () =>
      phase('rebuild the read models from the log', async () => {
        decided();
        const before = await registrySnapshot();
        const rebuild = await requestJson<Record<string, unknown>>(
          'POST',
          `${urlOf('registry')}/admin/rebuild`,
          undefined,
          BUDGET.check,
        );
        expect(rebuild.status).toBe(200);
        expect(await registrySnapshot()).toEqual(before);
      }),
    2 * BUDGET.check,
  );

  it(
    'serves the same state from a restarted registry process on the same schema, without deciding again',
    () =>
      phase('restart the registry process', async () => {
        decided();
        const before = await registrySnapshot();
        const eventIds = (await lineageEvents()).map((e) => e.id);
        const old = services.get('registry')!;
        expect(await stopServices([old], 20_000)).toEqual([]);
        const restarted = startServiceProcess('registry', await freePort(), old.env, logDir);
        services.set('registry', restarted);
        await waitReady(restarted, within(BUDGET.start));
        expect(await registrySnapshot()).toEqual(before);
        expect((await lineageEvents()).map((e) => e.id)).toEqual(eventIds);
      }),
    BUDGET.start + BUDGET.check,
  );

  it(
    'ignores a batch sent again with the same records in another order (no second DataBatchArrived)',
    () =>
      phase('re-send the first batch', async () => {
        const before = await lineageEvents();
        expect(before.filter((e) => e.name === 'DataBatchArrived')).toHaveLength(BATCHES);
        const duplicates = await duplicateBatchesCounted();
        const producer = kafkaClient(infra, `e2e-producer-${ids.runId}`).producer({
          idempotent: true,
          maxInFlightRequests: 1,
        });
        await producer.connect();
        try {
          const seal = fixture[0]!.messages[fixture[0]!.messages.length - 1]!;
          await producer.send({
            topic: ids.topics.records,
            messages: [...fixture[0]!.valid].reverse().concat(seal),
          });
        } finally {
          await producer.disconnect();
        }
        // ingest reports the duplicate on /metrics: the positive signal that it has handled the batch
        await waitFor(
          throttle(500, async () => (await duplicateBatchesCounted()) > duplicates),
          within(BUDGET.followUp),
          'ingest to count the re-sent batch as a duplicate',
        );
        const after = await lineageEvents();
        expect(after.filter((e) => e.name === 'DataBatchArrived')).toHaveLength(BATCHES);
        expect(after.map((e) => e.id)).toEqual(before.map((e) => e.id));
      }),
    BUDGET.followUp + BUDGET.check,
  );

  it(
    'generates text from the champion (409 without one)',
    () =>
      phase('generate from the champion', async () => {
        const champion = championOf(decided());
        const url = `${urlOf('registry')}/lineages/${ids.lineage}/generate`;
        const request = { prompt: 'In the', maxTokens: 24, temperature: 1, topK: 0, seed: 7 };
        const first = await requestJson<{ checkpointId: string; text: string; tokens: number }>(
          'POST',
          url,
          request,
          BUDGET.check,
        );
        if (champion === null) {
          expect(first.status).toBe(409);
          return;
        }
        expect(first.status).toBe(200);
        expect(first.body.checkpointId).toBe(champion);
        expect(typeof first.body.text).toBe('string');
        expect(first.body.tokens).toBeGreaterThan(0);
        expect(first.body.tokens).toBeLessThanOrEqual(request.maxTokens);
        // seeded sampling: the same request gives the same text
        const second = await requestJson<{ text: string }>('POST', url, request, BUDGET.check);
        expect(second.body.text).toBe(first.body.text);
        const tooLong = await requestJson('POST', url, { ...request, maxTokens: 100_000 });
        expect(tooLong.status).toBe(400);
      }),
    2 * BUDGET.check + 10_000,
  );

  it(
    "keeps its consumer groups inside the run: every group reading the run's topics carries its topic prefix",
    () =>
      phase('check consumer-group isolation', async () => {
        // Without the prefix, two runs (or a run and a real deployment) share groups across topics;
        // kafkajs' round-robin assigner ignores subscriptions, so one run's partitions go to the other.
        const admin = kafkaClient(infra, `e2e-admin-${ids.runId}`).admin();
        await admin.connect();
        try {
          const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
          const readers: string[] = [];
          for (const groupId of groups) {
            const offsets = await admin.fetchOffsets({
              groupId,
              topics: [ids.topics.events, ids.topics.records],
            });
            if (offsets.some((t) => t.partitions.some((p) => Number(p.offset) >= 0))) readers.push(groupId);
          }
          expect(readers.length).toBeGreaterThanOrEqual(SERVICES.length);
          expect(readers.filter((g) => !g.startsWith(ids.prefix))).toEqual([]);
        } finally {
          await admin.disconnect();
        }
      }),
    BUDGET.check,
  );
  it(
    'stops every service on SIGTERM within the grace period (no SIGKILL needed)',
    () =>
      phase('stop the services (SIGTERM, SIGKILL after 20 s)', async () => {
        const killed = await stopServices(running(), 20_000);
        expect(killed).toEqual([]);
        // Nest's shutdown hooks re-raise the signal once the app is closed; a clean exit code is as good
        expect(
          running().map((s) => ({ name: s.name, clean: s.exit?.code === 0 || s.exit?.signal === 'SIGTERM' })),
        ).toEqual(SERVICES.map((name) => ({ name, clean: true })));
      }),
    BUDGET.check,
  );
});
