import { SerialQueue } from './serial-queue';

describe('serial queue', () => {
  it('runs one job at a time in order, each key once while queued, and survives a failing job', async () => {
    const errors: string[] = [];
    const queue = new SerialQueue((key) => errors.push(key));
    const log: string[] = [];
    let running = 0;
    const job = (name: string, fail = false) => async () => {
      running += 1;
      expect(running).toBe(1);
      log.push(`start ${name}`);
      await new Promise((resolve) => setImmediate(resolve));
      log.push(`end ${name}`);
      running -= 1;
      if (fail) throw new Error(name);
    };
    expect(queue.add('a', job('a', true))).toBe(true);
    expect(queue.add('b', job('b'))).toBe(true);
    expect(queue.add('a', job('a again'))).toBe(false);
    expect(queue.size).toBe(2);
    await queue.idle();
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
    expect(errors).toEqual(['a']);
    expect(queue.size).toBe(0);
    expect(queue.add('a', job('a later'))).toBe(true);
    await queue.idle();
    expect(log.at(-1)).toBe('end a later');
  });

  it('waits in idle() for jobs that queue further jobs, and runs none after stop()', async () => {
    const queue = new SerialQueue(() => undefined);
    const ran: string[] = [];
    queue.add('first', async () => {
      ran.push('first');
      queue.add('second', async () => {
        ran.push('second');
      });
    });
    await queue.idle();
    expect(ran).toEqual(['first', 'second']);
    queue.stop();
    expect(queue.add('third', async () => void ran.push('third'))).toBe(false);
    await queue.idle();
    expect(ran).toEqual(['first', 'second']);
  });
});
