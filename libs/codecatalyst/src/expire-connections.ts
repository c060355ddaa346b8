import type { Pool } from 'pg';

/**
 * Marks every pending request past its expiry EXPIRED, with its history row and outbox event, in
 * one statement across tenants (a system job on the owner connection). The event has the same
 * audience and snapshot as `recordConnectionEvent` gives the others. Returns how many expired.
 */
export async function expireDueConnections(pool: Pool): Promise<number> {
  const result = await pool.query(`
    WITH expired AS (
      UPDATE "account_connections"
         SET "status" = 'EXPIRED', "tokenHash" = NULL, "liveKey" = NULL, "version" = "version" + 1, "lastModifiedAt" = now()
       WHERE "status" = 'PENDING_VERIFICATION' AND "expiresAt" <= now()
      RETURNING *
    ), history AS (
      INSERT INTO "account_connection_transitions" ("tenantId", "connectionId", "actor", "fromStatus", "toStatus", "reason")
      SELECT "tenantId", "id", 'system', 'PENDING_VERIFICATION', 'EXPIRED', 'the connection token expired' FROM expired
    )
    INSERT INTO "outbox_events" ("tenantId", "type", "aggregateType", "aggregateId", "accountIds", "userIds", "payload")
    SELECT e."tenantId", 'codecatalyst.connection.expired', 'AccountConnection', e."id"::text, ARRAY[e."accountId"::text],
           ARRAY(SELECT m."userId"::text FROM "space_members" m
                  WHERE m."spaceId" = e."spaceId" AND m."role" IN ('SPACE_ADMINISTRATOR', 'POWER_USER')),
           jsonb_build_object(
             'connectionId', e."id", 'actor', 'system',
             'from', 'PENDING_VERIFICATION', 'to', 'EXPIRED', 'reason', 'the connection token expired',
             'connection', jsonb_build_object(
               'id', e."id", 'spaceId', e."spaceId", 'region', s."region", 'accountId', e."accountId",
               'displayName', e."displayName", 'description', e."description", 'status', e."status",
               'paidTiersAuthorized', e."paidTiersAuthorized", 'createdAt', e."createdAt",
               'verifiedAt', e."verifiedAt", 'expiresAt', e."expiresAt"))
      FROM expired e JOIN "spaces" s ON s."id" = e."spaceId"`);
  return result.rowCount ?? 0;
}
