import { Readable } from 'node:stream';
import { readAll } from '../hashing';
import { splitBody } from './body-head';

describe('splitBody', () => {
  it('takes bytes and strings whole', async () => {
    expect(await splitBody('héllo', 2)).toEqual({ complete: true, bytes: Buffer.from('héllo') });
    const view = new Uint8Array([0, 1, 2, 3]).subarray(1, 3);
    expect(await splitBody(view, 1)).toEqual({ complete: true, bytes: Buffer.from([1, 2]) });
  });

  it('reads a stream that fits the limit into memory', async () => {
    expect(await splitBody(Readable.from([Buffer.from('ab'), Buffer.from('cd')]), 4)).toEqual({ complete: true, bytes: Buffer.from('abcd') });
  });

  it('hands back a longer stream whole, the chunks already read first', async () => {
    async function* chunks() {
      for (const c of ['ab', 'cd', 'ef', 'gh']) yield Buffer.from(c);
    }
    const split = await splitBody(chunks(), 3);
    expect(split.complete).toBe(false);
    if (!split.complete) expect((await readAll(split.stream)).toString()).toBe('abcdefgh');
  });
});
