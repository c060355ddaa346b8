import { Inject, Injectable } from '@nestjs/common';
import { CursorCodec, decodeNameKey, Page, pageSize, toPage } from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { Database } from '@accountlink/db';
import { ProtonCaller } from './proton-caller';
import { StackRepository, StackRow } from './repositories/stack.repository';

/**
 * The simulated CloudFormation stacks in an account: what the environment account sees of an
 * environment provisioned into it (the environment itself it cannot reach).
 */
@Injectable()
export class StackService {
  private readonly cursors: CursorCodec;

  constructor(
    private readonly db: Database,
    private readonly stacks: StackRepository,
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
    const rows = await this.db.withTenant(caller.tenantId, (tx) =>
      this.stacks.page(tx, caller, afterName, limit),
    );
    return toPage(rows, limit, (row) => this.cursors.encode(scope, [row.name]));
  }

  async get(caller: ProtonCaller, name: string): Promise<StackRow | null> {
    return this.db.withTenant(caller.tenantId, (tx) => this.stacks.find(tx, { ...caller, name }));
  }
}
