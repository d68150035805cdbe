// Learning-rate schedules as pure functions of the global step.

/** Linear warmup from 0 to peakLr, then cosine decay to minLr at totalSteps (and minLr after). */
export interface CosineSchedule {
  kind: 'cosine';
  peakLr: number;
  minLr: number;
  warmupSteps: number;
  totalSteps: number;
}

/**
 * One continual-learning increment that starts at global step `startStep`: re-warm linearly from
 * `startLr` (default minLr, where the previous increment ended) to this increment's peak, then
 * cosine-decay to minLr at startStep + totalSteps.
 */
export interface RewarmSchedule {
  kind: 'rewarm';
  startStep: number;
  peakLr: number;
  minLr: number;
  startLr?: number;
  warmupSteps: number;
  totalSteps: number;
}

/** Warmup-stable-decay: linear warmup, constant peak, then linear decay to minLr over the last decaySteps. */
export interface WsdSchedule {
  kind: 'wsd';
  peakLr: number;
  minLr: number;
  warmupSteps: number;
  decaySteps: number;
  totalSteps: number;
}

export interface ConstantSchedule {
  kind: 'constant';
  lr: number;
}

export type LrSchedule = CosineSchedule | RewarmSchedule | WsdSchedule | ConstantSchedule;

function cosineBetween(from: number, to: number, progress: number): number {
  const p = Math.min(1, Math.max(0, progress));
  return to + 0.5 * (from - to) * (1 + Math.cos(Math.PI * p));
}

/** The learning rate for a 0-based global step. */
export function lrAt(step: number, s: LrSchedule): number {
  switch (s.kind) {
    case 'constant':
      return s.lr;
    case 'cosine':
      if (step < s.warmupSteps) return (s.peakLr * (step + 1)) / s.warmupSteps;
      return cosineBetween(s.peakLr, s.minLr, (step - s.warmupSteps) / Math.max(1, s.totalSteps - s.warmupSteps));
    case 'rewarm': {
      const local = step - s.startStep;
      const start = s.startLr ?? s.minLr;
      if (local < 0) return start;
      if (local < s.warmupSteps) return start + ((s.peakLr - start) * (local + 1)) / s.warmupSteps;
      return cosineBetween(s.peakLr, s.minLr, (local - s.warmupSteps) / Math.max(1, s.totalSteps - s.warmupSteps));
    }
    case 'wsd': {
      if (step < s.warmupSteps) return (s.peakLr * (step + 1)) / s.warmupSteps;
      const decayStart = s.totalSteps - s.decaySteps;
      if (step < decayStart) return s.peakLr;
      const p = Math.min(1, (step - decayStart) / Math.max(1, s.decaySteps));
      return s.peakLr + (s.minLr - s.peakLr) * p;
    }
    default: {
      const never: never = s;
      throw new Error(`unknown schedule ${JSON.stringify(never)}`);
    }
  }
}
