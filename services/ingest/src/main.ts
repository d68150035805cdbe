import { startService } from '@ratchet/service-kit';
import { AppModule, SERVICE } from './app.module';
import { loadIngestConfig } from './config';

async function main(): Promise<void> {
  const config = loadIngestConfig();
  await startService(AppModule.register(config), {
    name: SERVICE,
    config,
    description: 'Accepts raw records (HTTP, a folder, the Kafka records topic), splits and stores batches, emits DataBatchArrived',
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
