// The four services together on the embedded runtime: three batches, a candidate the policy must
// reject, and a stop/restart in the middle of the run.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnyEvent, EventName } from '@ratchet/contracts';
import { waitFor } from '@ratchet/eventlog/testing';
import { emptyLineage, evolve, isSettled } from '@ratchet/lineage';
import { EmbeddedRuntime, startEmbedded } from './embedded-runtime';

const LINEAGE = 'e2e-lin';
const ENV = {
  RATCHET_TF_BACKEND: 'cpu',
  RATCHET_DEFAULT_PRESET: 'tiny',
  RATCHET_MAX_STEPS: '6',
  RATCHET_EVAL_MAX_TOKENS: '512',
  RATCHET_LOG_LEVEL: process.env.RATCHET_E2E_LOG_LEVEL ?? 'warn',
};

const lines = (topic: string, n = 30) =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ text: `${topic} ${i}: ${topic} is what this batch talks about, sentence ${i % 7}.` }));

describe('Ratchet on the embedded runtime, end to end', () => {
  let dir: string;
  let runtime: EmbeddedRuntime | null = null;

  const start = async () => (runtime = await startEmbedded({ dataDir: dir, env: ENV }));
  const stop = async () => {
    await runtime?.close();
    runtime = null;
  };
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${runtime!.registryUrl}${path}`, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  const upload = async (body: string) => {
    const url = (await runtime!.ingest.getUrl()).replace('[::1]', '127.0.0.1');
    const response = await fetch(`${url}/lineages/${LINEAGE}/batches`, { method: 'POST', body, headers: { 'content-type': 'application/x-ndjson' } });
    return { status: response.status, body: (await response.json()) as { batchId: string; rejected: { position: number; reason: string }[] } };
  };
  const events = async () => (await runtime!.eventLog.read()).map((s) => s.event).filter((e) => e.subject === LINEAGE);
  const settled = async (n: number) => {
    const all = await events();
    return all.reduce(evolve, emptyLineage(LINEAGE)).batches.filter(isSettled).length >= n ? all : null;
  };
  /** Waits for `n` settled batches; on a timeout the error shows where each batch stands. */
  const waitSettled = (n: number, what: string) =>
    waitFor(() => settled(n), 120_000, what).catch(async (error: Error) => {
      const all = await events();
      const state = all.reduce(evolve, emptyLineage(LINEAGE));
      const where = state.batches.map((b) => `${b.batchId}:${b.status}`).join(', ');
      const letters = (await runtime!.eventLog.deadLetters()).map((l) => `${l.group}:${l.event?.name ?? l.raw}:${l.reason}`);
      const checkpoints = await (await api(`/lineages/${LINEAGE}/checkpoints`)).text();
      throw new Error(`${error.message}; batches ${where}; events ${all.map((e) => e.name).join(' ')}; dead letters ${letters.join(' | ') || 'none'}; registry checkpoints ${checkpoints}`);
    });
  const configure = (policy: Record<string, number>) =>
    api(`/lineages/${LINEAGE}/config`, { method: 'PUT', body: JSON.stringify({ preset: 'tiny', strategy: { spec: 'replay+ewc' }, training: { batchSize: 4 }, policy }) });

  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'ratchet-e2e-'))));
  afterEach(async () => {
    await stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('decides every batch exactly once, keeps the champion on a rejection, and survives a restart mid-run', async () => {
    await start();
    expect((await configure({ baselineMargin: 0.01 })).status).toBe(202);

    const first = await upload([...lines('rivers'), '{"text": 42}'].join('\n'));
    expect(first.status).toBe(202);
    expect(first.body.rejected).toEqual([expect.objectContaining({ position: 31, field: 'text', code: 'invalid-field' })]);
    const second = await upload(lines('mountains').join('\n'));
    expect(second.status).toBe(202);

    // Stop everything while the second batch is still on its way, then start again on the same data.
    await waitFor(async () => (await events()).some((e) => e.name === 'CheckpointSaved'), 60_000, 'the first checkpoint');
    await stop();
    await start();
    const afterTwo = await waitSettled(2, 'decisions on two batches');
    const championBefore = afterTwo.reduce(evolve, emptyLineage(LINEAGE)).champion;
    expect(championBefore).not.toBeNull();

    // A policy no candidate can pass: the third candidate must be rejected and the champion stay.
    expect((await configure({ baselineMargin: 0.01, plasticityMargin: 0.99 })).status).toBe(202);
    const third = await upload(lines('deserts').join('\n'));
    expect(third.status).toBe(202);
    const all = await waitSettled(3, 'a decision on the third batch');

    const count = (name: EventName) => all.filter((e) => e.name === name).length;
    expect(count('DataBatchArrived')).toBe(3);
    for (const name of ['IncrementStarted', 'CheckpointSaved', 'RetentionScored'] as const) expect(count(name)).toBe(3);
    expect(count('ModelPromoted') + count('PromotionRejected')).toBe(3);
    expect(new Set(all.map((e) => `${e.source}/${e.id}`)).size).toBe(all.length);

    const decisionOf = (batchId: string): AnyEvent | undefined => {
      const saved = all.find((e) => e.name === 'CheckpointSaved' && e.data.batchId === batchId);
      const id = saved?.name === 'CheckpointSaved' ? saved.data.checkpointId : '';
      return all.find((e) => (e.name === 'ModelPromoted' || e.name === 'PromotionRejected') && e.data.checkpointId === id);
    };
    const rejected = decisionOf(third.body.batchId);
    expect(rejected?.name).toBe('PromotionRejected');
    if (rejected?.name === 'PromotionRejected') {
      expect(rejected.data.rules).toContainEqual(expect.objectContaining({ rule: 'plasticity', passed: false, threshold: 0.99 }));
    }
    const champion = (await (await api(`/lineages/${LINEAGE}/champion`)).json()) as { champion: { checkpointId: string } | null };
    expect(champion.champion?.checkpointId).toBe(championBefore);

    // Each increment started from the champion of its time.
    let state = emptyLineage(LINEAGE);
    const parents: [string | null, string | null][] = [];
    for (const e of all) {
      if (e.name === 'IncrementStarted') parents.push([e.data.parentId, state.champion]);
      state = evolve(state, e);
    }
    expect(parents).toHaveLength(3);
    for (const [parent, championThen] of parents) expect(parent).toBe(championThen);
  }, 400_000);
});
