import { Injectable } from '@nestjs/common';
import { groupBy } from '@accountlink/common';
import {
  countUpTo,
  afterTimeKey,
  Space,
  SpaceMember,
  SpaceRole,
  Tables,
  TimeKeyset,
  Tx,
  User,
} from '@accountlink/db';
import { sql } from 'kysely';
import type { Insertable, Updateable } from 'kysely';
import { isUuid } from '../domain/ids';

export type MemberWithUser = SpaceMember & { user: User };

/** A member as the membership rules see it. */
export interface MemberRole {
  userId: string;
  role: SpaceRole;
}

/**
 * CodeCatalyst spaces and their members (one aggregate: members live and die with the space).
 * Methods given an id from a request answer null for one that is not a UUID, which names nothing.
 */
@Injectable()
export class SpaceRepository {
  /** The tenant's spaces, counted up to `limit` (a quota check needs no more). */
  async countInTenant(tx: Tx, tenantId: string, limit: number): Promise<number> {
    return countUpTo(tx, tx.selectFrom('spaces').where('tenantId', '=', tenantId), limit);
  }

  /**
   * Inserts the space with `administratorId` as its first member, in one statement; null when the
   * name is taken in the tenant (regardless of case).
   */
  async insertWithAdministrator(
    tx: Tx,
    space: Pick<Space, 'id' | 'tenantId' | 'name' | 'nameKey' | 'region'>,
    administratorId: string,
  ): Promise<Space | null> {
    const { rows } = await sql<Space>`
      WITH space AS (
        INSERT INTO "spaces" ("id", "tenantId", "name", "nameKey", "region")
        VALUES (${space.id}::uuid, ${space.tenantId}::uuid, ${space.name}, ${space.nameKey}, ${space.region})
        ON CONFLICT DO NOTHING
        RETURNING *
      ), member AS (
        INSERT INTO "space_members" ("tenantId", "spaceId", "userId", "role")
        SELECT "tenantId", "id", ${administratorId}::uuid, 'SPACE_ADMINISTRATOR'::"SpaceRole" FROM space
      )
      SELECT * FROM space`.execute(tx);
    return rows[0] ?? null;
  }

  async find(tx: Tx, tenantId: string, spaceId: string): Promise<Space | null> {
    if (!isUuid(spaceId)) {
      return null;
    }
    const row = await tx
      .selectFrom('spaces')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('id', '=', spaceId)
      .executeTakeFirst();
    return row ?? null;
  }

  /** The space with the user's role in it (null when not a member), in one query. */
  async findWithMemberRole(
    tx: Tx,
    tenantId: string,
    spaceId: string,
    userId: string,
  ): Promise<{ space: Space; role: SpaceRole | null } | null> {
    if (!isUuid(spaceId)) {
      return null;
    }
    const row = await tx
      .selectFrom('spaces as s')
      .leftJoin('space_members as m', (join) =>
        join.onRef('m.spaceId', '=', 's.id').on('m.userId', '=', userId),
      )
      .selectAll('s')
      .select('m.role as memberRole')
      .where('s.tenantId', '=', tenantId)
      .where('s.id', '=', spaceId)
      .executeTakeFirst();
    if (!row) {
      return null;
    }
    const { memberRole, ...space } = row;
    return { space, role: memberRole };
  }

  /**
   * Locks the space row (FOR UPDATE) and returns it as it is once the lock is granted. Every
   * decision about a space's members, billing or connections is taken under this lock.
   */
  async lock(tx: Tx, tenantId: string, spaceId: string): Promise<Space | null> {
    if (!isUuid(spaceId)) {
      return null;
    }
    const row = await tx
      .selectFrom('spaces')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('id', '=', spaceId)
      .forUpdate()
      .executeTakeFirst();
    return row ?? null;
  }

  /**
   * Locks the space, then reads the user's role in it. Two statements on purpose: in READ
   * COMMITTED a statement reads the rows it joins as they were when it started, so a role read by
   * the locking statement could predate the member change it waited for.
   */
  async lockWithMemberRole(
    tx: Tx,
    tenantId: string,
    spaceId: string,
    userId: string,
  ): Promise<{ space: Space | null; role: SpaceRole | null }> {
    const space = await this.lock(tx, tenantId, spaceId);
    return { space, role: space ? await this.memberRole(tx, tenantId, spaceId, userId) : null };
  }

  /** The user's role in the space, or null when not a member (or there is no such space). */
  async memberRole(
    tx: Tx,
    tenantId: string,
    spaceId: string,
    userId: string,
  ): Promise<SpaceRole | null> {
    if (!isUuid(spaceId) || !isUuid(userId)) {
      return null;
    }
    const row = await tx
      .selectFrom('space_members')
      .select('role')
      .where('tenantId', '=', tenantId)
      .where('spaceId', '=', spaceId)
      .where('userId', '=', userId)
      .executeTakeFirst();
    return row?.role ?? null;
  }

  /** Every member of the space with its role (read under the space lock by member changes). */
  async memberRoles(tx: Tx, tenantId: string, spaceId: string): Promise<MemberRole[]> {
    return tx
      .selectFrom('space_members')
      .select(['userId', 'role'])
      .where('tenantId', '=', tenantId)
      .where('spaceId', '=', spaceId)
      .execute();
  }

  /** Ids of the space's members that have one of `roles` (the audience of its events). */
  async memberIdsWithRole(
    tx: Tx,
    tenantId: string,
    spaceId: string,
    roles: readonly SpaceRole[],
  ): Promise<string[]> {
    return (await this.memberIdsWithRoleOf(tx, tenantId, [spaceId], roles))[0] ?? [];
  }

  /** The same for several spaces in one query, in the order of `spaceIds`. */
  async memberIdsWithRoleOf(
    tx: Tx,
    tenantId: string,
    spaceIds: readonly string[],
    roles: readonly SpaceRole[],
  ): Promise<string[][]> {
    if (spaceIds.length === 0 || roles.length === 0) {
      return spaceIds.map(() => []);
    }
    const rows = await tx
      .selectFrom('space_members')
      .select(['spaceId', 'userId'])
      .where('tenantId', '=', tenantId)
      .where('spaceId', 'in', [...spaceIds])
      .where('role', 'in', [...roles])
      .execute();
    return groupBy(spaceIds, rows, (r) => r.spaceId).map((list) => list.map((r) => r.userId));
  }

  /**
   * A page of spaces in (createdAt, id) order: `limit` rows and one more. With `memberId`, only the
   * spaces that user is a member of (found through space_members (tenantId, userId)).
   */
  async page(
    tx: Tx,
    tenantId: string,
    memberId: string | null,
    after: TimeKeyset | null,
    limit: number,
  ): Promise<Space[]> {
    let query = tx.selectFrom('spaces').selectAll().where('tenantId', '=', tenantId);
    if (memberId !== null) {
      query = query.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('space_members as m')
            .select('m.spaceId')
            .where('m.tenantId', '=', tenantId)
            .where('m.userId', '=', memberId)
            .whereRef('m.spaceId', '=', 'spaces.id'),
        ),
      );
    }
    if (after) {
      query = query.where(afterTimeKey('createdAt', after));
    }
    return query
      .orderBy('createdAt')
      .orderBy('id')
      .limit(limit + 1)
      .execute();
  }

  /** Members of many spaces with their users, in one query (GraphQL field batching). */
  async membersOf(
    tx: Tx,
    tenantId: string,
    spaceIds: readonly string[],
  ): Promise<MemberWithUser[][]> {
    if (spaceIds.length === 0) {
      return [];
    }
    const rows = await tx
      .selectFrom('space_members as m')
      .innerJoin('users as u', 'u.id', 'm.userId')
      .selectAll('m')
      .select([
        'u.name as userName',
        'u.email as userEmail',
        'u.emailKey as userEmailKey',
        'u.createdAt as userCreatedAt',
      ])
      .where('m.tenantId', '=', tenantId)
      .where('m.spaceId', 'in', [...spaceIds])
      .orderBy('m.createdAt')
      .orderBy('m.userId')
      .execute();
    const members = rows.map(
      ({ userName, userEmail, userEmailKey, userCreatedAt, ...member }): MemberWithUser => ({
        ...member,
        user: {
          id: member.userId,
          tenantId: member.tenantId,
          name: userName,
          email: userEmail,
          emailKey: userEmailKey,
          createdAt: userCreatedAt,
        },
      }),
    );
    return groupBy(spaceIds, members, (m) => m.spaceId);
  }

  /** Adds the member unless the user already is one (then false). */
  async insertMember(tx: Tx, row: Insertable<Tables.SpaceMember>): Promise<boolean> {
    const inserted = await tx
      .insertInto('space_members')
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return (inserted.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  async updateMemberRole(tx: Tx, spaceId: string, userId: string, role: SpaceRole): Promise<void> {
    await tx
      .updateTable('space_members')
      .set({ role })
      .where('spaceId', '=', spaceId)
      .where('userId', '=', userId)
      .execute();
  }

  async deleteMember(tx: Tx, spaceId: string, userId: string): Promise<void> {
    await tx
      .deleteFrom('space_members')
      .where('spaceId', '=', spaceId)
      .where('userId', '=', userId)
      .execute();
  }

  async update(tx: Tx, spaceId: string, patch: Updateable<Tables.Space>): Promise<Space> {
    return tx
      .updateTable('spaces')
      .set(patch)
      .where('id', '=', spaceId)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
}
