export * from './state';
export * from './evolve';
export * from './queries';
