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
import DataLoader from 'dataloader';
import { MemberWithUser, SpaceService } from '../space.service';
import {
  CreateSpaceInput,
  RemoveSpaceMemberInput,
  SpaceConnection,
  SpaceMemberInput,
  SpaceMemberModel,
  SpaceModel,
  SpaceRoleEnum,
} from './space.models';

@Resolver(() => SpaceModel)
export class SpaceResolver {
  constructor(private readonly spaceService: SpaceService) {}

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

  @ResolveField(() => [SpaceMemberModel])
  async members(
    @Parent() space: SpaceModel,
    @Context() { ctx }: GqlContext,
  ): Promise<SpaceMemberModel[]> {
    const principal = requireTenantPrincipal(await ctx.principal());
    const loader = ctx.memo(
      'codecatalyst.members',
      () =>
        new DataLoader<string, MemberWithUser[]>(async (ids) => {
          const bySpace = await this.spaceService.membersOf(principal.tenantId, ids);
          return ids.map((id) => bySpace.get(id) ?? []);
        }),
    );
    return (await loader.load(space.id)).map((m) => ({
      user: UserModel.from(m.user),
      role: m.role as SpaceRoleEnum,
      addedAt: m.createdAt,
    }));
  }
}
