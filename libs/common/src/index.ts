export * from './app-error';
export * from './cursor';
export * from './page';
export * from './regions';
export * from './secrets';
export * from './principal';
export * from './graphql/relay';
export * from './aws-wire';
