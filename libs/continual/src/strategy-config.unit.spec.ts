import { DEFAULT_STRATEGY, parseStrategy, strategyProblems, withStrategy } from './strategy-config';

describe('strategy config', () => {
  it('parses combinations and switches on exactly the named parts', () => {
    const s = parseStrategy('replay+ewc');
    expect([s.replay.enabled, s.ewc.enabled, s.l2Anchor.enabled, s.distill.enabled]).toEqual([true, true, false, false]);
    const naive = parseStrategy('naive', withStrategy(DEFAULT_STRATEGY, { ewc: { enabled: true } }));
    expect(naive.ewc.enabled).toBe(false);
    expect(parseStrategy('distill + l2').distill.enabled).toBe(true);
  });

  it('keeps weights from the base config', () => {
    const base = withStrategy(DEFAULT_STRATEGY, { replay: { ratio: 0.25 } });
    expect(parseStrategy('replay', base).replay).toMatchObject({ enabled: true, ratio: 0.25, capacity: 4096 });
  });

  it('rejects unknown names and out-of-range weights', () => {
    expect(() => parseStrategy('replay+magic')).toThrow(/unknown strategy "magic"/);
    expect(strategyProblems(DEFAULT_STRATEGY)).toEqual([]);
    expect(strategyProblems(withStrategy(DEFAULT_STRATEGY, { replay: { ratio: 1 }, ewc: { gamma: 2 } }))).toHaveLength(2);
  });

  it('refuses distillation without replay: it distils on replayed text only', () => {
    expect(strategyProblems(parseStrategy('distill'))).toEqual([expect.stringMatching(/^distill\.enabled needs replay/)]);
    expect(strategyProblems(withStrategy(parseStrategy('replay+distill'), { replay: { ratio: 0 } }))).toHaveLength(1);
    expect(strategyProblems(parseStrategy('replay+distill'))).toEqual([]);
  });
});
