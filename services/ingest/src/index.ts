import 'reflect-metadata';

export { AppModule, SERVICE } from './app.module';
export { IngestEnv, IngestConfig, loadIngestConfig, recordLimits, kafkaConsumerEnabled } from './config';
export { IngestService, IngestOutcome, IngestRequest, IngestSource, DirectoryOutcome, SplitInfo } from './ingest.service';
export { Rejection } from './batch/rejection';
export { BatchSealer, SealedBatch, SealReason, SealerLimits } from './kafka/batch-sealer';
export { RecordsConsumer } from './kafka/records.consumer';
