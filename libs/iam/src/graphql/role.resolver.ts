import { Args, Context, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { RelayConnection, toConnection } from '@accountlink/common';
import { GqlContext, requireAccountReader, requireTenantAdmin } from '@accountlink/tenancy';
import { RoleService } from '../role.service';
import {
  CreateRoleInput,
  DeleteRoleInput,
  RoleConnection,
  RoleModel,
  UpdateAssumeRolePolicyInput,
} from './role.models';

@Resolver(() => RoleModel)
export class RoleResolver {
  constructor(private readonly roleService: RoleService) {}

  @Mutation(() => RoleModel, { description: 'Tenant administrator only' })
  async createRole(
    @Context() { ctx }: GqlContext,
    @Args('input') input: CreateRoleInput,
  ): Promise<RoleModel> {
    const admin = requireTenantAdmin(await ctx.principal());
    return RoleModel.from(await this.roleService.createRole(admin.tenantId, input));
  }

  @Mutation(() => RoleModel, { description: 'Tenant administrator only' })
  async updateAssumeRolePolicy(
    @Context() { ctx }: GqlContext,
    @Args('input') input: UpdateAssumeRolePolicyInput,
  ): Promise<RoleModel> {
    const admin = requireTenantAdmin(await ctx.principal());
    return RoleModel.from(
      await this.roleService.updateAssumeRolePolicy(
        admin.tenantId,
        input.accountId,
        input.roleName,
        input.policyDocument,
      ),
    );
  }

  @Mutation(() => RoleModel, { description: 'Tenant administrator only; returns the deleted role' })
  async deleteRole(
    @Context() { ctx }: GqlContext,
    @Args('input') input: DeleteRoleInput,
  ): Promise<RoleModel> {
    const admin = requireTenantAdmin(await ctx.principal());
    return RoleModel.from(
      await this.roleService.deleteRole(admin.tenantId, input.accountId, input.roleName),
    );
  }

  @Query(() => RoleConnection, {
    description: "An account's roles: tenant administrators and the account's own principals",
  })
  async roles(
    @Context() { ctx }: GqlContext,
    @Args('accountId') accountId: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<RelayConnection<RoleModel>> {
    const principal = requireAccountReader(await ctx.principal(), accountId);
    return toConnection(
      await this.roleService.listRoles(principal.tenantId, accountId, first, after),
      RoleModel.from,
    );
  }

  @Query(() => RoleModel, { nullable: true })
  async role(
    @Context() { ctx }: GqlContext,
    @Args('accountId') accountId: string,
    @Args('roleName') roleName: string,
  ): Promise<RoleModel | null> {
    const principal = requireAccountReader(await ctx.principal(), accountId);
    const role = await this.roleService.getRole(principal.tenantId, accountId, roleName);
    return role ? RoleModel.from(role) : null;
  }
}
