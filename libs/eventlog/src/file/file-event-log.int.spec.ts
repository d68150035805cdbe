import { mkdtemp, rm, appendFile, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toJsonLine } from '@ratchet/contracts';
import { describeEventLogContract, sampleEvent } from '../testing';
import { FileEventLog } from './file-event-log';

describeEventLogContract('local files', () => {
  let dir = '';
  return {
    open: async () => {
      dir = await mkdtemp(join(tmpdir(), 'ratchet-log-'));
      return FileEventLog.open({ dir, partitions: 2 });
    },
    reopen: () => FileEventLog.open({ dir }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('FileEventLog crash recovery', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'ratchet-log-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('cuts a torn last line left by a crash mid-append and keeps every complete event', async () => {
    const log = await FileEventLog.open({ dir });
    await log.append([sampleEvent('a', 1), sampleEvent('a', 2)]);
    await log.close();
    const torn = toJsonLine(sampleEvent('a', 3)).slice(0, 40);
    await appendFile(join(dir, 'partition-0.jsonl'), torn);

    const reopened = await FileEventLog.open({ dir });
    expect((await reopened.read()).map((s) => s.event.id)).toEqual(['a-1', 'a-2']);
    await reopened.append([sampleEvent('a', 3)]);
    expect((await reopened.read()).map((s) => s.event.id)).toEqual(['a-1', 'a-2', 'a-3']);
    await reopened.close();
    expect((await readFile(join(dir, 'partition-0.jsonl'), 'utf8')).split('\n').filter(Boolean)).toHaveLength(3);
  });

  it('never reads a line twice or in pieces while refreshes race with appends', async () => {
    const log = await FileEventLog.open({ dir });
    // Subscribers refresh all the time; some refreshes land while an append waits for its fsync.
    let appending = true;
    const refresher = (async () => {
      while (appending) await log.refresh();
    })();
    for (let i = 0; i < 60; i++) await log.append([sampleEvent('a', i)]);
    appending = false;
    await refresher;
    expect((await log.read()).map((s) => s.event.id)).toEqual(Array.from({ length: 60 }, (_, i) => `a-${i}`));
    expect(log.partitions[0]!.events).toHaveLength(60);
    await log.close();
  });

  it('dead-letters a corrupt line with its reason instead of stopping the subscriber', async () => {
    await writeFile(join(dir, 'log.json'), JSON.stringify({ partitions: 1 }));
    await writeFile(join(dir, 'partition-0.jsonl'), toJsonLine(sampleEvent('a', 1)) + '\n{"not":"an event"}\n');
    const log = await FileEventLog.open({ dir });
    const seen: string[] = [];
    const sub = await log.subscribe('g', async ({ event }) => void seen.push(event.id));
    await log.append([sampleEvent('a', 2)]);
    const deadline = Date.now() + 5000;
    while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await sub.stop();
    expect(seen).toEqual(['a-1', 'a-2']);
    const letters = await log.deadLetters();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ group: 'g', event: null, offset: 1, raw: '{"not":"an event"}' });
    expect(letters[0]!.reason).toMatch(/required/);
    await log.close();
  });
});
