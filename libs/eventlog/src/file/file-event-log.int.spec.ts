import { fork } from 'node:child_process';
import { mkdtemp, rm, appendFile, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toJsonLine } from '@ratchet/contracts';
import { describeEventLogContract, sampleEvent, waitFor } from '../testing';
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

  it('after a SIGKILL mid-append keeps every acknowledged event once, and the group resumes where it committed', async () => {
    const child = fork(join(__dirname, '__fixtures__/kill-appender.ts'), [dir, 'crash-group'], {
      execArgv: ['-r', join(__dirname, '../../../../tools/swc-register.js')],
      stdio: 'ignore',
    });
    const appended: string[] = [];
    const handled: string[] = [];
    child.on('message', (m: { appended?: string; handled?: string }) => {
      if (m.appended) appended.push(m.appended);
      if (m.handled) handled.push(m.handled);
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await waitFor(() => appended.length >= 40 && handled.length >= 10, 30_000, 'the child to append and handle');
    child.kill('SIGKILL');
    await exited;

    const log = await FileEventLog.open({ dir });
    const ids = (await log.read()).map((s) => s.event.id);
    expect(new Set(ids).size).toBe(ids.length); // nothing twice
    expect(ids.slice(0, appended.length)).toEqual(appended); // every acknowledged append, in order
    expect(ids.length - appended.length).toBeLessThanOrEqual(1); // at most the append in flight

    // Handled before the kill: committed, except perhaps the one whose commit the kill cut off.
    const lastHandled = Number(handled[handled.length - 1]!.split('-').pop());
    const redelivered: string[] = [];
    const sub = await log.subscribe('crash-group', async ({ event }) => void redelivered.push(event.id));
    await waitFor(() => redelivered.length === ids.length - lastHandled - 1 || redelivered.length === ids.length - lastHandled, 15_000, 'redelivery');
    await sub.stop();
    expect([`crash-${lastHandled}`, `crash-${lastHandled + 1}`]).toContain(redelivered[0]);
    expect(redelivered).toEqual(ids.slice(ids.indexOf(redelivered[0]!)));
    await log.close();
  }, 60_000);

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
