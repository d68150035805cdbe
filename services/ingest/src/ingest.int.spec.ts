// The ingest app on the embedded runtime (file log + local folder store in a temp dir), driven over HTTP.
import { INestApplication } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AnyEvent, EventOf } from '@ratchet/contracts';
import { EventLog } from '@ratchet/eventlog';
import { ObjectStore } from '@ratchet/objectstore';
import { EVENT_LOG, OBJECT_STORE, startService } from '@ratchet/service-kit';
import { AppModule, IngestService, loadIngestConfig } from '.';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const jsonl = (...values: unknown[]) => values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('\n');
const goodRecords = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ text: `${tag} record number ${i}: some text to learn.` }));

describe('ingest app (embedded runtime)', () => {
  let dir: string;
  let app: INestApplication;
  let server: Parameters<typeof request>[0];
  let log: EventLog;
  let store: ObjectStore;

  const events = async (name?: string): Promise<AnyEvent[]> => (await log.read()).map((s) => s.event).filter((e) => !name || e.name === name);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ratchet-ingest-'));
    const config = loadIngestConfig({
      RATCHET_DATA_DIR: join(dir, 'data'),
      RATCHET_HTTP_PORT: '0',
      RATCHET_LOG_LEVEL: 'warn',
      RATCHET_INGEST_DIR_ENABLED: 'true',
      RATCHET_INGEST_MAX_BATCH_BYTES: '200000',
      RATCHET_INGEST_MAX_RECORD_BYTES: '2000',
      RATCHET_SEAL_BYTES: '100000',
    });
    app = await startService(AppModule.register(config), { name: 'ingest', config, embedded: true });
    server = app.getHttpServer();
    log = app.get(EVENT_LOG);
    store = app.get(OBJECT_STORE);
  });

  afterAll(async () => {
    await app?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts the valid lines of a JSONL upload, reports every bad one, stores both splits, then emits DataBatchArrived', async () => {
    const body = jsonl(
      ...goodRecords(3, 'alpha'),
      '{"text": broken',
      { text: 'not mine', lineage: 'other' },
      { text: '' },
      ...goodRecords(4, 'beta'),
      { text: 'y'.repeat(3000) },
    );
    const res = await request(server).post('/lineages/sotu/batches').set('content-type', 'application/x-ndjson').send(body).expect(202);

    expect(res.body.records).toBe(7);
    expect(res.body.batchId).toMatch(/^[0-9a-f]{16}$/);
    expect(res.body.rejected).toEqual([
      { position: 4, field: '', code: 'malformed-json', reason: expect.stringContaining('malformed JSON') },
      { position: 5, field: 'lineage', code: 'lineage-mismatch', reason: 'record is for lineage "other", the batch for "sotu"' },
      { position: 6, field: 'text', code: 'invalid-field', reason: 'must not be empty' },
      { position: 11, field: '', code: 'oversize', reason: expect.stringContaining('limit is 2000') },
    ]);

    const { batchId, train, heldOut } = res.body;
    expect(train.key).toBe(`batches/sotu/${batchId}/train.jsonl`);
    expect(heldOut.key).toBe(`batches/sotu/${batchId}/held-out.jsonl`);
    expect(train.records + heldOut.records).toBe(7);
    expect(train.records).toBeGreaterThanOrEqual(1);
    expect(heldOut.records).toBeGreaterThanOrEqual(1);
    const stored = [];
    for (const split of [train, heldOut]) {
      const bytes = await store.get(split.key);
      expect(sha256(bytes)).toBe(split.sha256);
      expect((await store.stat(split.key))!.sha256).toBe(split.sha256);
      expect(bytes.byteLength).toBe(split.bytes);
      stored.push(...bytes.toString('utf8').trim().split('\n').map((l) => JSON.parse(l)));
    }
    expect(stored.map((r) => r.text).sort()).toEqual([...goodRecords(3, 'alpha'), ...goodRecords(4, 'beta')].map((r) => r.text).sort());
    expect(stored.every((r) => r.lineage === 'sotu')).toBe(true);

    const arrived = (await events('DataBatchArrived')) as EventOf<'DataBatchArrived'>[];
    expect(arrived).toHaveLength(1);
    expect(arrived[0]!.id).toBe(`data-batch-arrived:${batchId}`);
    expect(arrived[0]!.subject).toBe('sotu');
    expect(arrived[0]!.correlationid).toBe(batchId);
    expect(arrived[0]!.data).toEqual({
      batchId,
      lineage: 'sotu',
      records: 7,
      bytes: train.bytes + heldOut.bytes,
      rejected: 4,
      contentSha256: res.body.contentSha256,
      train,
      heldOut,
      source: 'http',
      rejectedTo: `rejected/sotu/${batchId}.jsonl`,
    });
    // the rejected lines are kept beside the batch with their reasons and their text as sent
    expect(res.body.rejectedTo).toBe(`rejected/sotu/${batchId}.jsonl`);
    const kept = (await store.get(res.body.rejectedTo)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(kept.map((r: { position: number; code: string }) => [r.position, r.code])).toEqual([
      [4, 'malformed-json'],
      [5, 'lineage-mismatch'],
      [6, 'invalid-field'],
      [11, 'oversize'],
    ]);
    expect(kept[0].raw).toBe('{"text": broken');
  });

  it('answers the same upload again with 200 {duplicateOf} and emits nothing', async () => {
    const body = jsonl(...goodRecords(5, 'gamma'));
    const first = await request(server).post('/lineages/dup/batches').set('content-type', 'application/jsonl').send(body).expect(202);
    const again = await request(server).post('/lineages/dup/batches').set('content-type', 'application/jsonl').send(body).expect(200);
    expect(again.body).toEqual({ duplicateOf: first.body.batchId, rejected: [] });
    // the same records in another order, with a bad line added, are the same batch
    const reordered = jsonl(...goodRecords(5, 'gamma').reverse(), '{oops');
    const third = await request(server).post('/lineages/dup/batches').set('content-type', 'application/x-ndjson').send(reordered).expect(200);
    expect(third.body.duplicateOf).toBe(first.body.batchId);
    expect(third.body.rejected).toEqual([expect.objectContaining({ position: 6, code: 'malformed-json' })]);
    const arrived = (await events('DataBatchArrived')).filter((e) => e.subject === 'dup');
    expect(arrived).toHaveLength(1);
  });

  it('recognises a duplicate after a restart (the projection is rebuilt from the log)', async () => {
    const body = jsonl(...goodRecords(4, 'restart'));
    const first = await request(server).post('/lineages/restart/batches').set('content-type', 'application/x-ndjson').send(body).expect(202);
    const config = loadIngestConfig({ RATCHET_DATA_DIR: join(dir, 'data'), RATCHET_HTTP_PORT: '0', RATCHET_LOG_LEVEL: 'warn' });
    const second = await startService(AppModule.register(config, { eventLog: log, objectStore: store }), { name: 'ingest', config, embedded: true });
    try {
      const again = await request(second.getHttpServer()).post('/lineages/restart/batches').set('content-type', 'application/x-ndjson').send(body).expect(200);
      expect(again.body.duplicateOf).toBe(first.body.batchId);
    } finally {
      await second.close();
    }
  });

  it('rejects a batch with no valid record: 422 with every reason, BatchRejected with where the lines went', async () => {
    const body = jsonl('nope', { text: 'x', lineage: 'elsewhere' }, { text: 1 });
    const res = await request(server).post('/lineages/bad/batches').set('content-type', 'application/x-ndjson').send(body).expect(422);
    expect(res.body.rejected.map((r: { position: number; code: string }) => [r.position, r.code])).toEqual([
      [1, 'malformed-json'],
      [2, 'lineage-mismatch'],
      [3, 'invalid-field'],
    ]);
    const rejected = (await events('BatchRejected')).filter((e) => e.subject === 'bad') as EventOf<'BatchRejected'>[];
    expect(rejected).toHaveLength(1);
    const data = rejected[0]!.data;
    expect(data.batchId).toBe(res.body.batchId);
    expect(data.reasons.map((r) => r.position)).toEqual([1, 2, 3]);
    expect(data.reasons[1]!.reason).toContain('lineage-mismatch');
    expect(data.rejectedTo).toBe(`rejected/bad/${data.batchId}.jsonl`);
    const kept = (await store.get(data.rejectedTo)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(kept.map((k) => k.raw)).toEqual(['nope', '{"text":"x","lineage":"elsewhere"}', '{"text":1}']);
    expect((await events('DataBatchArrived')).filter((e) => e.subject === 'bad')).toEqual([]);
  });

  it('rejects a batch of a single valid record (nothing to hold out) with 422', async () => {
    const res = await request(server).post('/lineages/lonely/batches').set('content-type', 'application/x-ndjson').send(jsonl({ text: 'alone' })).expect(422);
    expect(res.body.rejected).toEqual([expect.objectContaining({ position: 1, code: 'batch-too-small' })]);
  });

  it('names an upload by its label query parameter; the label changes neither the batch id nor duplicate detection', async () => {
    const body = jsonl(...goodRecords(3, 'labelled'));
    const label = '1790–1835 Federalist & "Jeffersonian" era';
    const first = await request(server).post('/lineages/labelled/batches').query({ label }).set('content-type', 'application/x-ndjson').send(body).expect(202);
    expect(first.body).toMatchObject({ status: 'accepted', label });
    const arrived = (await events('DataBatchArrived')).filter((e) => e.subject === 'labelled') as EventOf<'DataBatchArrived'>[];
    expect(arrived.map((e) => [e.data.batchId, e.data.label])).toEqual([[first.body.batchId, label]]);

    // the same records under another label, or none, are the same batch: nothing new, the first label stays
    const relabelled = await request(server).post('/lineages/labelled/batches?label=another%20name').set('content-type', 'application/x-ndjson').send(body).expect(200);
    expect(relabelled.body).toEqual({ duplicateOf: first.body.batchId, rejected: [] });
    await request(server).post('/lineages/labelled/batches').set('content-type', 'application/x-ndjson').send(body).expect(200);
    expect((await events('DataBatchArrived')).filter((e) => e.subject === 'labelled')).toHaveLength(1);

    // an unlabelled upload gets the id the labelled one would have had
    const plain = await request(server).post('/lineages/unlabelled/batches').set('content-type', 'application/x-ndjson').send(body).expect(202);
    expect(plain.body).not.toHaveProperty('label');
    const labelledLater = await request(server).post('/lineages/unlabelled/batches').query({ label }).set('content-type', 'application/x-ndjson').send(body).expect(200);
    expect(labelledLater.body.duplicateOf).toBe(plain.body.batchId);
    const unlabelled = (await events('DataBatchArrived')).filter((e) => e.subject === 'unlabelled') as EventOf<'DataBatchArrived'>[];
    expect(unlabelled).toHaveLength(1);
    expect(unlabelled[0]!.data).not.toHaveProperty('label');
  });

  it('answers 400 naming the reason for a bad label, and stores and emits nothing', async () => {
    const body = jsonl(...goodRecords(3, 'badlabel'));
    const post = (query: string) => request(server).post(`/lineages/badlabel/batches?${query}`).set('content-type', 'application/x-ndjson').send(body).expect(400);
    expect((await post('label=')).body.message).toBe('label must not be empty');
    expect((await post('label=two%0Alines')).body.message).toBe('label must not contain control characters');
    expect((await post(`label=${'x'.repeat(121)}`)).body.message).toBe('label must be at most 120 characters');
    expect((await post('label=a&label=b')).body.message).toBe('label must be given once, as text');
    expect((await events()).filter((e) => e.subject === 'badlabel')).toEqual([]);
    expect(await store.list('batches/badlabel/')).toEqual([]);
    // the label is good to go once it is valid
    await request(server).post('/lineages/badlabel/batches?label=fixed').set('content-type', 'application/x-ndjson').send(body).expect(202);
  });

  it('keeps the label of a batch that is rejected as a whole on BatchRejected', async () => {
    const res = await request(server).post('/lineages/bad-labelled/batches?label=all%20bad').set('content-type', 'application/x-ndjson').send(jsonl('nope', 'nope again')).expect(422);
    expect(res.body.label).toBe('all bad');
    const rejected = (await events('BatchRejected')).filter((e) => e.subject === 'bad-labelled') as EventOf<'BatchRejected'>[];
    expect(rejected.map((e) => [e.data.batchId, e.data.label])).toEqual([[res.body.batchId, 'all bad']]);
  });

  it('answers 413 beyond the batch limit, 415 for other content types, 400 for a bad lineage', async () => {
    await request(server).post('/lineages/big/batches').set('content-type', 'text/plain').send('z'.repeat(250_000)).expect(413);
    await request(server).post('/lineages/big/batches').set('content-type', 'application/xml').send('<a/>').expect(415);
    await request(server).post('/lineages/Bad Name!/batches').set('content-type', 'text/plain').send('a\n\nb').expect(400);
  });

  it('cuts a plain-text upload into records at paragraph breaks', async () => {
    const text = 'First paragraph.\n\nSecond paragraph,\nstill second.\n\nThird.';
    const res = await request(server).post('/lineages/plain/batches').set('content-type', 'text/plain').send(text).expect(202);
    expect(res.body.records).toBe(3);
    const texts = [];
    for (const split of [res.body.train, res.body.heldOut]) texts.push(...(await store.get(split.key)).toString().trim().split('\n').map((l) => JSON.parse(l).text));
    expect(texts.sort()).toEqual(['First paragraph.', 'Second paragraph,\nstill second.', 'Third.']);
  });

  it('ingests a benchmark-style folder, one batch per sub-folder in name order, by method and over HTTP', async () => {
    const corpus = join(dir, 'corpus');
    await mkdir(join(corpus, '001-early'), { recursive: true });
    await mkdir(join(corpus, '002-late'), { recursive: true });
    await writeFile(join(corpus, '001-early', 'a.txt'), 'An early document.');
    await writeFile(join(corpus, '001-early', 'b.jsonl'), `${jsonl({ text: 'early line one' }, { text: 'early line two' }, 'garbage')}\n`);
    await writeFile(join(corpus, '002-late', 'c.txt'), 'A late document.');
    await writeFile(join(corpus, '002-late', 'd.txt'), 'Another late document.');

    const outcomes = await app.get(IngestService).ingestDirectory(corpus, 'folder');
    expect(outcomes.map((o) => [o.folder, o.outcome.status])).toEqual([
      ['001-early', 'accepted'],
      ['002-late', 'accepted'],
    ]);
    const early = outcomes[0]!.outcome;
    if (early.status !== 'accepted') throw new Error('expected the early batch to be accepted');
    expect(early.records).toBe(3);
    expect(early.rejected).toEqual([expect.objectContaining({ position: 3, code: 'malformed-json' })]);
    const arrived = (await events('DataBatchArrived')).filter((e) => e.subject === 'folder') as EventOf<'DataBatchArrived'>[];
    expect(arrived.map((e) => [e.data.source, e.data.records, e.data.label])).toEqual([
      ['directory', 3, '001-early'],
      ['directory', 2, '002-late'],
    ]);

    // over HTTP the same folder is recognised batch by batch
    const res = await request(server).post('/lineages/folder/batches:from-directory').send({ path: corpus }).expect(200);
    expect(res.body.batches.map((b: { folder: string; status: string; duplicateOf: string }) => [b.folder, b.status, b.duplicateOf])).toEqual([
      ['001-early', 'duplicate', early.batchId],
      ['002-late', 'duplicate', arrived[1]!.data.batchId],
    ]);
  });

  it('exports the ingest metrics', async () => {
    const metrics = await request(server).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/ratchet_ingest_records_accepted_total\{[^}]*source="http"[^}]*\} \d+/);
    expect(metrics.text).toMatch(/ratchet_ingest_records_rejected_total\{[^}]*code="lineage-mismatch"[^}]*\} [1-9]/);
    expect(metrics.text).toMatch(/ratchet_ingest_batches_total\{[^}]*outcome="duplicate"[^}]*\} [1-9]/);
  });
});
