export * from './event-log-contract';
export * from './sample-event';
export * from './wait-for';
