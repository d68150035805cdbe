// Scores by (model, eval set, max tokens), least recently used out first: a champion is scored on
// a set once, not once per candidate, and a candidate's own scores serve again when it becomes champion.
import type { SetScore } from './evaluate-set';

export class ScoreCache {
  private readonly entries = new Map<string, SetScore>();
  hits = 0;
  misses = 0;

  constructor(private readonly capacity: number) {}

  static key(modelId: string, set: { batchId: string; sha256: string }, maxTokens: number): string {
    return `${modelId}|${set.batchId}@${set.sha256}|${maxTokens}`;
  }

  get(key: string): SetScore | undefined {
    const score = this.entries.get(key);
    if (score === undefined) {
      this.misses += 1;
      return undefined;
    }
    this.hits += 1;
    this.entries.delete(key);
    this.entries.set(key, score);
    return score;
  }

  set(key: string, score: SetScore): void {
    this.entries.delete(key);
    this.entries.set(key, score);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
