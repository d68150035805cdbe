import { ProgressBar, clock } from './progress-bar';

function capture(): { out: NodeJS.WriteStream; lines: string[] } {
  const lines: string[] = [];
  const out = { isTTY: false, write: (text: string) => lines.push(...text.split('\n').filter((l) => l.length > 0)) };
  return { out: out as unknown as NodeJS.WriteStream, lines };
}

describe('progress bar', () => {
  it('estimates the time left from the rate since its first report, not from when it was made', () => {
    let t = 0;
    const { out, lines } = capture();
    const bar = new ProgressBar('train', out, 10, () => t);
    t = 30_000; // the first report comes late: ten steps were done before anybody heard of them
    bar.update(10, 40);
    t = 40_000; // then 10 more steps in 10 s: 20 left take 20 s
    bar.update(20, 40);
    expect(lines).toEqual(['train [###.......]  25% 10/40 ETA --:-- ', 'train [#####.....]  50% 20/40 ETA 00:20 ']);
  });

  it('prints one line per tenth on a non-terminal and a closing line with the time taken', () => {
    let t = 0;
    const { out, lines } = capture();
    const bar = new ProgressBar('eval', out, 4, () => t);
    for (let done = 1; done <= 20; done++) {
      t += 1000;
      bar.update(done, 20, 'x');
    }
    bar.finish('done');
    expect(lines).toHaveLength(12); // deciles 0 to 10, then the closing line
    expect(lines[11]).toBe('eval [####] 100% in 00:20 done');
  });

  it('formats seconds as mm:ss and an unknown time as --:--', () => {
    expect(clock(0)).toBe('00:00');
    expect(clock(125.4)).toBe('02:05');
    expect(clock(NaN)).toBe('--:--');
  });
});
