import { BATCH_LABEL_MAX, batchLabelProblem } from '@ratchet/contracts';
import { labelOfFolder } from './directory-batches';

describe('labelOfFolder', () => {
  it('keeps a folder name that is a valid label as it is', () => {
    expect(labelOfFolder('era1-1790-1835')).toBe('era1-1790-1835');
    expect(labelOfFolder('1861–1900 Civil War & after')).toBe('1861–1900 Civil War & after');
  });

  it('turns control characters into spaces and leaves nothing for a name of blanks', () => {
    expect(labelOfFolder('two\nlines\t')).toBe('two lines');
    expect(labelOfFolder(' \u0007 ')).toBeUndefined();
  });

  it('cuts a long name to a valid label ending in an ellipsis, never inside a surrogate pair', () => {
    const long = labelOfFolder('a'.repeat(BATCH_LABEL_MAX + 30))!;
    expect(long).toHaveLength(BATCH_LABEL_MAX);
    expect(long.endsWith('a…')).toBe(true);
    const emoji = labelOfFolder('😀'.repeat(BATCH_LABEL_MAX))!;
    expect(batchLabelProblem(emoji)).toBeNull();
    expect(emoji).toBe(`${'😀'.repeat((BATCH_LABEL_MAX - 2) / 2)}…`);
  });
});
