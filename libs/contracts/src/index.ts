export * from './result';
export * from './errors';
export * from './text';
export * from './events';
export * from './envelope';
export * from './codec';
export * from './records';
export * from './topics';
export * as schemas from './event-data';
