import { Injectable } from '@nestjs/common';
import { groupBy, indexBy } from '@accountlink/common';
import {
  AccountConnection,
  AccountConnectionStatus,
  AccountConnectionTransition,
  afterTimeKey,
  countUpTo,
  RowLock,
  Space,
  SpaceRole,
  SpaceTier,
  SystemDb,
  Tables,
  TimeKeyset,
  Tx,
} from '@accountlink/db';
import { sql } from 'kysely';
import type { Insertable, Updateable } from 'kysely';
import { isUuid } from '../domain/ids';

/** A connection with its space (which gives it its region, hence its ARN). */
export type AccountConnectionRow = AccountConnection & { space: Space };
export type AccountConnectionTransitionRow = AccountConnectionTransition;

/** Everything a request decides on, read in one round trip under the space lock. */
export interface RequestPreconditions {
  /** The requesting user's role in the space (null: not a member). */
  role: SpaceRole | null;
  accountExists: boolean;
  /** The live (pending or verified) connection of the space and account, if any. */
  liveId: string | null;
  liveStatus: AccountConnectionStatus | null;
  /** The members with one of the asked roles: the audience of the events the request records. */
  audience: string[];
}

export interface AccountConnectionListQuery {
  tenantId: string;
  /** Each filter given is an equality on a leading column of the index the list scans. */
  spaceId: string | null;
  accountId: string | null;
  statuses: readonly AccountConnectionStatus[];
  after: TimeKeyset | null;
  limit: number;
}

/** The space's columns as a join returns them beside the connection's. */
interface SpaceColumns {
  spaceName: string;
  spaceNameKey: string;
  spaceRegion: string;
  spaceTier: SpaceTier;
  spaceBillingConnectionId: string | null;
  spaceCreatedAt: Date;
}

const SPACE_COLUMNS = sql`s."name" AS "spaceName", s."nameKey" AS "spaceNameKey", s."region" AS "spaceRegion",
  s."tier" AS "spaceTier", s."billingConnectionId" AS "spaceBillingConnectionId", s."createdAt" AS "spaceCreatedAt"`;

function toRow(r: AccountConnection & SpaceColumns): AccountConnectionRow {
  const {
    spaceName,
    spaceNameKey,
    spaceRegion,
    spaceTier,
    spaceBillingConnectionId,
    spaceCreatedAt,
    ...connection
  } = r;
  return {
    ...connection,
    space: {
      id: connection.spaceId,
      tenantId: connection.tenantId,
      name: spaceName,
      nameKey: spaceNameKey,
      region: spaceRegion,
      tier: spaceTier,
      billingConnectionId: spaceBillingConnectionId,
      createdAt: spaceCreatedAt,
    },
  };
}

/**
 * CodeCatalyst account connections with their transition history (one aggregate: the history lives
 * and dies with the connection). Methods given an id from a request answer null for one that is
 * not a UUID, which names nothing.
 */
@Injectable()
export class AccountConnectionRepository {
  /** The connection with its space. */
  async find(tx: Tx, tenantId: string, id: string): Promise<AccountConnectionRow | null> {
    if (!isUuid(id)) {
      return null;
    }
    const row = await this.withSpace(tx)
      .where('c.tenantId', '=', tenantId)
      .where('c.id', '=', id)
      .executeTakeFirst();
    return row ? toRow(row) : null;
  }

  /**
   * The connection with its space and the role of `userId` in that space (null when not a member,
   * or without a user), in one query; with `lock`, the connection row is locked too.
   */
  async findWithMemberRole(
    tx: Tx,
    tenantId: string,
    id: string,
    userId: string | null,
    lock: RowLock | null = null,
  ): Promise<{ connection: AccountConnectionRow; memberRole: SpaceRole | null } | null> {
    if (!isUuid(id)) {
      return null;
    }
    let query = this.withSpace(tx)
      .leftJoin('space_members as m', (join) =>
        join
          .onRef('m.spaceId', '=', 'c.spaceId')
          .on((eb) => (userId === null ? eb.lit(false) : eb('m.userId', '=', userId))),
      )
      .select('m.role as memberRole')
      .where('c.tenantId', '=', tenantId)
      .where('c.id', '=', id);
    if (lock === 'update') {
      query = query.forUpdate('c');
    } else if (lock === 'share') {
      query = query.forShare('c');
    }
    const row = await query.executeTakeFirst();
    if (!row) {
      return null;
    }
    const { memberRole, ...connection } = row;
    return { connection: toRow(connection), memberRole };
  }

  /** The connection a token hash designates (unique per tenant while the token can be used). */
  async findByTokenHash(
    tx: Tx,
    tenantId: string,
    tokenHash: string,
  ): Promise<AccountConnectionRow | null> {
    const row = await this.withSpace(tx)
      .where('c.tenantId', '=', tenantId)
      .where('c.tokenHash', '=', tokenHash)
      .executeTakeFirst();
    return row ? toRow(row) : null;
  }

  /** A connection of the space, without its space (the caller holds it). */
  async findInSpace(
    tx: Tx,
    tenantId: string,
    spaceId: string,
    id: string,
  ): Promise<AccountConnection | null> {
    if (!isUuid(id)) {
      return null;
    }
    const row = await tx
      .selectFrom('account_connections')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('spaceId', '=', spaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ?? null;
  }

  /**
   * The requesting user's role, whether the account exists, the live connection of the space and
   * account, and the members with `audienceRoles`, in one statement. Read after the space lock was
   * granted (in a statement of its own), so members and connections are the committed ones.
   */
  async requestPreconditions(
    tx: Tx,
    p: {
      tenantId: string;
      spaceId: string;
      userId: string;
      accountId: string;
      liveKey: string;
      audienceRoles: readonly SpaceRole[];
    },
  ): Promise<RequestPreconditions> {
    const { rows } = await sql<RequestPreconditions>`
      SELECT
        (SELECT "role"::text FROM "space_members"
          WHERE "tenantId" = ${p.tenantId}::uuid AND "spaceId" = ${p.spaceId}::uuid
            AND "userId" = ${p.userId}::uuid) AS "role",
        EXISTS (SELECT 1 FROM "accounts" WHERE "tenantId" = ${p.tenantId}::uuid
                   AND "accountId" = ${p.accountId}) AS "accountExists",
        l."id"::text AS "liveId", l."status"::text AS "liveStatus",
        ARRAY(SELECT "userId"::text FROM "space_members"
               WHERE "tenantId" = ${p.tenantId}::uuid AND "spaceId" = ${p.spaceId}::uuid
                 AND "role" = ANY(${[...p.audienceRoles]}::"SpaceRole"[])) AS "audience"
      FROM (SELECT 1) one
      LEFT JOIN "account_connections" l
        ON l."tenantId" = ${p.tenantId}::uuid AND l."liveKey" = ${p.liveKey}`.execute(tx);
    const row = rows[0];
    if (!row) {
      throw new Error('the preconditions query returns one row');
    }
    return row;
  }

  async insert(tx: Tx, row: Insertable<Tables.AccountConnection>): Promise<AccountConnection> {
    return tx
      .insertInto('account_connections')
      .values(row)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** A change of state: writes `patch`, bumps the version and the modification time. */
  async transition(
    tx: Tx,
    id: string,
    patch: Updateable<Tables.AccountConnection>,
  ): Promise<AccountConnection> {
    return tx
      .updateTable('account_connections')
      .set((eb) => ({ ...patch, version: eb('version', '+', 1), lastModifiedAt: new Date() }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * The same, only if the row still has `version` and `status` (compare-and-set): null when
   * somebody changed it since it was read.
   */
  async compareAndSet(
    tx: Tx,
    id: string,
    expected: { version: number; status: AccountConnectionStatus },
    patch: Updateable<Tables.AccountConnection>,
  ): Promise<AccountConnection | null> {
    const row = await tx
      .updateTable('account_connections')
      .set({ ...patch, version: expected.version + 1, lastModifiedAt: new Date() })
      .where('id', '=', id)
      .where('version', '=', expected.version)
      .where('status', '=', expected.status)
      .returningAll()
      .executeTakeFirst();
    return row ?? null;
  }

  /** Writes `patch` as it is (no version bump: not a change of state). */
  async update(
    tx: Tx,
    id: string,
    patch: Updateable<Tables.AccountConnection>,
  ): Promise<AccountConnection> {
    return tx
      .updateTable('account_connections')
      .set(patch)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Whether the space has a connection in `status` other than `exceptId`. */
  async existsInSpace(
    tx: Tx,
    tenantId: string,
    spaceId: string,
    status: AccountConnectionStatus,
    exceptId: string,
  ): Promise<boolean> {
    const row = await tx
      .selectFrom('account_connections')
      .select('id')
      .where('tenantId', '=', tenantId)
      .where('spaceId', '=', spaceId)
      .where('status', '=', status)
      .where('id', '!=', exceptId)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Deletes the connection (its history and roles go with it); whether it was there. */
  async delete(tx: Tx, id: string): Promise<boolean> {
    const result = await tx
      .deleteFrom('account_connections')
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /**
   * One page in (createdAt, id) order, with their spaces. Each status is its own range scan of the
   * index (tenantId, spaceId and/or accountId, status, createdAt, id), merged: a filter that
   * matches nothing reads nothing, whatever the tenant's size.
   */
  async page(tx: Tx, q: AccountConnectionListQuery): Promise<AccountConnectionRow[]> {
    if (q.statuses.length === 0) {
      return [];
    }
    const { rows } = await sql<AccountConnection & SpaceColumns>`
      SELECT c.*, ${SPACE_COLUMNS} FROM (
        SELECT p.* FROM unnest(${[...q.statuses]}::text[]) AS st("status"),
          LATERAL (
            SELECT * FROM "account_connections"
             WHERE "tenantId" = ${q.tenantId}::uuid AND "status" = st."status"
               ${q.spaceId !== null ? sql`AND "spaceId" = ${q.spaceId}::uuid` : sql``}
               ${q.accountId !== null ? sql`AND "accountId" = ${q.accountId}` : sql``}
               ${q.after ? sql`AND ${afterTimeKey('createdAt', q.after)}` : sql``}
             ORDER BY "createdAt", "id" LIMIT ${q.limit + 1}
          ) p
        ORDER BY p."createdAt", p."id" LIMIT ${q.limit + 1}
      ) c
      JOIN "spaces" s ON s."id" = c."spaceId"
      ORDER BY c."createdAt", c."id"`.execute(tx);
    return rows.map(toRow);
  }

  /**
   * One page of every connection of the tenant, in (createdAt, id) order, with their spaces
   * (index: tenantId, createdAt, id).
   */
  async pageOfTenant(
    tx: Tx,
    tenantId: string,
    after: TimeKeyset | null,
    limit: number,
  ): Promise<AccountConnectionRow[]> {
    const { rows } = await sql<AccountConnection & SpaceColumns>`
      SELECT c.*, ${SPACE_COLUMNS} FROM (
        SELECT * FROM "account_connections"
         WHERE "tenantId" = ${tenantId}::uuid
           ${after ? sql`AND ${afterTimeKey('createdAt', after)}` : sql``}
         ORDER BY "createdAt", "id" LIMIT ${limit + 1}
      ) c
      JOIN "spaces" s ON s."id" = c."spaceId"
      ORDER BY c."createdAt", c."id"`.execute(tx);
    return rows.map(toRow);
  }

  /** How many connections the space holds, whatever their status, counted up to `limit`. */
  async countInSpace(tx: Tx, tenantId: string, spaceId: string, limit: number): Promise<number> {
    return countUpTo(
      tx,
      tx
        .selectFrom('account_connections')
        .where('tenantId', '=', tenantId)
        .where('spaceId', '=', spaceId),
      limit,
    );
  }

  /** Connections by id with their spaces, in the order asked (GraphQL batching). */
  async byIds(
    tx: Tx,
    tenantId: string,
    ids: readonly string[],
  ): Promise<(AccountConnectionRow | null)[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) {
      return ids.map(() => null);
    }
    const rows = await this.withSpace(tx)
      .where('c.tenantId', '=', tenantId)
      .where('c.id', 'in', valid)
      .execute();
    return indexBy(ids, rows.map(toRow), (r) => r.id);
  }

  /**
   * One page of each space's connections in `statuses`, in (createdAt, id) order, in one query:
   * per space, each status is its own range scan of (tenantId, spaceId, status, createdAt, id),
   * merged and cut at `limit + 1`, so a space's page costs the same however many rows it has.
   */
  async pagesOfSpaces(
    tx: Tx,
    tenantId: string,
    spaceIds: readonly string[],
    statuses: readonly AccountConnectionStatus[],
    after: TimeKeyset | null,
    limit: number,
  ): Promise<AccountConnectionRow[][]> {
    const valid = [...new Set(spaceIds.filter(isUuid))];
    if (valid.length === 0 || statuses.length === 0) {
      return spaceIds.map(() => []);
    }
    const { rows } = await sql<AccountConnection & SpaceColumns>`
      SELECT c.*, ${SPACE_COLUMNS} FROM unnest(${valid}::uuid[]) AS sp("id"),
        LATERAL (
          SELECT p.* FROM unnest(${[...statuses]}::text[]) AS st("status"),
            LATERAL (
              SELECT * FROM "account_connections"
               WHERE "tenantId" = ${tenantId}::uuid AND "spaceId" = sp."id" AND "status" = st."status"
                 ${after ? sql`AND ${afterTimeKey('createdAt', after)}` : sql``}
               ORDER BY "createdAt", "id" LIMIT ${limit + 1}
            ) p
          ORDER BY p."createdAt", p."id" LIMIT ${limit + 1}
        ) c
      JOIN "spaces" s ON s."id" = c."spaceId"
      ORDER BY c."createdAt", c."id"`.execute(tx);
    return groupBy(spaceIds, rows.map(toRow), (r) => r.spaceId);
  }

  // --- history ------------------------------------------------------------------------------

  /** History rows, in one statement (ids follow the order given). */
  async insertTransitions(
    tx: Tx,
    rows: readonly Insertable<Tables.AccountConnectionTransition>[],
  ): Promise<void> {
    if (rows.length > 0) {
      await tx
        .insertInto('account_connection_transitions')
        .values([...rows])
        .execute();
    }
  }

  /** History of many connections in id order, in one query (GraphQL field batching). */
  async historyOf(
    tx: Tx,
    tenantId: string,
    connectionIds: readonly string[],
  ): Promise<AccountConnectionTransitionRow[][]> {
    if (connectionIds.length === 0) {
      return [];
    }
    const rows = await tx
      .selectFrom('account_connection_transitions')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('connectionId', 'in', [...connectionIds])
      .orderBy('id')
      .execute();
    return groupBy(connectionIds, rows, (r) => r.connectionId);
  }

  // --- the expiry sweep (system, across tenants) ---------------------------------------------

  /**
   * Marks every pending request past its expiry EXPIRED, with its history row and outbox event, in
   * one statement across tenants, on the owner connection (index: status, expiresAt). The event has
   * the audience and snapshot the services give the others (`connectionEvent`: the connection's
   * account, the space's administrators and power users). Returns how many expired.
   */
  async expireDue(system: SystemDb): Promise<number> {
    const result = await sql`
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
        FROM expired e JOIN "spaces" s ON s."id" = e."spaceId"`.execute(system);
    return Number(result.numAffectedRows ?? 0n);
  }

  /** Connections joined with their spaces, the space's columns prefixed (see `toRow`). */
  private withSpace(tx: Tx) {
    return tx
      .selectFrom('account_connections as c')
      .innerJoin('spaces as s', 's.id', 'c.spaceId')
      .selectAll('c')
      .select([
        's.name as spaceName',
        's.nameKey as spaceNameKey',
        's.region as spaceRegion',
        's.tier as spaceTier',
        's.billingConnectionId as spaceBillingConnectionId',
        's.createdAt as spaceCreatedAt',
      ]);
  }
}
