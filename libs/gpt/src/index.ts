export * from './config';
export * from './tokenizer';
export * from './rng';
export * from './backend';
export * from './model';
