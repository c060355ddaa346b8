import { Injectable } from '@nestjs/common';
import { groupBy } from '@accountlink/common';
import { type Environment, type RowLock, type Tables, type Tx, withLock } from '@accountlink/db';
import { Insertable, sql, Updateable } from 'kysely';

export type EnvironmentRow = Environment;

/** ListEnvironments' environmentTemplates filter: a template, optionally one major version. */
export interface TemplateFilter {
  templateName: string;
  majorVersion?: number;
}

/** ResourceCounts of the model, for environments. */
export interface EnvironmentCounts {
  total: number;
  failed: number;
  upToDate: number;
  behindMajor: number;
  behindMinor: number;
}

export interface EnvironmentScope {
  tenantId: string;
  accountId: string;
  region: string;
}

/** Proton environments of management accounts (unique per tenant, account, region and name). */
@Injectable()
export class EnvironmentRepository {
  /** The quota, the environments counted up to it, and whether the name is taken: one round trip. */
  async createPreconditions(
    tx: Tx,
    scope: EnvironmentScope,
    name: string,
  ): Promise<{ quota: number; used: number; taken: boolean }> {
    const { rows } = await sql<{ quota: number; used: number; taken: boolean }>`
      WITH t AS (SELECT "environmentQuota" AS "quota" FROM "tenants" WHERE "id" = ${scope.tenantId}::uuid)
      SELECT t."quota",
             (SELECT count(*)::int FROM (SELECT 1 FROM "environments"
                 WHERE "tenantId" = ${scope.tenantId}::uuid AND "accountId" = ${scope.accountId}
                   AND "region" = ${scope.region} LIMIT t."quota") c) AS "used",
             EXISTS (SELECT 1 FROM "environments"
                 WHERE "tenantId" = ${scope.tenantId}::uuid AND "accountId" = ${scope.accountId}
                   AND "region" = ${scope.region} AND "name" = ${name}) AS "taken"
        FROM t`.execute(tx);
    const row = rows[0];
    if (!row) {
      throw new Error('the tenant of the transaction does not exist');
    }
    return row;
  }

  async insert(tx: Tx, row: Insertable<Tables.Environment>): Promise<EnvironmentRow> {
    return tx.insertInto('environments').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async findByName(
    tx: Tx,
    scope: EnvironmentScope,
    name: string,
    lock: RowLock | null = null,
  ): Promise<EnvironmentRow | null> {
    const query = tx
      .selectFrom('environments')
      .selectAll()
      .where('tenantId', '=', scope.tenantId)
      .where('accountId', '=', scope.accountId)
      .where('region', '=', scope.region)
      .where('name', '=', name);
    return (await withLock(query, lock).executeTakeFirst()) ?? null;
  }

  async findById(tx: Tx, id: string, lock: RowLock | null = null): Promise<EnvironmentRow | null> {
    const query = tx.selectFrom('environments').selectAll().where('id', '=', id);
    return (await withLock(query, lock).executeTakeFirst()) ?? null;
  }

  /** Writes `patch` only if the row still has `version`; null when it changed meanwhile. */
  async compareAndSet(
    tx: Tx,
    id: string,
    version: number,
    patch: Updateable<Tables.Environment>,
  ): Promise<EnvironmentRow | null> {
    const row = await tx
      .updateTable('environments')
      .set({ ...patch, version: version + 1 })
      .where('id', '=', id)
      .where('version', '=', version)
      .returningAll()
      .executeTakeFirst();
    return row ?? null;
  }

  /** Writes `patch` to a row the caller holds locked, bumping its version. */
  async update(tx: Tx, id: string, patch: Updateable<Tables.Environment>): Promise<EnvironmentRow> {
    return tx
      .updateTable('environments')
      .set((eb) => ({ ...patch, version: eb('version', '+', 1) }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async delete(tx: Tx, id: string): Promise<void> {
    await tx.deleteFrom('environments').where('id', '=', id).execute();
  }

  /**
   * One page in name order. With template filters, each filter is its own range scan of the
   * index (tenant, account, region, templateName[, templateMajorVersion], name), merged.
   */
  async page(
    tx: Tx,
    scope: EnvironmentScope,
    filters: readonly TemplateFilter[] | null,
    afterName: string | null,
    limit: number,
  ): Promise<EnvironmentRow[]> {
    const base = sql`"tenantId" = ${scope.tenantId}::uuid AND "accountId" = ${scope.accountId} AND "region" = ${scope.region}
      ${afterName !== null ? sql`AND "name" > ${afterName}` : sql``}`;
    if (!filters?.length) {
      const { rows } = await sql<EnvironmentRow>`
        SELECT * FROM "environments" WHERE ${base} ORDER BY "name" LIMIT ${limit + 1}`.execute(tx);
      return rows;
    }
    const branches = filters.map(
      (f) => sql`(SELECT * FROM "environments" WHERE ${base} AND "templateName" = ${f.templateName}
        ${f.majorVersion !== undefined ? sql`AND "templateMajorVersion" = ${f.majorVersion}` : sql``}
        ORDER BY "name" LIMIT ${limit + 1})`,
    );
    // UNION (not ALL): a row that two overlapping filters match is listed once.
    const { rows } = await sql<EnvironmentRow>`
      SELECT * FROM (${sql.join(branches, sql` UNION `)}) e ORDER BY "name" LIMIT ${limit + 1}`.execute(
      tx,
    );
    return rows;
  }

  /** Environments using each connection, in name order, in one query (GraphQL field batching). */
  async usingConnections(
    tx: Tx,
    tenantId: string,
    connectionIds: readonly string[],
  ): Promise<EnvironmentRow[][]> {
    if (connectionIds.length === 0) {
      return [];
    }
    const rows = await tx
      .selectFrom('environments')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('environmentAccountConnectionId', 'in', [...connectionIds])
      .orderBy('name')
      .execute();
    return groupBy(connectionIds, rows, (r) => r.environmentAccountConnectionId ?? '');
  }

  /**
   * GetResourcesSummary's counts of an account's environments in a region, in one statement:
   * all, FAILED, on their template's recommended version, behind it by a major version, behind
   * it by a minor version of the same major.
   */
  async counts(tx: Tx, scope: EnvironmentScope): Promise<EnvironmentCounts> {
    const { rows } = await sql<EnvironmentCounts>`
      WITH e AS (
        SELECT e."deploymentStatus", e."templateMajorVersion" AS major,
               e."templateMinorVersion" AS minor,
               split_part(t."recommendedVersion", '.', 1)::int AS "recMajor",
               split_part(t."recommendedVersion", '.', 2)::int AS "recMinor"
          FROM "environments" e JOIN "environment_templates" t ON t."id" = e."templateId"
         WHERE e."tenantId" = ${scope.tenantId}::uuid AND e."accountId" = ${scope.accountId}
           AND e."region" = ${scope.region})
      SELECT count(*)::int AS "total",
             count(*) FILTER (WHERE "deploymentStatus" = 'FAILED')::int AS "failed",
             count(*) FILTER (WHERE major = "recMajor" AND minor = "recMinor")::int AS "upToDate",
             count(*) FILTER (WHERE major < "recMajor")::int AS "behindMajor",
             count(*) FILTER (WHERE major = "recMajor" AND minor < "recMinor")::int AS "behindMinor"
        FROM e`.execute(tx);
    return rows[0] ?? { total: 0, failed: 0, upToDate: 0, behindMajor: 0, behindMinor: 0 };
  }

  /** Names of (up to `limit`) environments provisioned through a connection, or of a template. */
  async namesUsing(
    tx: Tx,
    tenantId: string,
    by: 'environmentAccountConnectionId' | 'templateId',
    id: string,
    limit: number,
  ): Promise<string[]> {
    const rows = await tx
      .selectFrom('environments')
      .select('name')
      .where('tenantId', '=', tenantId)
      .where(by, '=', id)
      .limit(limit)
      .execute();
    return rows.map((r) => r.name);
  }

  /**
   * An environment using a template version: on it, or with a running update that would fall
   * back to it (its deployment's initial state). Null when none.
   */
  async nameUsingVersion(
    tx: Tx,
    scope: EnvironmentScope,
    template: { id: string; name: string },
    major: number,
    minor: number,
  ): Promise<string | null> {
    const { rows } = await sql<{ name: string }>`
      SELECT "name" FROM "environments"
       WHERE "tenantId" = ${scope.tenantId}::uuid AND "templateId" = ${template.id}::uuid
         AND "templateMajorVersion" = ${major} AND "templateMinorVersion" = ${minor}
      UNION ALL
      SELECT d."environmentName" FROM "deployments" d
       WHERE d."tenantId" = ${scope.tenantId}::uuid AND d."accountId" = ${scope.accountId}
         AND d."region" = ${scope.region}
         AND d."status" IN ('IN_PROGRESS', 'CANCELLING')
         AND d."initialState"->>'templateName' = ${template.name}
         AND (d."initialState"->>'templateMajorVersion')::int = ${major}
         AND (d."initialState"->>'templateMinorVersion')::int = ${minor}
      LIMIT 1`.execute(tx);
    return rows[0]?.name ?? null;
  }
}
