import {
  Args,
  Context,
  ID,
  Int,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import { RelayConnection, toConnection } from '@accountlink/common';
import {
  GqlContext,
  requireTenantPrincipal,
  requireUserPrincipal,
  UserModel,
} from '@accountlink/tenancy';
import { AccountConnectionService } from '../account-connection.service';
import { BillingService } from '../billing.service';
import { SpaceService } from '../space.service';
import { AccountConnectionConnection, AccountConnectionModel } from './account-connection.models';
import {
  CreateSpaceInput,
  RemoveSpaceMemberInput,
  SetSpaceBillingConnectionInput,
  SpaceConnection,
  SpaceMemberInput,
  SpaceMemberModel,
  SpaceModel,
  SpaceRoleEnum,
  UpdateSpaceTierInput,
} from './space.models';

@Resolver(() => SpaceModel)
export class SpaceResolver {
  constructor(
    private readonly spaceService: SpaceService,
    private readonly billing: BillingService,
    private readonly connectionService: AccountConnectionService,
  ) {}

  @Mutation(() => SpaceModel, { description: 'By a user, who becomes its Space administrator' })
  async createSpace(
    @Context() { ctx }: GqlContext,
    @Args('input') input: CreateSpaceInput,
  ): Promise<SpaceModel> {
    const user = requireUserPrincipal(await ctx.principal());
    return SpaceModel.from(await this.spaceService.createSpace(user, input));
  }

  @Query(() => SpaceModel, {
    nullable: true,
    description: 'A space the caller is a member of (tenant administrators see all)',
  })
  async space(
    @Context() { ctx }: GqlContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<SpaceModel | null> {
    const space = await this.spaceService.getSpace(
      requireTenantPrincipal(await ctx.principal()),
      id,
    );
    return space ? SpaceModel.from(space) : null;
  }

  @Query(() => SpaceConnection, {
    description: "The caller's spaces (tenant administrators: all spaces)",
  })
  async spaces(
    @Context() { ctx }: GqlContext,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<RelayConnection<SpaceModel>> {
    const page = await this.spaceService.listSpaces(
      requireTenantPrincipal(await ctx.principal()),
      first,
      after,
    );
    return toConnection(page, SpaceModel.from);
  }

  @Mutation(() => SpaceModel, { description: 'Space administrators only' })
  async addSpaceMember(
    @Context() { ctx }: GqlContext,
    @Args('input') input: SpaceMemberInput,
  ): Promise<SpaceModel> {
    const user = requireUserPrincipal(await ctx.principal());
    return SpaceModel.from(
      await this.spaceService.addMember(user, input.spaceId, input.userId, input.role),
    );
  }

  @Mutation(() => SpaceModel, {
    description: 'Space administrators only; the last administrator keeps the role',
  })
  async updateSpaceMemberRole(
    @Context() { ctx }: GqlContext,
    @Args('input') input: SpaceMemberInput,
  ): Promise<SpaceModel> {
    const user = requireUserPrincipal(await ctx.principal());
    return SpaceModel.from(
      await this.spaceService.updateMemberRole(user, input.spaceId, input.userId, input.role),
    );
  }

  @Mutation(() => SpaceModel, {
    description: 'Space administrators only; the last administrator stays',
  })
  async removeSpaceMember(
    @Context() { ctx }: GqlContext,
    @Args('input') input: RemoveSpaceMemberInput,
  ): Promise<SpaceModel> {
    const user = requireUserPrincipal(await ctx.principal());
    return SpaceModel.from(await this.spaceService.removeMember(user, input.spaceId, input.userId));
  }

  @Mutation(() => SpaceModel, {
    description:
      'Space administrators: designate another verified connection as the billing account',
  })
  async setSpaceBillingConnection(
    @Context() { ctx }: GqlContext,
    @Args('input') input: SetSpaceBillingConnectionInput,
  ): Promise<SpaceModel> {
    const user = requireUserPrincipal(await ctx.principal());
    return SpaceModel.from(
      await this.billing.setBillingConnection(user, input.spaceId, input.connectionId),
    );
  }

  @Mutation(() => SpaceModel, {
    description:
      'Space administrators: STANDARD and ENTERPRISE need a billing account that authorizes paid tiers',
  })
  async updateSpaceTier(
    @Context() { ctx }: GqlContext,
    @Args('input') input: UpdateSpaceTierInput,
  ): Promise<SpaceModel> {
    const user = requireUserPrincipal(await ctx.principal());
    return SpaceModel.from(await this.billing.updateTier(user, input.spaceId, input.tier));
  }

  @ResolveField(() => AccountConnectionModel, {
    nullable: true,
    description: 'The verified connection whose account pays for the space',
  })
  async billingConnection(
    @Parent() space: SpaceModel,
    @Context() { ctx }: GqlContext,
  ): Promise<AccountConnectionModel | null> {
    if (!space.billingConnectionId) {
      return null;
    }
    const row = await ctx.loadForTenant(
      'codecatalyst.billingConnection',
      (tenantId, ids) => this.connectionService.byIds(tenantId, ids),
      space.billingConnectionId,
    );
    return row ? AccountConnectionModel.from(row) : null;
  }

  @ResolveField(() => AccountConnectionConnection, {
    description:
      'The connections of the space that are not pending, a page at a time (first: 1 to 100, default 50)',
  })
  async accountConnections(
    @Parent() space: SpaceModel,
    @Context() { ctx }: GqlContext,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<RelayConnection<AccountConnectionModel>> {
    const { tenantId } = requireTenantPrincipal(await ctx.principal());
    const start = this.connectionService.spacePageStart(tenantId, space.id, after);
    // One batch per page shape: the spaces of a response asking the same page share one query.
    const page = await ctx.loadForTenant(
      `codecatalyst.spaceConnections:${first ?? ''}:${after ?? ''}`,
      (id, ids) => this.connectionService.pagesOfSpaces(id, ids, first, start),
      space.id,
    );
    return toConnection(page, AccountConnectionModel.from);
  }

  @ResolveField(() => [SpaceMemberModel])
  async members(
    @Parent() space: SpaceModel,
    @Context() { ctx }: GqlContext,
  ): Promise<SpaceMemberModel[]> {
    const members = await ctx.loadForTenant(
      'codecatalyst.members',
      (tenantId, ids) => this.spaceService.membersOf(tenantId, ids),
      space.id,
    );
    return members.map((m) => ({
      user: UserModel.from(m.user),
      role: m.role as SpaceRoleEnum,
      addedAt: m.createdAt,
    }));
  }
}
