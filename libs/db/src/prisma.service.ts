import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { Prisma, PrismaClient } from './generated/prisma/client';

/** The transaction handle services receive. Never the global client. */
export type Tx = Prisma.TransactionClient;

export interface TenantTxOptions {
  isolationLevel?: Prisma.TransactionIsolationLevel;
  /** Also take this transaction-scoped advisory lock, in the same round trip as the tenant. */
  lockKey?: string;
}

/**
 * The runtime database connection, as the non-owner application role. Tenant data is reachable
 * only through `withTenant`, which sets the tenant for the transaction so row-level security lets
 * exactly that tenant's rows through.
 */
@Injectable()
export class PrismaService implements OnModuleDestroy {
  private readonly logger = new Logger(PrismaService.name);
  readonly client: PrismaClient;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.client = new PrismaClient({
      adapter: new PrismaPg({
        connectionString: config.appDatabaseUrl,
        max: config.databasePoolSize,
        application_name: 'accountlink',
      }),
    });
  }

  /** Runs `fn` in one transaction with the tenant set; every write in it commits or none does. */
  async withTenant<T>(
    tenantId: string,
    fn: (tx: Tx) => Promise<T>,
    options: TenantTxOptions = {},
  ): Promise<T> {
    return this.client.$transaction(
      async (tx) => {
        if (options.lockKey) {
          await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true), pg_advisory_xact_lock(hashtext(${options.lockKey}))`;
        } else {
          await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
        }
        return fn(tx);
      },
      { isolationLevel: options.isolationLevel, maxWait: 5_000, timeout: 15_000 },
    );
  }

  /** A transaction with no tenant set: only the definer functions (authentication) answer. */
  async withoutTenant<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.client.$transaction(fn);
  }

  async onModuleDestroy(): Promise<void> {
    await this.client
      .$disconnect()
      .catch((error: unknown) => this.logger.warn(`disconnect: ${String(error)}`));
  }
}
