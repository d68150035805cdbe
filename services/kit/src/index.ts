import 'reflect-metadata';

export * from './config/env';
export * from './runtime/tokens';
export * from './runtime/adapters';
export { kafkaConnection, topicName } from './runtime/production-adapters';
export * from './logging/json-logger';
export * from './health/readiness';
export * from './metrics/metrics';
export * from './events/event-publisher';
export * from './events/event-reactor';
export * from './events/lineage-projection';
export * from './service-kit.module';
export * from './bootstrap';
