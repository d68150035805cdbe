import { OffsetTracker } from './offset-tracker';

describe('OffsetTracker', () => {
  it('commits past messages that are not held, but never past a record waiting in an open batch', () => {
    const t = new OffsetTracker();
    t.seen(0, 0, false); // a dead-lettered record
    t.seen(0, 1, true);
    t.seen(0, 2, true);
    t.seen(1, 0, false);
    expect([...t.committable()]).toEqual([[0, 1], [1, 1]]);
    t.committedTo(t.committable());
    expect([...t.committable()]).toEqual([]);
    t.release([{ partition: 0, offset: 1 }, { partition: 0, offset: 2 }]);
    expect([...t.committable()]).toEqual([[0, 3]]);
  });

  it('holds the earliest open record even when a later batch sealed first', () => {
    const t = new OffsetTracker();
    t.seen(0, 5, true); // lineage a, still open
    t.seen(0, 6, true); // lineage b
    t.seen(0, 7, true); // lineage b
    t.release([{ partition: 0, offset: 6 }, { partition: 0, offset: 7 }]);
    expect([...t.committable()]).toEqual([[0, 5]]);
    t.release([{ partition: 0, offset: 5 }]);
    expect([...t.committable()]).toEqual([[0, 8]]);
  });

  it('forgets everything on clear()', () => {
    const t = new OffsetTracker();
    t.seen(0, 3, true);
    t.clear();
    expect([...t.committable()]).toEqual([]);
  });
});
