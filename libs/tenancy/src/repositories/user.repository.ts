import { Injectable } from '@nestjs/common';
import { afterTimeKey, countUpTo, Tables, TimeKeyset, Tx, User } from '@accountlink/db';
import type { Insertable } from 'kysely';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class UserRepository {
  /** The tenant's users, counted up to `limit` (a quota check needs no more). */
  async countInTenant(tx: Tx, tenantId: string, limit: number): Promise<number> {
    return countUpTo(tx, tx.selectFrom('users').where('tenantId', '=', tenantId), limit);
  }

  /** Inserts unless the email is taken in the tenant (then null). */
  async insert(tx: Tx, row: Insertable<Tables.User>): Promise<User | null> {
    const inserted = await tx
      .insertInto('users')
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    return inserted ?? null;
  }

  /** The user, or null (also for an id that is not a UUID, which no user has). */
  async find(tx: Tx, tenantId: string, userId: string): Promise<User | null> {
    if (!UUID.test(userId)) {
      return null;
    }
    const row = await tx
      .selectFrom('users')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('id', '=', userId)
      .executeTakeFirst();
    return row ?? null;
  }

  /** A page in (createdAt, id) order (index: tenantId, createdAt, id): `limit` rows and one more. */
  async page(tx: Tx, tenantId: string, after: TimeKeyset | null, limit: number): Promise<User[]> {
    let query = tx.selectFrom('users').selectAll().where('tenantId', '=', tenantId);
    if (after) {
      query = query.where(afterTimeKey('createdAt', after));
    }
    return query
      .orderBy('createdAt')
      .orderBy('id')
      .limit(limit + 1)
      .execute();
  }
}
