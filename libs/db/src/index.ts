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
  Tenant,
} from './generated/prisma/client';
export { ApiKeyKind } from './generated/prisma/enums';
