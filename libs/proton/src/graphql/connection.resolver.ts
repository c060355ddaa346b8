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
  Subscription,
} from '@nestjs/graphql';
import { Principal, RelayConnection, TagModel, toConnection } from '@accountlink/common';
import { EventBus, EventMessage } from '@accountlink/events';
import { GqlContext, requireTenantPrincipal, ThrottleService } from '@accountlink/tenancy';
import { ConnectionService, ConnectionSnapshot } from '../connection.service';
import { EnvironmentService } from '../environment.service';
import { TagService } from '../tag.service';
import { EnvironmentModel } from './environment.models';
import {
  ConnectionTransitionModel,
  CreateEnvironmentAccountConnectionInput,
  EnvironmentAccountConnectionConnection,
  EnvironmentAccountConnectionModel,
  EnvironmentAccountConnectionStatus,
  RequesterAccountType,
  RoleValidationModel,
  UpdateEnvironmentAccountConnectionInput,
} from './connection.models';
import { protonCaller, tagsOf } from './proton-context';

@Resolver(() => EnvironmentAccountConnectionModel)
export class ConnectionResolver {
  constructor(
    private readonly connections: ConnectionService,
    private readonly tagService: TagService,
    private readonly throttle: ThrottleService,
    private readonly bus: EventBus,
    private readonly environmentService: EnvironmentService,
  ) {}

  @ResolveField(() => [EnvironmentModel], {
    description:
      'The environments using this connection: for the management account (the environment account sees none, only its stacks)',
  })
  async environments(
    @Parent() c: EnvironmentAccountConnectionModel,
    @Context() { ctx }: GqlContext,
  ): Promise<EnvironmentModel[]> {
    const principal = requireTenantPrincipal(await ctx.principal());
    if (
      principal.kind !== 'TENANT_ADMIN' &&
      !(principal.kind === 'ACCOUNT' && principal.accountId === c.managementAccountId)
    ) {
      return [];
    }
    const rows = await ctx.loadForTenant(
      'proton.environmentsOfConnection',
      (tenantId, ids) => this.environmentService.usersOf(tenantId, ids),
      c.id,
    );
    return rows.map(EnvironmentModel.from);
  }

  @Mutation(() => EnvironmentAccountConnectionModel, {
    description: 'CreateEnvironmentAccountConnection, as the environment account',
  })
  async createEnvironmentAccountConnection(
    @Context() { ctx }: GqlContext,
    @Args('input') input: CreateEnvironmentAccountConnectionInput,
  ): Promise<EnvironmentAccountConnectionModel> {
    const caller = await protonCaller(ctx, this.throttle);
    return EnvironmentAccountConnectionModel.from(await this.connections.create(caller, input));
  }

  @Mutation(() => EnvironmentAccountConnectionModel, {
    description: 'AcceptEnvironmentAccountConnection, as the management account',
  })
  async acceptEnvironmentAccountConnection(
    @Context() { ctx }: GqlContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<EnvironmentAccountConnectionModel> {
    return EnvironmentAccountConnectionModel.from(
      await this.connections.accept(await protonCaller(ctx, this.throttle), id),
    );
  }

  @Mutation(() => EnvironmentAccountConnectionModel, {
    description: 'RejectEnvironmentAccountConnection, as the management account',
  })
  async rejectEnvironmentAccountConnection(
    @Context() { ctx }: GqlContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<EnvironmentAccountConnectionModel> {
    return EnvironmentAccountConnectionModel.from(
      await this.connections.reject(await protonCaller(ctx, this.throttle), id),
    );
  }

  @Mutation(() => EnvironmentAccountConnectionModel, {
    description:
      'DeleteEnvironmentAccountConnection, as the environment account; returns the connection as it was',
  })
  async deleteEnvironmentAccountConnection(
    @Context() { ctx }: GqlContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<EnvironmentAccountConnectionModel> {
    return EnvironmentAccountConnectionModel.from(
      await this.connections.delete(await protonCaller(ctx, this.throttle), id),
    );
  }

  @Mutation(() => EnvironmentAccountConnectionModel, {
    description: 'UpdateEnvironmentAccountConnection, as the environment account',
  })
  async updateEnvironmentAccountConnection(
    @Context() { ctx }: GqlContext,
    @Args('input') input: UpdateEnvironmentAccountConnectionInput,
  ): Promise<EnvironmentAccountConnectionModel> {
    const caller = await protonCaller(ctx, this.throttle);
    return EnvironmentAccountConnectionModel.from(
      await this.connections.update(caller, input.id, input),
    );
  }

  @Query(() => EnvironmentAccountConnectionModel, {
    nullable: true,
    description: 'GetEnvironmentAccountConnection (null when not found)',
  })
  async environmentAccountConnection(
    @Context() { ctx }: GqlContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<EnvironmentAccountConnectionModel | null> {
    const row = await this.connections.find(await protonCaller(ctx, this.throttle), id);
    return row ? EnvironmentAccountConnectionModel.from(row) : null;
  }

  @Query(() => EnvironmentAccountConnectionConnection, {
    description: 'ListEnvironmentAccountConnections in the request region',
  })
  async environmentAccountConnections(
    @Context() { ctx }: GqlContext,
    @Args('requestedBy', { type: () => RequesterAccountType }) requestedBy: RequesterAccountType,
    @Args('environmentName', { type: () => String, nullable: true }) environmentName?: string,
    @Args('statuses', { type: () => [EnvironmentAccountConnectionStatus], nullable: true })
    statuses?: EnvironmentAccountConnectionStatus[],
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<RelayConnection<EnvironmentAccountConnectionModel>> {
    const caller = await protonCaller(ctx, this.throttle);
    const page = await this.connections.list(caller, {
      requestedBy,
      environmentName,
      statuses,
      first,
      after,
    });
    return toConnection(page, EnvironmentAccountConnectionModel.from);
  }

  @ResolveField(() => [TagModel], {
    description:
      'Customer-managed tags; visible to the environment account (empty for the management account)',
  })
  async tags(
    @Parent() c: EnvironmentAccountConnectionModel,
    @Context() { ctx }: GqlContext,
  ): Promise<TagModel[]> {
    const principal = requireTenantPrincipal(await ctx.principal());
    if (principal.kind === 'ACCOUNT' && principal.accountId !== c.environmentAccountId) {
      return [];
    }
    return tagsOf(ctx, this.tagService, c.arn);
  }

  @ResolveField(() => [RoleValidationModel])
  async roleValidation(
    @Parent() c: EnvironmentAccountConnectionModel,
    @Context() { ctx }: GqlContext,
  ): Promise<RoleValidationModel[]> {
    const rows = await ctx.loadForTenant(
      'proton.roleValidation',
      (tenantId, ids) => this.connections.validationsOf(tenantId, ids),
      c.id,
    );
    return rows.map((r) => ({
      ...r,
      kind: r.kind as RoleValidationModel['kind'],
      status: r.status as RoleValidationModel['status'],
    }));
  }

  @ResolveField(() => [ConnectionTransitionModel], {
    description: 'Every transition: when, who, from, to, why',
  })
  async history(
    @Parent() c: EnvironmentAccountConnectionModel,
    @Context() { ctx }: GqlContext,
  ): Promise<ConnectionTransitionModel[]> {
    const rows = await ctx.loadForTenant(
      'proton.history',
      (tenantId, ids) => this.connections.historyOf(tenantId, ids),
      c.id,
    );
    return rows.map((r) => ({
      at: r.at,
      actor: r.actor,
      from: r.fromStatus as EnvironmentAccountConnectionStatus | null,
      to: r.toStatus as EnvironmentAccountConnectionStatus,
      reason: r.reason,
    }));
  }

  @Subscription(() => EnvironmentAccountConnectionModel, {
    description:
      'Every change of connections: to principals of both accounts (in the connection region) and tenant administrators',
    resolve: (event: EventMessage) =>
      EnvironmentAccountConnectionModel.from(
        (event.payload as { connection: ConnectionSnapshot }).connection,
      ),
  })
  async environmentAccountConnectionChanged(
    @Context() { ctx }: GqlContext,
    @Args('id', { type: () => ID, nullable: true }) id?: string,
  ): Promise<AsyncIterableIterator<EventMessage>> {
    const principal: Principal = requireTenantPrincipal(await ctx.principal());
    const region = ctx.region;
    return this.bus.subscribe(principal, (event) => {
      if (
        event.aggregateType !== 'EnvironmentAccountConnection' ||
        (id && event.aggregateId !== id)
      ) {
        return false;
      }
      const connection = (event.payload as { connection: ConnectionSnapshot }).connection;
      return principal.kind === 'TENANT_ADMIN' || connection.region === region;
    });
  }
}
