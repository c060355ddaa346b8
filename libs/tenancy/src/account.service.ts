import { Inject, Injectable } from '@nestjs/common';
import { AppError, CursorCodec, decodeNameKey, Page, pageSize, toPage } from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { Account, PrismaService, Tx } from '@accountlink/db';
import { randomAccountId, validateAccountAlias, validateAccountId } from './domain/identity-rules';

const RANDOM_ID_ATTEMPTS = 5;

@Injectable()
export class AccountService {
  private readonly cursors: CursorCodec;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cursors = new CursorCodec(config.cursorSecret);
  }

  async createAccount(
    tenantId: string,
    input: { accountId?: string | null; alias?: string | null },
  ): Promise<Account> {
    if (input.accountId !== undefined && input.accountId !== null) {
      const problem = validateAccountId(input.accountId);
      if (problem) {
        throw AppError.badInput('accountId', problem);
      }
    }
    if (input.alias !== undefined && input.alias !== null) {
      const problem = validateAccountAlias(input.alias);
      if (problem) {
        throw AppError.badInput('alias', problem);
      }
    }
    const alias = input.alias ?? null;
    return this.prisma.withTenant(tenantId, async (tx) => {
      if (input.accountId) {
        const created = await insertAccount(tx, tenantId, input.accountId, alias);
        if (!created) {
          throw AppError.conflict(`Account ${input.accountId} already exists in this tenant`);
        }
        return created;
      }
      for (let attempt = 0; attempt < RANDOM_ID_ATTEMPTS; attempt++) {
        const created = await insertAccount(tx, tenantId, randomAccountId(), alias);
        if (created) {
          return created;
        }
      }
      throw AppError.conflict('Could not find an unused account id; try again');
    });
  }

  async listAccounts(
    tenantId: string,
    first?: number | null,
    after?: string | null,
  ): Promise<Page<Account>> {
    const limit = pageSize(first);
    const scope = `${tenantId}:accounts`;
    const afterKey = decodeNameKey(this.cursors, scope, after);
    const rows = await this.prisma.withTenant(tenantId, (tx) =>
      tx.account.findMany({
        where: { tenantId, ...(afterKey ? { accountId: { gt: afterKey } } : {}) },
        orderBy: { accountId: 'asc' },
        take: limit + 1,
      }),
    );
    return toPage(rows, limit, (row) => this.cursors.encode(scope, [row.accountId]));
  }

  async getAccount(tenantId: string, accountId: string): Promise<Account | null> {
    return this.prisma.withTenant(tenantId, (tx) => findAccount(tx, tenantId, accountId));
  }
}

export function findAccount(tx: Tx, tenantId: string, accountId: string): Promise<Account | null> {
  return tx.account.findUnique({ where: { tenantId_accountId: { tenantId, accountId } } });
}

/** Throws NOT_FOUND naming the field when the account is not in the tenant. */
export async function requireAccount(
  tx: Tx,
  tenantId: string,
  accountId: string,
  field = 'accountId',
): Promise<Account> {
  const problem = validateAccountId(accountId);
  if (problem) {
    throw AppError.badInput(field, problem);
  }
  const account = await findAccount(tx, tenantId, accountId);
  if (!account) {
    throw AppError.notFound(`Account ${accountId} does not exist in this tenant`);
  }
  return account;
}

async function insertAccount(
  tx: Tx,
  tenantId: string,
  accountId: string,
  alias: string | null,
): Promise<Account | null> {
  const { count } = await tx.account.createMany({
    data: [{ tenantId, accountId, alias }],
    skipDuplicates: true,
  });
  return count === 0 ? null : findAccount(tx, tenantId, accountId);
}
