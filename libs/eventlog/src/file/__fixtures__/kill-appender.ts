// Child process for the crash test: appends numbered events as fast as it can while a consumer
// group handles them, telling the parent about every append that resolved and every event handled,
// until it is killed.
import { sampleEvent } from '../../testing/sample-event';
import { FileEventLog } from '../file-event-log';

async function main(): Promise<void> {
  const [dir, group] = process.argv.slice(2) as [string, string];
  const log = await FileEventLog.open({ dir });
  await log.subscribe(group, async ({ event }) => void process.send?.({ handled: event.id }));
  for (let n = 0; n < 1_000_000; n++) {
    await log.append([sampleEvent('crash', n)]);
    process.send?.({ appended: `crash-${n}` });
  }
}

void main();
