import { BatchSealer, SealedBatch } from './batch-sealer';
import { RecordClock } from './record-clock';

const limits = { maxRecords: 3, maxBytes: 1_000, windowMs: 5_000 };
const items = (batches: SealedBatch<string>[]) => batches.map((b) => [b.reason, ...b.items]);

describe('RecordClock', () => {
  it('reads the wall clock until a record is seen, then runs from the newest record timestamp', () => {
    const clock = new RecordClock();
    expect(clock.now(42)).toBe(42);
    clock.observe(1_000, 50_000);
    expect(clock.now(50_000)).toBe(1_000);
    expect(clock.now(53_000)).toBe(4_000);
    clock.observe(500, 53_000); // an older record (another partition) does not move it back
    expect(clock.now(53_000)).toBe(4_000);
    clock.clear();
    expect(clock.now(7)).toBe(7);
  });

  it('given a batch sealed by count the first time, when its records are replayed long after, then a timer tick between them seals nothing and the same batch forms again', () => {
    // First run: r1..r3 at t = 0, 1 s, 2 s, sealed by count. The crash came before the commit.
    const replayAt = 3_600_000;
    const sealer = new BatchSealer<string>(limits);
    const clock = new RecordClock();
    const read = (item: string, timestamp: number, wall: number) => {
      clock.observe(timestamp, wall);
      return sealer.add('a', item, 10, timestamp);
    };
    expect(read('r1', 0, replayAt)).toEqual([]);
    expect(read('r2', 1_000, replayAt + 1)).toEqual([]);
    expect(sealer.due(clock.now(replayAt + 2))).toEqual([]); // the timer ticks mid-replay
    expect(items(read('r3', 2_000, replayAt + 3))).toEqual([['records', 'r1', 'r2', 'r3']]);
  });

  it('the wall clock would have split the replayed batch, which is why the timer uses the record clock', () => {
    const sealer = new BatchSealer<string>(limits);
    sealer.add('a', 'r1', 10, 0);
    sealer.add('a', 'r2', 10, 1_000);
    expect(items(sealer.due(3_600_002))).toEqual([['window', 'r1', 'r2']]);
  });

  it('live, a batch left open is sealed once its window has passed on the wall clock after its last record', () => {
    const sealer = new BatchSealer<string>(limits);
    const clock = new RecordClock();
    for (const [item, t] of [['r1', 10_000], ['r2', 11_000]] as const) {
      clock.observe(t, t);
      sealer.add('a', item, 10, t);
    }
    expect(sealer.due(clock.now(14_999))).toEqual([]);
    expect(items(sealer.due(clock.now(15_000)))).toEqual([['window', 'r1', 'r2']]);
  });
});
