export * from './layout';
export * from './checkpoint-store';
export * from './batch-split';
