import type { Pool } from 'pg';

/**
 * Marks every pending request past its expiry EXPIRED, with its history row and outbox event, in
 * one statement across tenants (a system job on the owner connection). Returns how many expired.
 */
export async function expireDueConnections(pool: Pool): Promise<number> {
  const result = await pool.query(`
    WITH expired AS (
      UPDATE "account_connections"
         SET "status" = 'EXPIRED', "tokenHash" = NULL, "liveKey" = NULL, "version" = "version" + 1, "lastModifiedAt" = now()
       WHERE "status" = 'PENDING_VERIFICATION' AND "expiresAt" <= now()
      RETURNING "id", "tenantId", "accountId"
    ), history AS (
      INSERT INTO "account_connection_transitions" ("tenantId", "connectionId", "actor", "fromStatus", "toStatus", "reason")
      SELECT "tenantId", "id", 'system', 'PENDING_VERIFICATION', 'EXPIRED', 'the connection token expired' FROM expired
    )
    INSERT INTO "outbox_events" ("tenantId", "type", "aggregateType", "aggregateId", "accountIds", "payload")
    SELECT "tenantId", 'codecatalyst.connection.expired', 'AccountConnection', "id"::text, ARRAY["accountId"::text],
           jsonb_build_object('connectionId', "id", 'from', 'PENDING_VERIFICATION', 'to', 'EXPIRED', 'actor', 'system')
      FROM expired`);
  return result.rowCount ?? 0;
}
