export * from './config';
export * from './app.module';
export * from './trainer.service';
export * from './lineage-settings';
export * from './increment-job';
