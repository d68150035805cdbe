import { stepsForBudget } from './training-config';

describe('the budget of an increment', () => {
  it('in tokens: tokens over the tokens of a step (B·T), rounded up', () => {
    expect(stepsForBudget({ tokens: 8 * 128 * 40 }, 1_000_000, 8, 128, 0)).toBe(40);
    expect(stepsForBudget({ tokens: 8 * 128 * 40 + 1 }, 1_000_000, 8, 128, 0.25)).toBe(41); // replay does not change a token budget
  });

  it('in epochs: passes over the new batch, with room for the replayed share of each step', () => {
    // 10 240 new tokens, 1 024 per step: one epoch is 10 steps without replay ...
    expect(stepsForBudget({ epochs: 1 }, 10_240, 8, 128, 0)).toBe(10);
    expect(stepsForBudget({ epochs: 2.5 }, 10_240, 8, 128, 0)).toBe(25);
    // ... and 40 steps when three quarters of every step is replay (a quarter of each step is new text)
    expect(stepsForBudget({ epochs: 1 }, 10_240, 8, 128, 0.75)).toBe(40);
  });

  it('is at least one step', () => {
    expect(stepsForBudget({ tokens: 1 }, 10, 8, 128, 0)).toBe(1);
    expect(stepsForBudget({ epochs: 0.001 }, 10, 8, 128, 0)).toBe(1);
  });
});
