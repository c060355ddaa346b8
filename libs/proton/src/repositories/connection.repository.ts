import { Injectable } from '@nestjs/common';
import {
  afterTimeKey,
  atCommit,
  withLock,
  type Tables as T,
  ConnectionRoleValidation,
  ConnectionTransition,
  EnvironmentAccountConnection,
  RowLock,
  TimeKeyset,
  Tx,
} from '@accountlink/db';
import { indexBy, groupBy } from '@accountlink/common';
import { Insertable, sql, Updateable } from 'kysely';
import type { ConnectionStatus, RoleKind } from '../domain/connection-rules';

export type ConnectionRow = EnvironmentAccountConnection;
export type ConnectionValidationRow = ConnectionRoleValidation;
export type ConnectionTransitionRow = ConnectionTransition;

/** Everything a create decides on, read in one round trip. */
export interface CreatePreconditions {
  quota: number;
  /** Connections of the account in the region, counted up to the quota (never more). */
  used: number;
  managementExists: boolean;
  liveId: string | null;
  liveStatus: ConnectionStatus | null;
  priorId: string | null;
}

export interface ConnectionListQuery {
  tenantId: string;
  region: string;
  /** Which side the caller's account is on: its column is the first of the list's index. */
  side: 'environmentAccountId' | 'managementAccountId';
  accountId: string;
  environmentName: string | null;
  /** Statuses to list (every status when the caller gave none). */
  statuses: readonly ConnectionStatus[];
  after: TimeKeyset | null;
  limit: number;
}

const ALL_STATUSES: readonly ConnectionStatus[] = ['PENDING', 'CONNECTED', 'REJECTED'];

/** A new connection with every column given (insertAtCommit returns it as the row). */
export type NewConnection = Omit<ConnectionRow, 'version'>;

/**
 * Environment account connections with their role validations and transition history (one
 * aggregate: they live and die with the connection).
 */
@Injectable()
export class ConnectionRepository {
  async createPreconditions(
    tx: Tx,
    p: {
      tenantId: string;
      accountId: string;
      region: string;
      managementAccountId: string;
      liveKey: string;
      clientToken: string | null;
    },
  ): Promise<CreatePreconditions> {
    // The count stops at the quota: a create never reads more rows than the quota allows.
    const { rows } = await sql<CreatePreconditions>`
      WITH t AS (SELECT "connectionQuota" AS "quota" FROM "tenants" WHERE "id" = ${p.tenantId}::uuid)
      SELECT
        t."quota",
        (SELECT count(*)::int FROM (SELECT 1 FROM "environment_account_connections"
            WHERE "tenantId" = ${p.tenantId}::uuid AND "environmentAccountId" = ${p.accountId}
              AND "region" = ${p.region} LIMIT t."quota") c) AS "used",
        EXISTS (SELECT 1 FROM "accounts" WHERE "tenantId" = ${p.tenantId}::uuid
                   AND "accountId" = ${p.managementAccountId}) AS "managementExists",
        l."id"::text AS "liveId", l."status"::text AS "liveStatus",
        (SELECT "id"::text FROM "environment_account_connections"
          WHERE "tenantId" = ${p.tenantId}::uuid AND "environmentAccountId" = ${p.accountId}
            AND "clientToken" = ${p.clientToken}) AS "priorId"
      FROM t
      LEFT JOIN "environment_account_connections" l
        ON l."tenantId" = ${p.tenantId}::uuid AND l."liveKey" = ${p.liveKey}`.execute(tx);
    const row = rows[0];
    if (!row) {
      throw new Error('the tenant of the transaction does not exist');
    }
    return row;
  }

  /**
   * Inserts the connection with COMMIT and returns it as it will be (every column is given but
   * the version, which starts at 0). A unique key that another transaction took first fails the
   * commit with a unique violation (isUniqueViolation).
   */
  async insertAtCommit(tx: Tx, row: NewConnection): Promise<ConnectionRow> {
    await atCommit(tx, tx.insertInto('environment_account_connections').values(row));
    return { ...row, version: 0 };
  }

  async findById(tx: Tx, id: string, lock: RowLock | null = null): Promise<ConnectionRow | null> {
    const query = tx.selectFrom('environment_account_connections').selectAll().where('id', '=', id);
    return (await withLock(query, lock).executeTakeFirst()) ?? null;
  }

  /** Takes the connection's row lock (whatever else the transaction then reads of it). */
  async lock(tx: Tx, id: string, lock: RowLock): Promise<void> {
    await this.findById(tx, id, lock);
  }

  /**
   * Locks the connections FOR UPDATE in id order (the library's lock order for several at once)
   * and returns them in the order of `ids`, null for those that do not exist.
   */
  async lockMany(
    tx: Tx,
    tenantId: string,
    ids: readonly string[],
  ): Promise<(ConnectionRow | null)[]> {
    if (ids.length === 0) {
      return [];
    }
    const rows = await tx
      .selectFrom('environment_account_connections')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('id', 'in', [...ids])
      .orderBy('id')
      .forUpdate()
      .execute();
    return indexBy(ids, rows, (r) => r.id);
  }

  async findByToken(
    tx: Tx,
    tenantId: string,
    environmentAccountId: string,
    clientToken: string,
  ): Promise<ConnectionRow | null> {
    const row = await tx
      .selectFrom('environment_account_connections')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('environmentAccountId', '=', environmentAccountId)
      .where('clientToken', '=', clientToken)
      .executeTakeFirst();
    return row ?? null;
  }

  /**
   * Writes `patch` only if the row still has `version` (compare-and-set); bumps the version and
   * the modification time. Null when somebody changed it since it was read.
   */
  async compareAndSet(
    tx: Tx,
    id: string,
    version: number,
    patch: Updateable<T.EnvironmentAccountConnection>,
  ): Promise<ConnectionRow | null> {
    const row = await tx
      .updateTable('environment_account_connections')
      .set({ ...patch, version: version + 1, lastModifiedAt: new Date() })
      .where('id', '=', id)
      .where('version', '=', version)
      .returningAll()
      .executeTakeFirst();
    return row ?? null;
  }

  /** Deletes the row if it still has `version`; whether it did. Validations and history go with it. */
  async deleteIfVersion(tx: Tx, id: string, version: number): Promise<boolean> {
    const result = await tx
      .deleteFrom('environment_account_connections')
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /**
   * One page of a side's connections in (requestedAt, id) order. Each status is its own range
   * scan of the index (tenant, side account, region[, environment name], status, requestedAt,
   * id), merged: a filter that matches nothing reads nothing, whatever the tenant's size.
   */
  async page(tx: Tx, q: ConnectionListQuery): Promise<ConnectionRow[]> {
    const statuses = q.statuses.length > 0 ? q.statuses : ALL_STATUSES;
    const { rows } = await sql<ConnectionRow>`
      SELECT c.* FROM unnest(${[...statuses]}::text[]) AS s("status"),
        LATERAL (
          SELECT * FROM "environment_account_connections"
           WHERE "tenantId" = ${q.tenantId}::uuid AND ${sql.ref(q.side)} = ${q.accountId}
             AND "region" = ${q.region} AND "status" = s."status"
             ${q.environmentName !== null ? sql`AND "environmentName" = ${q.environmentName}` : sql``}
             ${q.after ? sql`AND ${afterTimeKey('requestedAt', q.after)}` : sql``}
           ORDER BY "requestedAt", "id" LIMIT ${q.limit + 1}
        ) c
      ORDER BY c."requestedAt", c."id" LIMIT ${q.limit + 1}`.execute(tx);
    return rows;
  }

  /** Connections by id, in the order asked (GraphQL batching: an environment's connection). */
  async byIds(tx: Tx, tenantId: string, ids: readonly string[]): Promise<(ConnectionRow | null)[]> {
    if (ids.length === 0) {
      return [];
    }
    const rows = await tx
      .selectFrom('environment_account_connections')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('id', 'in', [...ids])
      .execute();
    return indexBy(ids, rows, (r) => r.id);
  }

  // --- role validations ---------------------------------------------------------------------

  /** The validations of a new connection; written with COMMIT (nothing reads them before). */
  async insertValidations(tx: Tx, rows: Insertable<T.ConnectionRoleValidation>[]): Promise<void> {
    if (rows.length > 0) {
      await atCommit(tx, tx.insertInto('connection_role_validations').values(rows));
    }
  }

  /** Sets the role of a kind to check again: PENDING, whatever it was. */
  async resetValidation(
    tx: Tx,
    row: { tenantId: string; connectionId: string; kind: RoleKind; roleArn: string },
  ): Promise<void> {
    await atCommit(
      tx,
      tx
        .insertInto('connection_role_validations')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['connectionId', 'kind']).doUpdateSet({
            roleArn: row.roleArn,
            status: 'PENDING',
            reason: null,
            checkedAt: null,
          }),
        ),
    );
  }

  /** The first INVALID validation of a connection (by kind), or null. */
  async firstInvalid(tx: Tx, connectionId: string): Promise<ConnectionValidationRow | null> {
    const row = await tx
      .selectFrom('connection_role_validations')
      .selectAll()
      .where('connectionId', '=', connectionId)
      .where('status', '=', 'INVALID')
      .orderBy('kind')
      .limit(1)
      .executeTakeFirst();
    return row ?? null;
  }

  async validationsOf(
    tx: Tx,
    tenantId: string,
    connectionIds: readonly string[],
  ): Promise<ConnectionValidationRow[][]> {
    if (connectionIds.length === 0) {
      return [];
    }
    const rows = await tx
      .selectFrom('connection_role_validations')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('connectionId', 'in', [...connectionIds])
      .orderBy('kind')
      .execute();
    return groupBy(connectionIds, rows, (r) => r.connectionId);
  }

  /** Connections naming a role, in id order (the one lock order of multi-connection work). */
  async idsNamingRole(tx: Tx, tenantId: string, roleArn: string): Promise<string[]> {
    const rows = await tx
      .selectFrom('connection_role_validations')
      .select('connectionId')
      .distinct()
      .where('tenantId', '=', tenantId)
      .where('roleArn', '=', roleArn)
      .orderBy('connectionId')
      .execute();
    return rows.map((r) => r.connectionId);
  }

  /**
   * Records check results. Each row is written only if the validation still names the ARN that
   * was checked: an update racing the check keeps its PENDING.
   */
  async setValidationResults(
    tx: Tx,
    results: readonly {
      connectionId: string;
      kind: RoleKind;
      roleArn: string;
      status: 'VALID' | 'INVALID';
      reason: string | null;
    }[],
    checkedAt: Date,
  ): Promise<void> {
    if (results.length === 0) {
      return;
    }
    await atCommit(
      tx,
      sql`
      UPDATE "connection_role_validations" v
         SET "status" = r."status"::"RoleValidationStatus", "reason" = r."reason", "checkedAt" = ${checkedAt}
        FROM unnest(${results.map((r) => r.connectionId)}::uuid[], ${results.map((r) => r.kind)}::"ConnectionRoleKind"[],
                    ${results.map((r) => r.roleArn)}::text[], ${results.map((r) => r.status)}::text[],
                    ${results.map((r) => r.reason)}::text[])
          AS r("connectionId", "kind", "roleArn", "status", "reason")
       WHERE v."connectionId" = r."connectionId" AND v."kind" = r."kind" AND v."roleArn" = r."roleArn"`,
    );
  }

  // --- history ------------------------------------------------------------------------------

  /** A history row; written with COMMIT. */
  async insertTransition(tx: Tx, row: Insertable<T.ConnectionTransition>): Promise<void> {
    await atCommit(tx, tx.insertInto('connection_transitions').values(row));
  }

  async historyOf(
    tx: Tx,
    tenantId: string,
    connectionIds: readonly string[],
  ): Promise<ConnectionTransitionRow[][]> {
    if (connectionIds.length === 0) {
      return [];
    }
    const rows = await tx
      .selectFrom('connection_transitions')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('connectionId', 'in', [...connectionIds])
      .orderBy('id')
      .execute();
    return groupBy(connectionIds, rows, (r) => r.connectionId);
  }
}
