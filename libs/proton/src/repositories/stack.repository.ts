import { Injectable } from '@nestjs/common';
import { jsonb, Stack, Tx } from '@accountlink/db';
import { sql } from 'kysely';

export type StackRow = Stack;

export interface StackKey {
  tenantId: string;
  accountId: string;
  region: string;
  name: string;
}

/** Simulated CloudFormation stacks in target accounts (primary key: tenant, account, region, name). */
@Injectable()
export class StackRepository {
  async find(tx: Tx, key: StackKey): Promise<StackRow | null> {
    const row = await tx
      .selectFrom('stacks')
      .selectAll()
      .where('tenantId', '=', key.tenantId)
      .where('accountId', '=', key.accountId)
      .where('region', '=', key.region)
      .where('name', '=', key.name)
      .executeTakeFirst();
    return row ?? null;
  }

  /** A page of an account's stacks in name order: `limit` rows and one more. */
  async page(
    tx: Tx,
    scope: Omit<StackKey, 'name'>,
    afterName: string | null,
    limit: number,
  ): Promise<StackRow[]> {
    let query = tx
      .selectFrom('stacks')
      .selectAll()
      .where('tenantId', '=', scope.tenantId)
      .where('accountId', '=', scope.accountId)
      .where('region', '=', scope.region);
    if (afterName !== null) {
      query = query.where('name', '>', afterName);
    }
    return query
      .orderBy('name')
      .limit(limit + 1)
      .execute();
  }

  /** Creates the stack (CREATE_COMPLETE) or updates it (UPDATE_COMPLETE), with these outputs. */
  async put(
    tx: Tx,
    key: StackKey,
    environmentArn: string,
    outputs: readonly { key: string; valueString: string }[],
  ): Promise<void> {
    await tx
      .insertInto('stacks')
      .values({ ...key, environmentArn, status: 'CREATE_COMPLETE', outputs: jsonb(outputs) })
      .onConflict((oc) =>
        oc.columns(['tenantId', 'accountId', 'region', 'name']).doUpdateSet({
          status: 'UPDATE_COMPLETE',
          outputs: jsonb(outputs),
          lastModifiedAt: sql`now()`,
        }),
      )
      .execute();
  }

  async delete(tx: Tx, key: StackKey): Promise<void> {
    await tx
      .deleteFrom('stacks')
      .where('tenantId', '=', key.tenantId)
      .where('accountId', '=', key.accountId)
      .where('region', '=', key.region)
      .where('name', '=', key.name)
      .execute();
  }
}
