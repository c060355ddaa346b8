import { Inject, Injectable } from '@nestjs/common';
import { AppError, CursorCodec, decodeNameKey, Page, pageSize, toPage } from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { Account, Database, Tx } from '@accountlink/db';
import { AccountRepository } from './repositories/account.repository';
import { randomAccountId, validateAccountAlias, validateAccountId } from './domain/identity-rules';

const RANDOM_ID_ATTEMPTS = 5;

@Injectable()
export class AccountService {
  private readonly cursors: CursorCodec;

  constructor(
    private readonly db: Database,
    private readonly accounts: AccountRepository,
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
    return this.db.withTenant(tenantId, async (tx) => {
      if (input.accountId) {
        const created = await this.accounts.insert(tx, tenantId, input.accountId, alias);
        if (!created) {
          throw AppError.conflict(`Account ${input.accountId} already exists in this tenant`);
        }
        return created;
      }
      for (let attempt = 0; attempt < RANDOM_ID_ATTEMPTS; attempt++) {
        const created = await this.accounts.insert(tx, tenantId, randomAccountId(), alias);
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
    const rows = await this.db.withTenant(tenantId, (tx) =>
      this.accounts.page(tx, tenantId, afterKey, limit),
    );
    return toPage(rows, limit, (row) => this.cursors.encode(scope, [row.accountId]));
  }

  async getAccount(tenantId: string, accountId: string): Promise<Account | null> {
    return this.db.withTenant(tenantId, (tx) => this.accounts.find(tx, tenantId, accountId));
  }
}

/** Throws NOT_FOUND naming the field when the account is not in the tenant. */
export async function requireAccount(
  accounts: AccountRepository,
  tx: Tx,
  tenantId: string,
  accountId: string,
  field = 'accountId',
): Promise<Account> {
  const problem = validateAccountId(accountId);
  if (problem) {
    throw AppError.badInput(field, problem);
  }
  const account = await accounts.find(tx, tenantId, accountId);
  if (!account) {
    throw AppError.notFound(`Account ${accountId} does not exist in this tenant`);
  }
  return account;
}
