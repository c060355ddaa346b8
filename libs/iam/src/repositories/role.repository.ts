import { Injectable } from '@nestjs/common';
import { countUpTo } from '@accountlink/db';
import type { Role, Tables, Tx } from '@accountlink/db';
import { sql, type Insertable } from 'kysely';

/**
 * Simulated IAM roles (unique per tenant, account and lower-cased name). Lock order: IAM takes no
 * row locks; a role change is one statement, and what depends on roles locks its own rows.
 */
@Injectable()
export class RoleRepository {
  /** The account's roles, counted up to `limit` (a quota check needs no more). */
  async countInAccount(
    tx: Tx,
    tenantId: string,
    accountId: string,
    limit: number,
  ): Promise<number> {
    return countUpTo(
      tx,
      tx.selectFrom('roles').where('tenantId', '=', tenantId).where('accountId', '=', accountId),
      limit,
    );
  }

  /** Inserts unless the name is taken in the account, regardless of case (then null). */
  async insert(tx: Tx, row: Insertable<Tables.Role>): Promise<Role | null> {
    const inserted = await tx
      .insertInto('roles')
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    return inserted ?? null;
  }

  /**
   * Many roles of one tenant in one statement (unnest: one text whatever their number), each
   * skipped if its name is taken in its account; returns those inserted.
   */
  async insertMany(
    tx: Tx,
    tenantId: string,
    rows: readonly Omit<Insertable<Tables.Role>, 'tenantId' | 'createdAt' | 'updatedAt'>[],
  ): Promise<Role[]> {
    if (rows.length === 0) {
      return [];
    }
    const column = <K extends keyof (typeof rows)[number]>(key: K) => rows.map((r) => r[key]);
    const { rows: inserted } = await sql<Role>`
      INSERT INTO "roles" ("id", "tenantId", "accountId", "roleName", "roleNameKey", "path",
                           "assumeRolePolicyDocument")
      SELECT r.id, ${tenantId}::uuid, r.account, r.name, r.key, r.path, r.doc
      FROM unnest(${column('id')}::uuid[], ${column('accountId')}::text[],
                  ${column('roleName')}::text[], ${column('roleNameKey')}::text[],
                  ${column('path')}::text[], ${column('assumeRolePolicyDocument')}::text[])
           AS r(id, account, name, key, path, doc)
      ON CONFLICT DO NOTHING
      RETURNING *`.execute(tx);
    return inserted;
  }

  async findByNameKey(
    tx: Tx,
    tenantId: string,
    accountId: string,
    roleNameKey: string,
  ): Promise<Role | null> {
    const row = await tx
      .selectFrom('roles')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('accountId', '=', accountId)
      .where('roleNameKey', '=', roleNameKey)
      .executeTakeFirst();
    return row ?? null;
  }

  /** Roles of several accounts by (account, name key), in one query. */
  async findByKeys(
    tx: Tx,
    tenantId: string,
    keys: readonly { accountId: string; roleNameKey: string }[],
  ): Promise<Role[]> {
    if (keys.length === 0) {
      return [];
    }
    return tx
      .selectFrom('roles')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where((eb) =>
        eb.or(
          keys.map((k) =>
            eb.and([eb('accountId', '=', k.accountId), eb('roleNameKey', '=', k.roleNameKey)]),
          ),
        ),
      )
      .execute();
  }

  async updatePolicy(tx: Tx, id: string, document: string, at: Date): Promise<Role> {
    return tx
      .updateTable('roles')
      .set({ assumeRolePolicyDocument: document, updatedAt: at })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async delete(tx: Tx, id: string): Promise<void> {
    await tx.deleteFrom('roles').where('id', '=', id).execute();
  }

  /** A page of an account's roles in name-key order: `limit` rows and one more. */
  async page(
    tx: Tx,
    tenantId: string,
    accountId: string,
    afterKey: string | null,
    limit: number,
  ): Promise<Role[]> {
    let query = tx
      .selectFrom('roles')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('accountId', '=', accountId);
    if (afterKey !== null) {
      query = query.where('roleNameKey', '>', afterKey);
    }
    return query
      .orderBy('roleNameKey')
      .limit(limit + 1)
      .execute();
  }
}
