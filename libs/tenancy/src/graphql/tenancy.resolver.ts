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
import { AppError, RelayConnection, toConnection } from '@accountlink/common';
import { AccessKeyService } from '../access-key.service';
import {
  requireAccountReader,
  requireIdentityReader,
  requireOperator,
  requireTenantAdmin,
} from '../access';
import { AccountService } from '../account.service';
import { ApiKeyService } from '../api-key.service';
import { GqlContext } from '../request-context';
import { TenantService } from '../tenant.service';
import { TenantSettingsService } from '../tenant-settings.service';
import { UserService } from '../user.service';
import {
  AccessKeyModel,
  AccountConnection,
  AccountModel,
  ApiKeyModel,
  CreateAccessKeyInput,
  CreateAccessKeyPayload,
  CreateAccountInput,
  CreateApiKeyInput,
  CreateApiKeyPayload,
  CreateTenantInput,
  CreateTenantPayload,
  PrincipalKind,
  PrincipalModel,
  TenantModel,
  TenantSettingsModel,
  UpdateTenantSettingsInput,
  UserConnection,
  UserModel,
  CreateUserInput,
} from './tenancy.models';

@Resolver()
export class TenancyResolver {
  constructor(
    private readonly tenants: TenantService,
    private readonly accountService: AccountService,
    private readonly apiKeyService: ApiKeyService,
    private readonly accessKeyService: AccessKeyService,
    private readonly settingsService: TenantSettingsService,
    private readonly userService: UserService,
  ) {}

  @Mutation(() => UserModel, { description: 'Tenant administrator only' })
  async createUser(
    @Context() { ctx }: GqlContext,
    @Args('input') input: CreateUserInput,
  ): Promise<UserModel> {
    const admin = requireTenantAdmin(await ctx.principal());
    return UserModel.from(await this.userService.createUser(admin.tenantId, input));
  }

  @Query(() => UserConnection, { description: "The tenant's users. Tenant administrator only" })
  async users(
    @Context() { ctx }: GqlContext,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<RelayConnection<UserModel>> {
    const admin = requireTenantAdmin(await ctx.principal());
    return toConnection(
      await this.userService.listUsers(admin.tenantId, first, after),
      UserModel.from,
    );
  }

  @Query(() => TenantSettingsModel, { description: 'Tenant administrator only' })
  async tenantSettings(@Context() { ctx }: GqlContext): Promise<TenantSettingsModel> {
    const admin = requireTenantAdmin(await ctx.principal());
    return this.settingsService.get(admin.tenantId);
  }

  @Mutation(() => TenantSettingsModel, {
    description: 'Tenant administrator only: quotas and rates of the simulation',
  })
  async updateTenantSettings(
    @Context() { ctx }: GqlContext,
    @Args('input') input: UpdateTenantSettingsInput,
  ): Promise<TenantSettingsModel> {
    const admin = requireTenantAdmin(await ctx.principal());
    return this.settingsService.update(admin.tenantId, {
      connectionQuota: input.connectionQuota ?? undefined,
      requestsPerSecondPerAccount: input.requestsPerSecondPerAccount ?? undefined,
      connectionTokenTtlSeconds: input.connectionTokenTtlSeconds ?? undefined,
      verificationsPerMinutePerCaller: input.verificationsPerMinutePerCaller ?? undefined,
      verificationsPerMinutePerTenant: input.verificationsPerMinutePerTenant ?? undefined,
      environmentQuota: input.environmentQuota ?? undefined,
      templateQuota: input.templateQuota ?? undefined,
      provisioningDelayMs: input.provisioningDelayMs ?? undefined,
      deploymentFailureRate: input.deploymentFailureRate ?? undefined,
      graphqlMaxDepth: input.graphqlMaxDepth ?? undefined,
      graphqlMaxAliases: input.graphqlMaxAliases ?? undefined,
      graphqlMaxCost: input.graphqlMaxCost ?? undefined,
      roleQuota: input.roleQuota ?? undefined,
      userQuota: input.userQuota ?? undefined,
      spaceQuota: input.spaceQuota ?? undefined,
      bundleObjectQuota: input.bundleObjectQuota ?? undefined,
      accountConnectionQuota: input.accountConnectionQuota ?? undefined,
      worldAccountLimit: input.worldAccountLimit ?? undefined,
      faultInjection: input.faultInjection ?? undefined,
      corsOrigins: input.corsOrigins ?? undefined,
    });
  }

  @Query(() => PrincipalModel, { description: 'Who the key of this request acts as' })
  async me(@Context() { ctx }: GqlContext): Promise<PrincipalModel> {
    const principal = await ctx.principal();
    // The tenant, account and user are read only when the query asks for them (PrincipalResolver).
    return { kind: PrincipalKind[principal.kind], region: ctx.region, principal };
  }

  @Mutation(() => CreateTenantPayload, { description: 'Operator only' })
  async createTenant(
    @Context() { ctx }: GqlContext,
    @Args('input') input: CreateTenantInput,
  ): Promise<CreateTenantPayload> {
    requireOperator(await ctx.principal());
    const { tenant, adminKey } = await this.tenants.createTenant(input.name);
    return { tenant: TenantModel.from(tenant), adminKey };
  }

  @Mutation(() => AccountModel, { description: 'Tenant administrator only' })
  async createAccount(
    @Context() { ctx }: GqlContext,
    @Args('input') input: CreateAccountInput,
  ): Promise<AccountModel> {
    const admin = requireTenantAdmin(await ctx.principal());
    return AccountModel.from(await this.accountService.createAccount(admin.tenantId, input));
  }

  @Query(() => AccountConnection, {
    description: "The tenant's accounts; an account key sees its own",
  })
  async accounts(
    @Context() { ctx }: GqlContext,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<RelayConnection<AccountModel>> {
    const principal = requireIdentityReader(await ctx.principal());
    if (principal.kind === 'ACCOUNT') {
      const own = await this.accountService.getAccount(principal.tenantId, principal.accountId);
      const items = own && !after ? [own] : [];
      return toConnection(
        { items, cursors: items.map(() => 'own'), hasNextPage: false },
        AccountModel.from,
      );
    }
    return toConnection(
      await this.accountService.listAccounts(principal.tenantId, first, after),
      AccountModel.from,
    );
  }

  @Query(() => AccountModel, { nullable: true })
  async account(
    @Context() { ctx }: GqlContext,
    @Args('accountId') accountId: string,
  ): Promise<AccountModel | null> {
    const principal = requireAccountReader(await ctx.principal(), accountId);
    const account = await this.accountService.getAccount(principal.tenantId, accountId);
    return account ? AccountModel.from(account) : null;
  }

  @Mutation(() => CreateApiKeyPayload, { description: 'Tenant administrator only' })
  async createApiKey(
    @Context() { ctx }: GqlContext,
    @Args('input') input: CreateApiKeyInput,
  ): Promise<CreateApiKeyPayload> {
    const admin = requireTenantAdmin(await ctx.principal());
    const { key, apiKey } = await this.apiKeyService.createApiKey(
      admin.tenantId,
      input.accountId,
      input.userId,
    );
    return { key, apiKey: ApiKeyModel.from(apiKey) };
  }

  @Mutation(() => ApiKeyModel, {
    description: 'Tenant administrator only; takes effect on the next request',
  })
  async revokeApiKey(
    @Context() { ctx }: GqlContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<ApiKeyModel> {
    const admin = requireTenantAdmin(await ctx.principal());
    if (!/^[0-9a-f-]{36}$/i.test(id)) {
      throw AppError.badInput('id', 'id is not an API key id');
    }
    return ApiKeyModel.from(await this.apiKeyService.revokeApiKey(admin.tenantId, id));
  }

  @Query(() => [ApiKeyModel], { description: 'Tenant administrator only' })
  async apiKeys(@Context() { ctx }: GqlContext): Promise<ApiKeyModel[]> {
    const admin = requireTenantAdmin(await ctx.principal());
    return (await this.apiKeyService.listApiKeys(admin.tenantId)).map(ApiKeyModel.from);
  }

  @Mutation(() => CreateAccessKeyPayload, { description: 'Tenant administrator only' })
  async createAccessKey(
    @Context() { ctx }: GqlContext,
    @Args('input') input: CreateAccessKeyInput,
  ): Promise<CreateAccessKeyPayload> {
    const admin = requireTenantAdmin(await ctx.principal());
    const key = await this.accessKeyService.createAccessKey(admin.tenantId, input.accountId);
    return {
      accessKeyId: key.accessKeyId,
      secretAccessKey: key.secretAccessKey,
      accessKey: AccessKeyModel.from(key),
    };
  }

  @Mutation(() => AccessKeyModel, { description: 'Tenant administrator only' })
  async deleteAccessKey(
    @Context() { ctx }: GqlContext,
    @Args('accessKeyId') accessKeyId: string,
  ): Promise<AccessKeyModel> {
    const admin = requireTenantAdmin(await ctx.principal());
    return AccessKeyModel.from(
      await this.accessKeyService.deleteAccessKey(admin.tenantId, accessKeyId),
    );
  }

  @Query(() => [AccessKeyModel], { description: "An account's access keys (never their secrets)" })
  async accessKeys(
    @Context() { ctx }: GqlContext,
    @Args('accountId') accountId: string,
  ): Promise<AccessKeyModel[]> {
    const principal = requireAccountReader(await ctx.principal(), accountId);
    return (await this.accessKeyService.listAccessKeys(principal.tenantId, accountId)).map(
      AccessKeyModel.from,
    );
  }
}

/** The parts of `me` that need the database, resolved only when selected. */
@Resolver(() => PrincipalModel)
export class PrincipalResolver {
  constructor(
    private readonly tenants: TenantService,
    private readonly accountService: AccountService,
    private readonly userService: UserService,
  ) {}

  @ResolveField(() => TenantModel, { nullable: true })
  async tenant(@Parent() me: PrincipalModel): Promise<TenantModel | null> {
    const { principal } = me;
    if (principal.kind === 'OPERATOR') {
      return null;
    }
    const tenant = await this.tenants.getTenant(principal.tenantId);
    return tenant ? TenantModel.from(tenant) : null;
  }

  @ResolveField(() => AccountModel, {
    nullable: true,
    description: 'The account an account key acts for',
  })
  async account(@Parent() me: PrincipalModel): Promise<AccountModel | null> {
    const { principal } = me;
    if (principal.kind !== 'ACCOUNT') {
      return null;
    }
    const account = await this.accountService.getAccount(principal.tenantId, principal.accountId);
    return account ? AccountModel.from(account) : null;
  }

  @ResolveField(() => UserModel, { nullable: true, description: 'The user a user key acts for' })
  async user(@Parent() me: PrincipalModel): Promise<UserModel | null> {
    const { principal } = me;
    if (principal.kind !== 'USER') {
      return null;
    }
    const user = await this.userService.getUser(principal.tenantId, principal.userId);
    return user ? UserModel.from(user) : null;
  }
}
