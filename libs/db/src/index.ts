export * from './database';
export * from './db-errors';
export * from './db.module';
export * from './repositories/health.repository';
export * from './rows';
export * from './sql-helpers';
export * from './repositories/resource-tag.repository';
export type { DB } from './generated/kysely/types';
export {
  AccountConnectionStatus,
  ApiKeyKind,
  ConnectionRoleKind,
  DeploymentStatus,
  EnvironmentAccountConnectionStatus,
  RoleValidationStatus,
  SpaceRole,
  SpaceTier,
  TemplateVersionStatus,
} from './generated/kysely/enums';
export type * as Tables from './generated/kysely/types';
export * from './testing/test-database';
