import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  afterTimeKey,
  AppError,
  CursorCodec,
  decodeTimeKey,
  encodeTimeKey,
  Page,
  pageSize,
  TenantPrincipal,
  toPage,
} from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { PrismaService, Space, SpaceMember, Tx, User } from '@accountlink/db';
import { DomainEventType, recordEvent } from '@accountlink/events';
import { findUser } from '@accountlink/tenancy';
import {
  checkKeepsAdministrator,
  checkSpaceName,
  checkSpaceRegion,
  requireSpaceAdministrator,
  SpaceRole,
} from './domain/space-rules';
import { isUuid } from './space-access';

export interface UserCaller {
  tenantId: string;
  userId: string;
}

export type MemberWithUser = SpaceMember & { user: User };

/** CodeCatalyst spaces and their members. */
@Injectable()
export class SpaceService {
  private readonly cursors: CursorCodec;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cursors = new CursorCodec(config.cursorSecret);
  }

  /** The creator becomes the space's first Space administrator. */
  async createSpace(caller: UserCaller, input: { name: string; region: string }): Promise<Space> {
    checkSpaceName(input.name);
    checkSpaceRegion(input.region);
    return this.prisma.withTenant(caller.tenantId, async (tx) => {
      const [space] = await tx.space.createManyAndReturn({
        data: [
          {
            id: randomUUID(),
            tenantId: caller.tenantId,
            name: input.name,
            nameKey: input.name.toLowerCase(),
            region: input.region,
          },
        ],
        skipDuplicates: true,
      });
      if (!space) {
        throw AppError.conflict(`A space named ${input.name} already exists`);
      }
      await tx.spaceMember.create({
        data: {
          tenantId: caller.tenantId,
          spaceId: space.id,
          userId: caller.userId,
          role: 'SPACE_ADMINISTRATOR',
        },
      });
      await this.event(tx, 'codecatalyst.space.created', space, caller.userId);
      return space;
    });
  }

  /** A space its members (and tenant administrators) can see; NOT_FOUND for everyone else. */
  async getSpace(principal: TenantPrincipal, spaceId: string): Promise<Space | null> {
    if (!isUuid(spaceId)) {
      return null;
    }
    return this.prisma.withTenant(principal.tenantId, async (tx) => {
      const space = await tx.space.findFirst({
        where: { id: spaceId, tenantId: principal.tenantId },
      });
      if (!space || !(await this.canSee(tx, principal, spaceId))) {
        return null;
      }
      return space;
    });
  }

  async listSpaces(
    principal: TenantPrincipal,
    first?: number | null,
    after?: string | null,
  ): Promise<Page<Space>> {
    const limit = pageSize(first);
    const scope = `${principal.tenantId}:${principal.kind === 'USER' ? principal.userId : 'all'}:spaces`;
    const afterKey = decodeTimeKey(this.cursors, scope, after);
    if (principal.kind === 'ACCOUNT') {
      return { items: [], cursors: [], hasNextPage: false };
    }
    const rows = await this.prisma.withTenant(principal.tenantId, (tx) =>
      tx.space.findMany({
        where: {
          tenantId: principal.tenantId,
          ...(principal.kind === 'USER' ? { members: { some: { userId: principal.userId } } } : {}),
          ...afterTimeKey(afterKey, 'createdAt'),
        },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: limit + 1,
      }),
    );
    return toPage(rows, limit, (row) => encodeTimeKey(this.cursors, scope, row.createdAt, row.id));
  }

  /** Members of many spaces in one query (GraphQL field batching). */
  async membersOf(tenantId: string, spaceIds: readonly string[]): Promise<MemberWithUser[][]> {
    const rows = await this.prisma.withTenant(tenantId, (tx) =>
      tx.spaceMember.findMany({
        where: { tenantId, spaceId: { in: [...spaceIds] } },
        include: { user: true },
        orderBy: [{ createdAt: 'asc' }, { userId: 'asc' }],
      }),
    );
    return spaceIds.map((id) => rows.filter((r) => r.spaceId === id));
  }

  async addMember(
    caller: UserCaller,
    spaceId: string,
    userId: string,
    role: SpaceRole,
  ): Promise<Space> {
    return this.changeMembers(caller, spaceId, async (tx, space) => {
      if (!(await findUser(tx, caller.tenantId, userId))) {
        throw AppError.notFound(`User ${userId.slice(0, 36)} does not exist`);
      }
      const { count } = await tx.spaceMember.createMany({
        data: [{ tenantId: caller.tenantId, spaceId, userId, role }],
        skipDuplicates: true,
      });
      if (count === 0) {
        throw AppError.conflict(`User ${userId} is already a member of space ${space.name}`);
      }
    });
  }

  async updateMemberRole(
    caller: UserCaller,
    spaceId: string,
    userId: string,
    role: SpaceRole,
  ): Promise<Space> {
    return this.changeMembers(caller, spaceId, async (tx, _space, members) => {
      requireMember(members, userId);
      checkKeepsAdministrator(members, userId, role);
      await tx.spaceMember.update({
        where: { spaceId_userId: { spaceId, userId } },
        data: { role },
      });
    });
  }

  async removeMember(caller: UserCaller, spaceId: string, userId: string): Promise<Space> {
    return this.changeMembers(caller, spaceId, async (tx, _space, members) => {
      requireMember(members, userId);
      checkKeepsAdministrator(members, userId, null);
      await tx.spaceMember.delete({ where: { spaceId_userId: { spaceId, userId } } });
    });
  }

  /** Locks the space row, so concurrent member changes are decided one after the other. */
  private async changeMembers(
    caller: UserCaller,
    spaceId: string,
    change: (tx: Tx, space: Space, members: { userId: string; role: SpaceRole }[]) => Promise<void>,
  ): Promise<Space> {
    if (!isUuid(spaceId)) {
      throw AppError.notFound(`Space ${spaceId.slice(0, 36)} was not found`);
    }
    return this.prisma.withTenant(caller.tenantId, async (tx) => {
      await tx.$executeRaw`SELECT 1 FROM "spaces" WHERE "id" = ${spaceId}::uuid FOR UPDATE`;
      const space = await tx.space.findFirst({ where: { id: spaceId, tenantId: caller.tenantId } });
      const members = space
        ? await tx.spaceMember.findMany({
            where: { spaceId },
            select: { userId: true, role: true },
          })
        : [];
      const own = members.find((m) => m.userId === caller.userId)?.role ?? null;
      requireSpaceAdministrator(space ? own : null, spaceId);
      await change(tx, space as Space, members);
      await this.event(tx, 'codecatalyst.space.members-changed', space as Space, caller.userId);
      return space as Space;
    });
  }

  private async canSee(tx: Tx, principal: TenantPrincipal, spaceId: string): Promise<boolean> {
    switch (principal.kind) {
      case 'TENANT_ADMIN':
        return true;
      case 'USER':
        return (await tx.spaceMember.count({ where: { spaceId, userId: principal.userId } })) > 0;
      case 'ACCOUNT':
        return false;
    }
  }

  private event(tx: Tx, type: DomainEventType, space: Space, actorUserId: string): Promise<void> {
    return recordEvent(tx, {
      tenantId: space.tenantId,
      type,
      aggregateType: 'Space',
      aggregateId: space.id,
      accountIds: [],
      payload: { spaceId: space.id, name: space.name, actorUserId },
    });
  }
}

function requireMember(members: { userId: string }[], userId: string): void {
  if (!members.some((m) => m.userId === userId)) {
    throw AppError.notFound(`User ${userId.slice(0, 36)} is not a member of the space`);
  }
}
