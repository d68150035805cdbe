// Wall time of each phase of the run, printed at the end (figures for the report, never asserted).

export class PhaseTimer {
  private readonly started = Date.now();
  private readonly phases: { name: string; ms: number; ok: boolean }[] = [];

  async time<T>(name: string, work: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    try {
      const result = await work();
      this.phases.push({ name, ms: Date.now() - t0, ok: true });
      return result;
    } catch (error) {
      this.phases.push({ name, ms: Date.now() - t0, ok: false });
      throw error;
    }
  }

  report(title: string): string {
    const width = Math.max(...this.phases.map((p) => p.name.length), 5);
    const lines = this.phases.map(
      (p) =>
        `  ${p.name.padEnd(width)}  ${(p.ms / 1000).toFixed(1).padStart(7)} s${p.ok ? '' : '  (failed)'}`,
    );
    return [
      `${title}`,
      ...lines,
      `  ${'total'.padEnd(width)}  ${((Date.now() - this.started) / 1000).toFixed(1).padStart(7)} s`,
    ].join('\n');
  }
}
