import { acc, bwt, forgetting, forgettingPerSet, fwt, plasticity, retention, rMatrix, summarize } from './metrics';

// Hand-computed: three increments, BPB (lower is better), untrained model at 8 bits/byte.
const R = [
  [2.0, 3.0, 4.0],
  [2.5, 1.8, 3.5],
  [2.8, 2.0, 1.5],
];

describe('continual metrics on a hand-computed R matrix', () => {
  it('ACC is the mean of the final row', () => {
    expect(acc(R)).toBeCloseTo((2.8 + 2.0 + 1.5) / 3, 12);
  });

  it('BWT is negative when old sets got worse', () => {
    // ((2.0 − 2.8) + (1.8 − 2.0)) / 2
    expect(bwt(R)).toBeCloseTo(-0.5, 12);
  });

  it('FWT compares the row before each set with the untrained model', () => {
    // ((8 − 3.0) + (8 − 3.5)) / 2
    expect(fwt(R, [8, 8, 8])).toBeCloseTo(4.75, 12);
  });

  it('forgetting is final minus best-since-learned for each old set', () => {
    expect(forgettingPerSet(R).map((x) => Number(x.toFixed(12)))).toEqual([0.8, 0.2]);
    expect(forgetting(R)).toBeCloseTo(0.5, 12);
  });

  it('forgetting counts from the best score, not the score right after learning', () => {
    const r = [
      [2.0, 5.0],
      [1.9, 1.0],
    ];
    // set 0 kept improving to 1.9 in row 1; then a third row raises it to 2.2
    const r3 = [
      [2.0, 5.0, 6.0],
      [1.9, 1.0, 6.0],
      [2.2, 1.1, 1.0],
    ];
    expect(forgettingPerSet(r3).map((x) => Number(x.toFixed(12)))).toEqual([0.3, 0.1]);
    expect(bwt(r3)).toBeCloseTo((2.0 - 2.2 + (1.0 - 1.1)) / 2, 12);
    // improvement only: negative forgetting, positive BWT
    expect(forgetting(r)).toBeCloseTo(-0.1, 12);
    expect(bwt(r)).toBeCloseTo(0.1, 12);
  });

  it('a single increment has no old sets: BWT and forgetting are NaN', () => {
    expect(bwt([[3]])).toBeNaN();
    expect(forgetting([[3]])).toBeNaN();
    expect(acc([[3]])).toBe(3);
  });

  it('rejects a matrix that is not square', () => {
    expect(() => acc([[1, 2]])).toThrow(/1×1/);
  });

  it('summarize bundles the metrics and adds FWT when a baseline is given', () => {
    expect(summarize(R)).not.toHaveProperty('fwt');
    expect(summarize(R, [8, 8, 8]).fwt).toBeCloseTo(4.75, 12);
  });

  it('rMatrix picks scores by set name and marks missing ones NaN', () => {
    const rows = [
      [
        { evalSet: 'b', loss: 2, bpb: 2.9 },
        { evalSet: 'a', loss: 1, bpb: 1.4 },
      ],
      [{ evalSet: 'a', loss: 1.5, bpb: 2.1 }],
    ];
    const m = rMatrix(rows, ['a', 'b']);
    expect(m[0]).toEqual([1.4, 2.9]);
    expect(m[1][0]).toBe(2.1);
    expect(m[1][1]).toBeNaN();
    expect(rMatrix(rows, ['a', 'b'], 'loss')[0]).toEqual([1, 2]);
  });

  it('retention and plasticity are champion minus candidate', () => {
    const champion = [
      { evalSet: 'old', loss: 1, bpb: 1.5 },
      { evalSet: 'new', loss: 2, bpb: 3.0 },
    ];
    const candidate = [
      { evalSet: 'old', loss: 1.1, bpb: 1.6 },
      { evalSet: 'new', loss: 1.5, bpb: 2.0 },
    ];
    const [old] = retention(candidate, champion, ['old']);
    expect(old.evalSet).toBe('old');
    expect(old.gain).toBeCloseTo(-0.1, 12);
    expect(plasticity(candidate, champion, 'new')).toEqual({ evalSet: 'new', candidate: 2.0, champion: 3.0, gain: 1.0 });
  });
});
