// Two small, very different batches (prose, then code) and the tiny model the increment specs train.
import { configFromName } from '@ratchet/gpt';

export const bytes = (text: string, repeat: number): Uint8Array => new TextEncoder().encode(text.repeat(repeat));
export const batchA = { id: 'a', tokens: bytes('the cat sat on the mat. ', 20) };
export const batchB = { id: 'b', tokens: bytes('function f(x) { return x + 1; }\n', 20) };
export const config = configFromName('tiny');
