import { Inject, Injectable } from '@nestjs/common';
import { CursorCodec, decodeNameKey, Page, pageSize, toPage } from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { Prisma, PrismaService } from '@accountlink/db';
import { ProtonCaller } from './proton-caller';

export type StackRow = Prisma.StackGetPayload<object>;

/**
 * The simulated CloudFormation stacks in an account: what the environment account sees of an
 * environment provisioned into it (the environment itself it cannot reach).
 */
@Injectable()
export class StackService {
  private readonly cursors: CursorCodec;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cursors = new CursorCodec(config.cursorSecret);
  }

  /** The caller's account's stacks in its region, in name order. */
  async list(
    caller: ProtonCaller,
    first?: number | null,
    after?: string | null,
  ): Promise<Page<StackRow>> {
    const limit = pageSize(first);
    const scope = `stk:${caller.tenantId}:${caller.accountId}:${caller.region}`;
    const afterName = decodeNameKey(this.cursors, scope, after);
    const rows = await this.prisma.withTenant(caller.tenantId, (tx) =>
      tx.stack.findMany({
        where: {
          tenantId: caller.tenantId,
          accountId: caller.accountId,
          region: caller.region,
          ...(afterName ? { name: { gt: afterName } } : {}),
        },
        orderBy: { name: 'asc' },
        take: limit + 1,
      }),
    );
    return toPage(rows, limit, (row) => this.cursors.encode(scope, [row.name]));
  }

  async get(caller: ProtonCaller, name: string): Promise<StackRow | null> {
    return this.prisma.withTenant(caller.tenantId, (tx) =>
      tx.stack.findUnique({
        where: {
          tenantId_accountId_region_name: {
            tenantId: caller.tenantId,
            accountId: caller.accountId,
            region: caller.region,
            name,
          },
        },
      }),
    );
  }
}
