import 'reflect-metadata';
import { startService } from '@ratchet/service-kit';
import { AppModule, SERVICE } from './app.module';
import { loadEvaluatorConfig } from './config';

async function main(): Promise<void> {
  const config = loadEvaluatorConfig();
  await startService(AppModule.register(config), {
    name: SERVICE,
    config,
    description: 'Scores each checkpoint and the champion on every held-out set of its lineage (RetentionScored)',
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
