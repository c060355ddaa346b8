export * from './db-errors';
export * from './db.module';
export * from './owner-pool';
export * from './prisma.service';
export { Prisma } from './generated/prisma/client';
export type {
  Account,
  AccessKey,
  ApiKey,
  OutboxEvent,
  Role,
  Space,
  SpaceMember,
  Tenant,
  User,
} from './generated/prisma/client';
export { ApiKeyKind, SpaceRole, SpaceTier } from './generated/prisma/enums';
export * from './resource-tags';
