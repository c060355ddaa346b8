export * from './domain/iam-rules';
export * from './domain/trust-policy';
export * from './graphql/role.models';
export * from './iam.module';
export * from './jobs/role-changed.handler';
export * from './role-change-listeners';
export * from './role.service';
export * from './domain/role-lookup';
