export * from './codecatalyst.module';
export * from './domain/space-rules';
export * from './graphql/space.models';
export * from './space.service';
