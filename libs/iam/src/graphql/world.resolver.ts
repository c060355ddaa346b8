import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { GqlContext, requireTenantAdmin } from '@accountlink/tenancy';
import { WorldService } from '../world.service';
import { CreateWorldInput, CreateWorldPayload } from './world.models';

@Resolver()
export class WorldResolver {
  constructor(private readonly worlds: WorldService) {}

  @Mutation(() => CreateWorldPayload, {
    description:
      'Tenant administrator only: many accounts with roles and keys, in batches of 500 (one transaction each); the keys are downloaded once from credentials.path',
  })
  async createWorld(
    @Context() { ctx }: GqlContext,
    @Args('input') input: CreateWorldInput,
  ): Promise<CreateWorldPayload> {
    const admin = requireTenantAdmin(await ctx.principal());
    return CreateWorldPayload.from(await this.worlds.createWorld(admin.tenantId, input));
  }
}
