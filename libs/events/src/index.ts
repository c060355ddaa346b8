export * from './event-bus';
export * from './event-message';
export * from './event-routing';
export * from './outbox.module';
export * from './repositories/outbox.repository';
export * from './outbox-relay';
export * from './events.module';
export * from './graphql/tenant-events.resolver';
