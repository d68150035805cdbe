export * from './port';
export * from './hashing';
export * from './local/local-object-store';
