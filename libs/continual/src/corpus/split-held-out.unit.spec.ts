import { chunkRecords, isHeldOut, splitHeldOut } from './split-held-out';

const records = Array.from({ length: 2000 }, (_, i) => `record number ${i}: some text`);

describe('splitHeldOut', () => {
  it('holds out about the requested fraction, by content only', () => {
    const { train, heldOut } = splitHeldOut(records, { fraction: 0.1 });
    expect(train.length + heldOut.length).toBe(2000);
    expect(heldOut.length).toBeGreaterThan(150);
    expect(heldOut.length).toBeLessThan(250);
  });

  it('gives the same split for the same records in any order', () => {
    const a = new Set(splitHeldOut(records).heldOut);
    const b = new Set(splitHeldOut([...records].reverse()).heldOut);
    expect(b).toEqual(a);
  });

  it('a salt changes the split; fractions 0 and 1 hold out nothing and everything', () => {
    expect(splitHeldOut(records, { salt: 'x' }).heldOut).not.toEqual(splitHeldOut(records).heldOut);
    expect(splitHeldOut(records, { fraction: 0 }).heldOut).toHaveLength(0);
    expect(splitHeldOut(records, { fraction: 1 }).train).toHaveLength(0);
    expect(() => isHeldOut('x', { fraction: 2 })).toThrow(RangeError);
  });

  it('splits objects by their text', () => {
    const objs = records.map((text, id) => ({ id, text }));
    expect(splitHeldOut(objs).heldOut.map((o) => o.text)).toEqual(splitHeldOut(records).heldOut);
  });
});

describe('splitHeldOut with nonEmpty', () => {
  it('holds out the lowest-hash record when the rule held out none, and is a no-op otherwise', () => {
    const few = ['alpha', 'beta', 'gamma'];
    expect(splitHeldOut(few, { fraction: 0 }).heldOut).toEqual([]);
    const forced = splitHeldOut(few, { fraction: 0, nonEmpty: true });
    expect(forced.heldOut).toHaveLength(1);
    expect(forced.train).toHaveLength(2);
    expect(splitHeldOut([...few].reverse(), { fraction: 0, nonEmpty: true }).heldOut).toEqual(forced.heldOut);
    expect(splitHeldOut(few, { fraction: 1, nonEmpty: true }).train).toHaveLength(1);
    expect(splitHeldOut(records, { nonEmpty: true })).toEqual(splitHeldOut(records));
  });
});

describe('chunkRecords', () => {
  it('cuts long records at paragraph breaks and keeps short ones', () => {
    const long = `${'a'.repeat(60)}\n\n${'b'.repeat(60)}\n\n${'c'.repeat(10)}`;
    expect(chunkRecords(['short', long], 100)).toEqual(['short', 'a'.repeat(60), `${'b'.repeat(60)}\n\n${'c'.repeat(10)}`]);
  });

  it('cuts text without breaks at the limit and never loses characters', () => {
    const text = 'x'.repeat(250);
    const parts = chunkRecords([text], 100);
    expect(parts.map((p) => p.length)).toEqual([100, 100, 50]);
    expect(parts.join('')).toBe(text);
  });
});
