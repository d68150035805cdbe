import { loadConfig, startService } from '@ratchet/service-kit';
import { AppModule } from './app.module';
import { TrainerEnv } from './config';

async function main(): Promise<void> {
  const config = loadConfig(TrainerEnv);
  await startService(AppModule.register(config), { name: 'trainer', config, description: 'Continual-learning increments' });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
