// Child process for the crash test: writes `key` slowly, chunk by chunk, until it is killed.
import { LocalObjectStore } from '../local-object-store';

async function main(): Promise<void> {
  const [root, key] = process.argv.slice(2) as [string, string];
  const store = await LocalObjectStore.open(root);
  async function* slowly(): AsyncGenerator<Buffer> {
    for (let i = 0; i < 10_000; i++) {
      yield Buffer.alloc(64 * 1024, i % 256);
      if (i === 3) process.send?.('writing');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  await store.put(key, slowly());
}

void main();
