export * from './object-store-contract';
