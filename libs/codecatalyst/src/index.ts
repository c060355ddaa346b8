export * from './codecatalyst.module';
export * from './domain/space-rules';
export * from './graphql/space.models';
export * from './space.service';
export * from './account-connection.service';
export * from './domain/connection-rules';
export * from './expire-connections';
export * from './graphql/account-connection.models';
