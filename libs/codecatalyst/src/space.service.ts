import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  AppError,
  CursorCodec,
  decodeTimeKey,
  encodeTimeKey,
  ErrorCode,
  Page,
  pageSize,
  TenantPrincipal,
  toPage,
} from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { Database, Space, Tx } from '@accountlink/db';
import { DomainEvent, DomainEventType, OutboxRepository } from '@accountlink/events';
import { TenantSettingsService, UserRepository } from '@accountlink/tenancy';
import { isUuid } from './domain/ids';
import {
  checkKeepsAdministrator,
  checkSpaceName,
  checkSpaceRegion,
  requireMember,
  requireSpaceAdministrator,
  SpaceRole,
} from './domain/space-rules';
import { MemberRole, MemberWithUser, SpaceRepository } from './repositories/space.repository';

export interface UserCaller {
  tenantId: string;
  userId: string;
}

/** CodeCatalyst spaces and their members. */
@Injectable()
export class SpaceService {
  private readonly cursors: CursorCodec;

  constructor(
    private readonly db: Database,
    private readonly spaces: SpaceRepository,
    private readonly users: UserRepository,
    private readonly outbox: OutboxRepository,
    private readonly settings: TenantSettingsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cursors = new CursorCodec(config.cursorSecret);
  }

  /** The creator becomes the space's first Space administrator. */
  async createSpace(caller: UserCaller, input: { name: string; region: string }): Promise<Space> {
    checkSpaceName(input.name);
    checkSpaceRegion(input.region);
    const { spaceQuota } = await this.settings.get(caller.tenantId);
    return this.db.withTenant(
      caller.tenantId,
      async (tx) => {
        if ((await this.spaces.countInTenant(tx, caller.tenantId, spaceQuota)) >= spaceQuota) {
          throw new AppError(
            ErrorCode.QUOTA_EXCEEDED,
            `The tenant has reached its quota of ${spaceQuota} spaces`,
          );
        }
        const space = await this.spaces.insertWithAdministrator(
          tx,
          {
            id: randomUUID(),
            tenantId: caller.tenantId,
            name: input.name,
            nameKey: input.name.toLowerCase(),
            region: input.region,
          },
          caller.userId,
        );
        if (!space) {
          throw AppError.conflict(`A space named ${input.name} already exists`);
        }
        await this.outbox.record(
          tx,
          spaceEvent('codecatalyst.space.created', space, caller.userId),
        );
        return space;
      },
      // The tenant's space creates one at a time, so the count holds until commit.
      { lockKey: `space|${caller.tenantId}` },
    );
  }

  /** A space its members (and tenant administrators) can see; null for everyone else. */
  async getSpace(principal: TenantPrincipal, spaceId: string): Promise<Space | null> {
    if (!isUuid(spaceId)) {
      return null;
    }
    switch (principal.kind) {
      case 'TENANT_ADMIN':
        return this.db.withTenant(principal.tenantId, (tx) =>
          this.spaces.find(tx, principal.tenantId, spaceId),
        );
      case 'USER': {
        const found = await this.db.withTenant(principal.tenantId, (tx) =>
          this.spaces.findWithMemberRole(tx, principal.tenantId, spaceId, principal.userId),
        );
        return found?.role ? found.space : null;
      }
      case 'ACCOUNT':
        return null;
    }
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
    const memberId = principal.kind === 'USER' ? principal.userId : null;
    const rows = await this.db.withTenant(principal.tenantId, (tx) =>
      this.spaces.page(tx, principal.tenantId, memberId, afterKey, limit),
    );
    return toPage(rows, limit, (row) => encodeTimeKey(this.cursors, scope, row.createdAt, row.id));
  }

  /** Members of many spaces in one query (GraphQL field batching). */
  async membersOf(tenantId: string, spaceIds: readonly string[]): Promise<MemberWithUser[][]> {
    return this.db.withTenant(tenantId, (tx) => this.spaces.membersOf(tx, tenantId, spaceIds));
  }

  async addMember(
    caller: UserCaller,
    spaceId: string,
    userId: string,
    role: SpaceRole,
  ): Promise<Space> {
    return this.changeMembers(caller, spaceId, async (tx, space) => {
      if (!(await this.users.find(tx, caller.tenantId, userId))) {
        throw AppError.notFound(`User ${userId.slice(0, 36)} does not exist`);
      }
      const added = await this.spaces.insertMember(tx, {
        tenantId: caller.tenantId,
        spaceId,
        userId,
        role,
      });
      if (!added) {
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
      await this.spaces.updateMemberRole(tx, spaceId, userId, role);
    });
  }

  async removeMember(caller: UserCaller, spaceId: string, userId: string): Promise<Space> {
    return this.changeMembers(caller, spaceId, async (tx, _space, members) => {
      requireMember(members, userId);
      checkKeepsAdministrator(members, userId, null);
      await this.spaces.deleteMember(tx, spaceId, userId);
    });
  }

  /**
   * Locks the space row, then reads its members (in a statement of their own, so they are the
   * committed ones): concurrent member changes are decided one after the other.
   */
  private async changeMembers(
    caller: UserCaller,
    spaceId: string,
    change: (tx: Tx, space: Space, members: MemberRole[]) => Promise<void>,
  ): Promise<Space> {
    if (!isUuid(spaceId)) {
      throw AppError.notFound(`Space ${spaceId.slice(0, 36)} was not found`);
    }
    return this.db.withTenant(caller.tenantId, async (tx) => {
      const space = await this.spaces.lock(tx, caller.tenantId, spaceId);
      const members = space ? await this.spaces.memberRoles(tx, caller.tenantId, spaceId) : [];
      const own = members.find((m) => m.userId === caller.userId)?.role ?? null;
      requireSpaceAdministrator(space ? own : null, spaceId);
      const locked = space as Space;
      await change(tx, locked, members);
      await this.outbox.record(
        tx,
        spaceEvent('codecatalyst.space.members-changed', locked, caller.userId),
      );
      return locked;
    });
  }
}

function spaceEvent(type: DomainEventType, space: Space, actorUserId: string): DomainEvent {
  return {
    tenantId: space.tenantId,
    type,
    aggregateType: 'Space',
    aggregateId: space.id,
    accountIds: [],
    payload: { spaceId: space.id, name: space.name, actorUserId },
  };
}
