import { Injectable } from '@nestjs/common';
import { indexBy } from '@accountlink/common';
import {
  type EnvironmentTemplate,
  type RowLock,
  type Tables,
  type Tx,
  withLock,
} from '@accountlink/db';
import { Insertable, sql, Updateable } from 'kysely';
import type { EnvironmentScope } from './environment.repository';

export type TemplateRow = EnvironmentTemplate;

/** Environment templates (unique per tenant, account, region and name). */
@Injectable()
export class TemplateRepository {
  /** The template quota and the templates counted up to it, in one round trip. */
  async createPreconditions(
    tx: Tx,
    scope: EnvironmentScope,
  ): Promise<{ quota: number; used: number }> {
    const { rows } = await sql<{ quota: number; used: number }>`
      WITH t AS (SELECT "templateQuota" AS "quota" FROM "tenants" WHERE "id" = ${scope.tenantId}::uuid)
      SELECT t."quota",
             (SELECT count(*)::int FROM (SELECT 1 FROM "environment_templates"
                 WHERE "tenantId" = ${scope.tenantId}::uuid AND "accountId" = ${scope.accountId}
                   AND "region" = ${scope.region} LIMIT t."quota") c) AS "used"
        FROM t`.execute(tx);
    const row = rows[0];
    if (!row) {
      throw new Error('the tenant of the transaction does not exist');
    }
    return row;
  }

  /** Inserts unless the name is taken (then null). */
  async insert(tx: Tx, row: Insertable<Tables.EnvironmentTemplate>): Promise<TemplateRow | null> {
    const inserted = await tx
      .insertInto('environment_templates')
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    return inserted ?? null;
  }

  async findByName(
    tx: Tx,
    scope: EnvironmentScope,
    name: string,
    lock: RowLock | null = null,
  ): Promise<TemplateRow | null> {
    const query = tx
      .selectFrom('environment_templates')
      .selectAll()
      .where('tenantId', '=', scope.tenantId)
      .where('accountId', '=', scope.accountId)
      .where('region', '=', scope.region)
      .where('name', '=', name);
    return (await withLock(query, lock).executeTakeFirst()) ?? null;
  }

  async findById(tx: Tx, id: string): Promise<TemplateRow | null> {
    const row = await tx
      .selectFrom('environment_templates')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ?? null;
  }

  /** Templates by id, in the order asked (null for those that do not exist). */
  async byIds(tx: Tx, tenantId: string, ids: readonly string[]): Promise<(TemplateRow | null)[]> {
    if (ids.length === 0) {
      return [];
    }
    const rows = await tx
      .selectFrom('environment_templates')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('id', 'in', [...ids])
      .execute();
    return indexBy(ids, rows, (r) => r.id);
  }

  /** A page in name order (the unique key is the index): `limit` rows and one more. */
  async page(
    tx: Tx,
    scope: EnvironmentScope,
    afterName: string | null,
    limit: number,
  ): Promise<TemplateRow[]> {
    let query = tx
      .selectFrom('environment_templates')
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

  /** The account's templates in a region (GetResourcesSummary). */
  async count(tx: Tx, scope: EnvironmentScope): Promise<number> {
    const row = await tx
      .selectFrom('environment_templates')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('tenantId', '=', scope.tenantId)
      .where('accountId', '=', scope.accountId)
      .where('region', '=', scope.region)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** UpdateEnvironmentTemplate's changes (display name, description). */
  async update(
    tx: Tx,
    id: string,
    patch: Updateable<Tables.EnvironmentTemplate>,
  ): Promise<TemplateRow> {
    return tx
      .updateTable('environment_templates')
      .set(patch)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Deletes the template; its versions go with it. */
  async delete(tx: Tx, id: string): Promise<void> {
    await tx.deleteFrom('environment_templates').where('id', '=', id).execute();
  }

  async setRecommendedVersion(
    tx: Tx,
    id: string,
    recommendedVersion: string | null,
    at: Date,
  ): Promise<TemplateRow> {
    return tx
      .updateTable('environment_templates')
      .set({ recommendedVersion, lastModifiedAt: at })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
}
