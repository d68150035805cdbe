export * from './port';
export * from './hashing';
export * from './local/local-object-store';
export * from './s3/s3-config';
export * from './s3/s3-metadata';
export * from './s3/s3-object-store';
