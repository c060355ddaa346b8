export * from './job-map';
export * from './job-producer';
export * from './redis';
