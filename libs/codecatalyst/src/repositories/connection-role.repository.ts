import { Injectable } from '@nestjs/common';
import { groupBy } from '@accountlink/common';
import { ConnectionIamRole, Tx } from '@accountlink/db';
import { sql } from 'kysely';

export type ConnectionRoleRow = ConnectionIamRole;

/** A role association and the outcome of checking it. */
export interface RoleCheckResult {
  connectionId: string;
  roleArn: string;
  status: 'VALID' | 'INVALID';
  reason: string | null;
}

/**
 * IAM roles associated with account connections (table `connection_iam_roles`, key connectionId,
 * roleArn): they go when their connection is deleted.
 */
@Injectable()
export class ConnectionRoleRepository {
  /** Associates the role, PENDING validation; null when it already is associated. */
  async insert(
    tx: Tx,
    row: { tenantId: string; connectionId: string; roleArn: string },
  ): Promise<ConnectionRoleRow | null> {
    const inserted = await tx
      .insertInto('connection_iam_roles')
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    return inserted ?? null;
  }

  async find(tx: Tx, connectionId: string, roleArn: string): Promise<ConnectionRoleRow | null> {
    const row = await tx
      .selectFrom('connection_iam_roles')
      .selectAll()
      .where('connectionId', '=', connectionId)
      .where('roleArn', '=', roleArn)
      .executeTakeFirst();
    return row ?? null;
  }

  /** Removes the association and returns it as it was; null when there was none. */
  async delete(tx: Tx, connectionId: string, roleArn: string): Promise<ConnectionRoleRow | null> {
    const row = await tx
      .deleteFrom('connection_iam_roles')
      .where('connectionId', '=', connectionId)
      .where('roleArn', '=', roleArn)
      .returningAll()
      .executeTakeFirst();
    return row ?? null;
  }

  /** Roles of many connections in (createdAt, roleArn) order, in one query (GraphQL batching). */
  async rolesOf(
    tx: Tx,
    tenantId: string,
    connectionIds: readonly string[],
  ): Promise<ConnectionRoleRow[][]> {
    if (connectionIds.length === 0) {
      return [];
    }
    const rows = await tx
      .selectFrom('connection_iam_roles')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('connectionId', 'in', [...connectionIds])
      .orderBy('createdAt')
      .orderBy('roleArn')
      .execute();
    return groupBy(connectionIds, rows, (r) => r.connectionId);
  }

  /** Locks one association (FOR UPDATE) and returns it as it now is: none when it is gone. */
  async lock(
    tx: Tx,
    tenantId: string,
    connectionId: string,
    roleArn: string,
  ): Promise<ConnectionRoleRow[]> {
    return tx
      .selectFrom('connection_iam_roles')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('connectionId', '=', connectionId)
      .where('roleArn', '=', roleArn)
      .forUpdate()
      .execute();
  }

  /**
   * Locks every association naming the role (index: tenantId, roleArn), in (connectionId, roleArn)
   * order: the one order of transactions that lock several associations.
   */
  async lockNaming(tx: Tx, tenantId: string, roleArn: string): Promise<ConnectionRoleRow[]> {
    return tx
      .selectFrom('connection_iam_roles')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('roleArn', '=', roleArn)
      .orderBy('connectionId')
      .orderBy('roleArn')
      .forUpdate()
      .execute();
  }

  /** Records check results in one statement; returns the associations as they now are. */
  async setResults(
    tx: Tx,
    results: readonly RoleCheckResult[],
    checkedAt: Date,
  ): Promise<ConnectionRoleRow[]> {
    if (results.length === 0) {
      return [];
    }
    const { rows } = await sql<ConnectionRoleRow>`
      UPDATE "connection_iam_roles" r
         SET "status" = v."status"::"RoleValidationStatus", "reason" = v."reason", "checkedAt" = ${checkedAt}
        FROM unnest(${results.map((x) => x.connectionId)}::uuid[], ${results.map((x) => x.roleArn)}::text[],
                    ${results.map((x) => x.status)}::text[], ${results.map((x) => x.reason)}::text[])
          AS v("connectionId", "roleArn", "status", "reason")
       WHERE r."connectionId" = v."connectionId" AND r."roleArn" = v."roleArn"
      RETURNING r.*`.execute(tx);
    return rows;
  }
}
