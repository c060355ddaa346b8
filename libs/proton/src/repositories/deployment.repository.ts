import { Injectable } from '@nestjs/common';
import { groupBy } from '@accountlink/common';
import {
  afterTimeKey,
  Deployment,
  DeploymentStatus,
  SystemDb,
  Tables,
  TimeKeyset,
  Tx,
} from '@accountlink/db';
import { Insertable, sql, Updateable } from 'kysely';
import type { EnvironmentScope } from './environment.repository';

export type DeploymentRow = Deployment;

/** Deployments of environments: kept after the environment goes (its history). */
@Injectable()
export class DeploymentRepository {
  async insert(tx: Tx, row: Insertable<Tables.Deployment>): Promise<DeploymentRow> {
    return tx.insertInto('deployments').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async findById(tx: Tx, id: string): Promise<DeploymentRow | null> {
    return (
      (await tx.selectFrom('deployments').selectAll().where('id', '=', id).executeTakeFirst()) ??
      null
    );
  }

  /** Writes `patch` if the deployment is still in `status`; null otherwise. */
  async updateIfStatus(
    tx: Tx,
    id: string,
    status: DeploymentStatus,
    patch: Updateable<Tables.Deployment>,
  ): Promise<DeploymentRow | null> {
    const row = await tx
      .updateTable('deployments')
      .set(patch)
      .where('id', '=', id)
      .where('status', '=', status)
      .returningAll()
      .executeTakeFirst();
    return row ?? null;
  }

  /** Deletes an ended deployment's record. */
  async delete(tx: Tx, id: string): Promise<void> {
    await tx.deleteFrom('deployments').where('id', '=', id).execute();
  }

  async update(tx: Tx, id: string, patch: Updateable<Tables.Deployment>): Promise<DeploymentRow> {
    return tx
      .updateTable('deployments')
      .set(patch)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * A page of an account's deployments (optionally of one environment) in (createdAt, id) order;
   * indexes (tenant, account, region, createdAt, id) and (tenant, environment, createdAt, id).
   */
  async page(
    tx: Tx,
    scope: EnvironmentScope,
    environmentId: string | null,
    after: TimeKeyset | null,
    limit: number,
  ): Promise<DeploymentRow[]> {
    let query = tx.selectFrom('deployments').selectAll().where('tenantId', '=', scope.tenantId);
    query = environmentId
      ? query.where('environmentId', '=', environmentId)
      : query.where('accountId', '=', scope.accountId).where('region', '=', scope.region);
    if (after) {
      query = query.where(afterTimeKey('createdAt', after));
    }
    return query
      .orderBy('createdAt')
      .orderBy('id')
      .limit(limit + 1)
      .execute();
  }

  /** The newest `last` deployments of each environment, newest first, in one query. */
  async latestOf(
    tx: Tx,
    tenantId: string,
    environmentIds: readonly string[],
    last: number,
  ): Promise<DeploymentRow[][]> {
    if (environmentIds.length === 0) {
      return [];
    }
    const { rows } = await sql<DeploymentRow>`
      SELECT d.* FROM unnest(${[...environmentIds]}::uuid[]) WITH ORDINALITY AS e("id", "ord"),
        LATERAL (SELECT * FROM "deployments"
                  WHERE "tenantId" = ${tenantId}::uuid AND "environmentId" = e."id"
                  ORDER BY "createdAt" DESC, "id" DESC LIMIT ${last}) d
      ORDER BY e."ord", d."createdAt" DESC, d."id" DESC`.execute(tx);
    return groupBy(environmentIds, rows, (r) => r.environmentId);
  }

  /**
   * Across tenants (owner connection): running deployments untouched for `olderThanSeconds`
   * whose start event has been relayed (a deployment whose event still waits has no job yet).
   * Index: (status, lastModifiedAt).
   */
  async stuck(
    system: SystemDb,
    olderThanSeconds: number,
    tenantId: string | null,
    limit: number,
  ): Promise<{ tenantId: string; id: string }[]> {
    const { rows } = await sql<{ tenantId: string; id: string }>`
      SELECT d."tenantId"::text AS "tenantId", d."id"::text AS "id" FROM "deployments" d
       WHERE d."status" IN ('IN_PROGRESS', 'CANCELLING', 'DELETE_IN_PROGRESS')
         AND d."lastModifiedAt" < now() - make_interval(secs => ${olderThanSeconds})
         AND (${tenantId}::uuid IS NULL OR d."tenantId" = ${tenantId}::uuid)
         AND NOT EXISTS (SELECT 1 FROM "outbox_events" o
                          WHERE o."publishedAt" IS NULL AND o."aggregateId" = d."environmentId"::text
                            AND o."type" = 'proton.environment.deployment-started')
       ORDER BY d."lastModifiedAt" LIMIT ${limit}`.execute(system);
    return rows;
  }
}
