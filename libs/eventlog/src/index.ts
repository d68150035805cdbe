export * from './port';
export * from './partitioning';
export * from './retry';
export * from './file/file-event-log';
