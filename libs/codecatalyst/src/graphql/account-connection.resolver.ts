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
import { RelayConnection, TagModel, toConnection } from '@accountlink/common';
import { EventBus, EventMessage } from '@accountlink/events';
import {
  GqlContext,
  RequestContext,
  requireAccountPrincipal,
  requireTenantPrincipal,
  requireUserPrincipal,
  TenantSettingsService,
  ThrottleService,
} from '@accountlink/tenancy';
import { AccountCaller, AccountConnectionService } from '../account-connection.service';
import { BillingService } from '../billing.service';
import { AccountConnectionSnapshot } from '../connection-events';
import { ConnectionRoleService } from '../connection-role.service';
import { ConnectionTagService } from '../connection-tag.service';
import {
  AcceptAccountConnectionInput,
  AccountConnectionChangeModel,
  AccountConnectionConnection,
  AccountConnectionModel,
  AccountConnectionStatusEnum,
  AccountConnectionTransitionModel,
  BillingAuthorizationModel,
  CHANGE_KINDS,
  PutBillingAuthorizationInput,
  ConnectionRoleInput,
  ConnectionRoleModel,
  PendingAccountConnectionModel,
  RejectAccountConnectionInput,
  RequestAccountConnectionInput,
  RequestAccountConnectionPayload,
} from './account-connection.models';

@Resolver(() => AccountConnectionModel)
export class AccountConnectionResolver {
  constructor(
    private readonly connections: AccountConnectionService,
    private readonly throttle: ThrottleService,
    private readonly settings: TenantSettingsService,
    private readonly roleService: ConnectionRoleService,
    private readonly billing: BillingService,
    private readonly tagService: ConnectionTagService,
    private readonly bus: EventBus,
  ) {}

  @Mutation(() => RequestAccountConnectionPayload, {
    description: 'Space administrators and power users of the space',
  })
  async requestAccountConnection(
    @Context() { ctx }: GqlContext,
    @Args('input') input: RequestAccountConnectionInput,
  ): Promise<RequestAccountConnectionPayload> {
    const user = requireUserPrincipal(await ctx.principal());
    const { connection, token } = await this.connections.request(user, input);
    return { connection: AccountConnectionModel.from(connection), token };
  }

  @Query(() => PendingAccountConnectionModel, {
    nullable: true,
    description:
      'GetPendingConnection, by a principal of the account; any non-match is the same NOT_FOUND',
  })
  async pendingAccountConnection(
    @Context() { ctx }: GqlContext,
    @Args('token') token: string,
  ): Promise<PendingAccountConnectionModel> {
    return this.connections.pending(await this.verifier(ctx), token);
  }

  @Mutation(() => AccountConnectionModel, {
    description: 'AcceptConnection, by a principal of the account, in the space region',
  })
  async acceptAccountConnection(
    @Context() { ctx }: GqlContext,
    @Args('input') input: AcceptAccountConnectionInput,
  ): Promise<AccountConnectionModel> {
    const connection = await this.connections.accept(
      await this.verifier(ctx),
      input.token,
      input.authorizePaidTiers ?? false,
    );
    return AccountConnectionModel.from(connection);
  }

  @Mutation(() => AccountConnectionModel, {
    description: 'RejectConnection, by a principal of the account, in the space region',
  })
  async rejectAccountConnection(
    @Context() { ctx }: GqlContext,
    @Args('input') input: RejectAccountConnectionInput,
  ): Promise<AccountConnectionModel> {
    return AccountConnectionModel.from(
      await this.connections.reject(await this.verifier(ctx), input.token),
    );
  }

  @Query(() => AccountConnectionModel, {
    nullable: true,
    description: "GetConnection: the space's members or the account's principals",
  })
  async accountConnection(
    @Context() { ctx }: GqlContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<AccountConnectionModel | null> {
    const row = await this.connections.get(requireTenantPrincipal(await ctx.principal()), id);
    return row ? AccountConnectionModel.from(row) : null;
  }

  @Query(() => AccountConnectionConnection, {
    description:
      "ListConnections (not pending): a space's (spaceId), or an account principal's own",
  })
  async accountConnections(
    @Context() { ctx }: GqlContext,
    @Args('spaceId', { type: () => ID, nullable: true }) spaceId?: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<RelayConnection<AccountConnectionModel>> {
    const page = await this.connections.list(requireTenantPrincipal(await ctx.principal()), {
      spaceId,
      first,
      after,
    });
    return toConnection(page, AccountConnectionModel.from);
  }

  @Query(() => AccountConnectionConnection, {
    description: "A space's pending requests: its administrators and power users",
  })
  async pendingAccountConnections(
    @Context() { ctx }: GqlContext,
    @Args('spaceId', { type: () => ID }) spaceId: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<RelayConnection<AccountConnectionModel>> {
    const page = await this.connections.list(requireUserPrincipal(await ctx.principal()), {
      spaceId,
      pending: true,
      first,
      after,
    });
    return toConnection(page, AccountConnectionModel.from);
  }

  @Mutation(() => ConnectionRoleModel, {
    description: 'AssociateIamRoleToConnection, by a principal of the account (VERIFIED only)',
  })
  async associateIamRoleToConnection(
    @Context() { ctx }: GqlContext,
    @Args('input') input: ConnectionRoleInput,
  ): Promise<ConnectionRoleModel> {
    const principal = requireTenantPrincipal(await ctx.principal());
    return ConnectionRoleModel.from(
      await this.roleService.associate(principal, input.connectionId, input.roleArn),
    );
  }

  @Mutation(() => ConnectionRoleModel, {
    description: 'DisassociateIamRoleFromConnection, by a principal of the account',
  })
  async disassociateIamRoleFromConnection(
    @Context() { ctx }: GqlContext,
    @Args('input') input: ConnectionRoleInput,
  ): Promise<ConnectionRoleModel> {
    const principal = requireTenantPrincipal(await ctx.principal());
    return ConnectionRoleModel.from(
      await this.roleService.disassociate(principal, input.connectionId, input.roleArn),
    );
  }

  @Query(() => [ConnectionRoleModel], { description: 'ListIamRolesForConnection' })
  async iamRolesForConnection(
    @Context() { ctx }: GqlContext,
    @Args('connectionId', { type: () => ID }) connectionId: string,
  ): Promise<ConnectionRoleModel[]> {
    const principal = requireTenantPrincipal(await ctx.principal());
    return (await this.roleService.list(principal, connectionId)).map(ConnectionRoleModel.from);
  }

  @Query(() => BillingAuthorizationModel, {
    description: "GetBillingAuthorization, by principals of the connection's account",
  })
  async billingAuthorization(
    @Context() { ctx }: GqlContext,
    @Args('connectionId', { type: () => ID }) connectionId: string,
  ): Promise<BillingAuthorizationModel> {
    return this.billing.authorization(requireTenantPrincipal(await ctx.principal()), connectionId);
  }

  @Mutation(() => BillingAuthorizationModel, {
    description: "PutBillingAuthorization, by principals of the connection's account",
  })
  async putBillingAuthorization(
    @Context() { ctx }: GqlContext,
    @Args('input') input: PutBillingAuthorizationInput,
  ): Promise<BillingAuthorizationModel> {
    return this.billing.putAuthorization(
      requireTenantPrincipal(await ctx.principal()),
      input.connectionId,
      input.authorizePaidTiers,
    );
  }

  @Mutation(() => AccountConnectionModel, {
    description:
      'DeleteConnection, by a Space administrator or a principal of the account; returns it as it was',
  })
  async deleteAccountConnection(
    @Context() { ctx }: GqlContext,
    @Args('connectionId', { type: () => ID }) connectionId: string,
  ): Promise<AccountConnectionModel> {
    return AccountConnectionModel.from(
      await this.billing.deleteConnection(
        requireTenantPrincipal(await ctx.principal()),
        connectionId,
      ),
    );
  }

  @ResolveField(() => [ConnectionRoleModel], {
    description: 'The IAM roles associated with the connection',
  })
  async roles(
    @Parent() c: AccountConnectionModel,
    @Context() { ctx }: GqlContext,
  ): Promise<ConnectionRoleModel[]> {
    const rows = await ctx.loadForTenant(
      'codecatalyst.roles',
      (tenantId, ids) => this.roleService.rolesOf(tenantId, ids),
      c.id,
    );
    return rows.map(ConnectionRoleModel.from);
  }

  @ResolveField(() => [AccountConnectionTransitionModel], {
    description: 'Every transition: when, who, from, to, why',
  })
  async history(
    @Parent() c: AccountConnectionModel,
    @Context() { ctx }: GqlContext,
  ): Promise<AccountConnectionTransitionModel[]> {
    const rows = await ctx.loadForTenant(
      'codecatalyst.history',
      (tenantId, ids) => this.connections.historyOf(tenantId, ids),
      c.id,
    );
    return rows.map((r) => ({
      at: r.at,
      actor: r.actor,
      from: r.fromStatus as AccountConnectionStatusEnum | null,
      to: r.toStatus as AccountConnectionStatusEnum,
      reason: r.reason,
    }));
  }

  @ResolveField(() => [TagModel], {
    description: 'Customer-managed tags (TagResource on the connection ARN)',
  })
  async tags(
    @Parent() c: AccountConnectionModel,
    @Context() { ctx }: GqlContext,
  ): Promise<TagModel[]> {
    return ctx.loadForTenant(
      'codecatalyst.tags',
      (tenantId, arns) => this.tagService.tagsOf(tenantId, arns),
      c.arn,
    );
  }

  @Subscription(() => AccountConnectionChangeModel, {
    description:
      "Every change of account connections (of a space, or one connection): to the space's administrators and power users at the time of the change, to principals of the connection's account, and to tenant administrators",
    resolve: (event: EventMessage): AccountConnectionChangeModel => {
      const payload = event.payload as {
        actor: string;
        roleArn?: string;
        connection: AccountConnectionSnapshot;
      };
      return {
        eventId: event.id,
        kind: CHANGE_KINDS[event.type],
        at: new Date(event.occurredAt),
        actor: payload.actor,
        roleArn: payload.roleArn ?? null,
        connection: AccountConnectionModel.fromSnapshot(payload.connection),
      };
    },
  })
  async accountConnectionChanged(
    @Context() { ctx }: GqlContext,
    @Args('spaceId', { type: () => ID, nullable: true }) spaceId?: string,
    @Args('connectionId', { type: () => ID, nullable: true }) connectionId?: string,
  ): Promise<AsyncIterableIterator<EventMessage>> {
    const principal = requireTenantPrincipal(await ctx.principal());
    if (principal.kind === 'USER' && spaceId) {
      // A clear refusal up front; the audience of each event is what really limits delivery.
      await this.connections.requireManager(principal, spaceId);
    }
    return this.bus.subscribe(principal, (event) => {
      if (event.aggregateType !== 'AccountConnection' || !CHANGE_KINDS[event.type]) {
        return false;
      }
      const connection = (event.payload as { connection?: AccountConnectionSnapshot }).connection;
      return (
        connection !== undefined &&
        (!connectionId || event.aggregateId === connectionId) &&
        (!spaceId || connection.spaceId === spaceId)
      );
    });
  }

  /**
   * Token look-ups and verifications are made as an account and rate-limited per caller (key),
   * per account (a share of the tenant's limit, so that one account, however many keys it has,
   * cannot use up the tenant's attempts for the others) and per tenant, counting every attempt,
   * so guessing tokens is throttled long before it could pay.
   */
  private async verifier(ctx: RequestContext): Promise<AccountCaller> {
    const account = requireAccountPrincipal(await ctx.principal());
    const region = ctx.region;
    const limits = await this.settings.get(account.tenantId);
    const message = 'Too many connection token attempts; try again in a minute';
    await this.throttle.hit(
      `verify:key:${account.keyId}`,
      limits.verificationsPerMinutePerCaller,
      60,
      message,
    );
    await this.throttle.hit(
      `verify:account:${account.tenantId}:${account.accountId}`,
      verificationShare(limits.verificationsPerMinutePerTenant),
      60,
      message,
    );
    await this.throttle.hit(
      `verify:tenant:${account.tenantId}`,
      limits.verificationsPerMinutePerTenant,
      60,
      message,
    );
    return {
      tenantId: account.tenantId,
      accountId: account.accountId,
      region,
      keyId: account.keyId,
    };
  }
}

/** One account's share of its tenant's token attempts per minute: a quarter, at least one. */
export function verificationShare(tenantLimit: number): number {
  return Math.max(1, Math.floor(tenantLimit / 4));
}
