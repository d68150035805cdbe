// The registry service: read models of every event, the promotion guard, the HTTP API.
import 'reflect-metadata';
import { startService } from '@ratchet/service-kit';
import { AppModule } from './app.module';
import { REGISTRY_SERVICE, loadRegistryConfig } from './config';

async function main(): Promise<void> {
  const config = loadRegistryConfig();
  await startService(AppModule.register(config), {
    name: REGISTRY_SERVICE,
    config,
    description: 'Lineages, checkpoints, the retention matrix, champion history, rollback, text generation, dashboard',
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
