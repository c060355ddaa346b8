export * from './event-bus';
export * from './event-message';
export * from './event-routing';
export * from './outbox';
export * from './outbox-relay';
export * from './events.module';
export * from './graphql/tenant-events.resolver';
