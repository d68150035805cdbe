import { AnyEvent, EventDataOf, EventName, createEvent } from '@ratchet/contracts';
import { ConsoleView } from './console-view';

const sha = 'a'.repeat(64);
const at = new Date(Date.UTC(2026, 0, 1, 12, 34, 56));
const ev = <N extends EventName>(name: N, data: EventDataOf<N>): AnyEvent =>
  createEvent(name, data, { source: 'ratchet/test', subject: 'sotu', correlationid: 'c', time: at }) as AnyEvent;
const arrived = (batchId: string, label?: string) =>
  ev('DataBatchArrived', {
    batchId,
    lineage: 'sotu',
    records: 10,
    bytes: 100,
    rejected: 0,
    contentSha256: sha,
    train: { key: 't', sha256: sha, records: 9, bytes: 90 },
    heldOut: { key: 'h', sha256: sha, records: 1, bytes: 10 },
    source: 'directory',
    ...(label !== undefined ? { label } : {}),
  });

function view(): { view: ConsoleView; lines: string[] } {
  const lines: string[] = [];
  const out = { isTTY: false, write: (text: string) => lines.push(...text.split('\n').filter((l) => l.length > 0)) } as unknown as NodeJS.WriteStream;
  return { view: new ConsoleView(out), lines };
}

describe('console view', () => {
  it("names a batch by the label its DataBatchArrived carries (the folder's name), in its lines and after", () => {
    const { view: v, lines } = view();
    v.event(arrived('ddcc1a00b1234567', 'era1-1790-1835'));
    v.event(ev('IncrementStarted', { batchId: 'ddcc1a00b1234567', checkpointId: 'ck-1', parentId: null, strategy: {}, lrSchedule: {} }));
    expect(lines).toEqual([
      '12:34:56  batch era1-1790-1835 arrived: 10 records, 100 bytes (train 9, held-out 1, rejected 0)',
      '12:34:56  increment started on era1-1790-1835: ck-1 from none',
    ]);
    expect(v.name('ddcc1a00b1234567')).toBe('era1-1790-1835');
  });

  it('falls back to the id of a batch without a label, and keeps the first label of an id', () => {
    const { view: v, lines } = view();
    v.event(arrived('0123456789abcdef'));
    v.event(arrived('fedcba9876543210', 'first'));
    v.event(arrived('fedcba9876543210', 'second'));
    v.event(ev('BatchRejected', { batchId: 'bad0bad0bad0bad0', lineage: 'sotu', reasons: [], rejectedTo: 'dlq', label: 'era9-broken' }));
    expect(v.name('0123456789abcdef')).toBe('0123456789abcdef');
    expect(v.name('fedcba9876543210')).toBe('first');
    expect(lines[0]).toContain('batch 0123456789abcdef arrived');
    expect(lines[3]).toBe('12:34:56  batch era9-broken rejected: 0 bad records');
  });
});
