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
import { AppError, RelayConnection, TagModel, toConnection } from '@accountlink/common';
import { EventBus, EventMessage } from '@accountlink/events';
import { GqlContext, requireTenantPrincipal, ThrottleService } from '@accountlink/tenancy';
import { BundleService } from '../bundle.service';
import { ConnectionService } from '../connection.service';
import { EnvironmentService } from '../environment.service';
import { AccountSettingsService } from '../account-settings.service';
import { EnvironmentResourcesService } from '../environment-resources.service';
import { EnvironmentSnapshot, fromSnapshot } from '../proton-events';
import { StackService } from '../stack.service';
import { TagService } from '../tag.service';
import { TemplateService } from '../template.service';
import { TemplateVersionService } from '../template-version.service';
import { EnvironmentAccountConnectionModel } from './connection.models';
import {
  BundleObjectModel,
  CreateEnvironmentInput,
  CreateEnvironmentTemplateInput,
  CreateEnvironmentTemplateVersionInput,
  DeploymentConnection,
  DeploymentModel,
  EnvironmentConnection,
  EnvironmentModel,
  EnvironmentOutputModel,
  EnvironmentTemplateConnection,
  EnvironmentTemplateModel,
  EnvironmentTemplateVersionConnection,
  EnvironmentTemplateVersionModel,
  PutBundleObjectInput,
  StackConnection,
  StackModel,
  TemplateVersionInput,
  ProtonAccountSettingsModel,
  ProvisionedResourceModel,
  ResourcesSummaryModel,
  UpdateAccountSettingsInput,
  UpdateEnvironmentInput,
  UpdateEnvironmentTemplateInput,
  UpdateEnvironmentTemplateVersionInput,
} from './environment.models';
import { protonCaller, tagsOf } from './proton-context';

/** Environment templates and their versions (GraphQL edge; the management account). */
@Resolver(() => EnvironmentTemplateModel)
export class EnvironmentTemplateResolver {
  constructor(
    private readonly templates: TemplateService,
    private readonly versionService: TemplateVersionService,
    private readonly bundles: BundleService,
    private readonly tagService: TagService,
    private readonly throttle: ThrottleService,
  ) {}

  @Mutation(() => BundleObjectModel, {
    description:
      "Puts a template bundle (its schema file) in an account's simulated S3 store, for CreateEnvironmentTemplateVersion's source.s3: an account key puts in its own account, a tenant admin names the account",
  })
  async putBundleObject(
    @Context() { ctx }: GqlContext,
    @Args('input') input: PutBundleObjectInput,
  ): Promise<BundleObjectModel> {
    const principal = requireTenantPrincipal(await ctx.principal());
    let accountId: string;
    if (principal.kind === 'ACCOUNT') {
      if (input.accountId && input.accountId !== principal.accountId) {
        throw AppError.forbidden(
          `An account key puts objects in its own account (${principal.accountId})`,
        );
      }
      await this.throttle.check(principal.tenantId, principal.accountId);
      accountId = principal.accountId;
    } else if (principal.kind === 'TENANT_ADMIN' && input.accountId) {
      accountId = input.accountId;
    } else {
      throw AppError.badInput(
        'accountId',
        'accountId is required: the account whose S3 store receives the object',
      );
    }
    return this.bundles.put(
      principal.tenantId,
      accountId,
      input.bucket,
      input.key,
      bundleBytes(input.body, input.bodyBase64),
    );
  }

  @Mutation(() => EnvironmentTemplateModel, { description: 'CreateEnvironmentTemplate' })
  async createEnvironmentTemplate(
    @Context() { ctx }: GqlContext,
    @Args('input') input: CreateEnvironmentTemplateInput,
  ): Promise<EnvironmentTemplateModel> {
    const caller = await protonCaller(ctx, this.throttle);
    return EnvironmentTemplateModel.from(await this.templates.createTemplate(caller, input));
  }

  @Query(() => EnvironmentTemplateModel, { description: 'GetEnvironmentTemplate' })
  async environmentTemplate(
    @Context() { ctx }: GqlContext,
    @Args('name') name: string,
  ): Promise<EnvironmentTemplateModel> {
    const caller = await protonCaller(ctx, this.throttle);
    return EnvironmentTemplateModel.from(await this.templates.getTemplate(caller, name));
  }

  @Query(() => EnvironmentTemplateConnection, { description: 'ListEnvironmentTemplates' })
  async environmentTemplates(
    @Context() { ctx }: GqlContext,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<RelayConnection<EnvironmentTemplateModel>> {
    const caller = await protonCaller(ctx, this.throttle);
    return toConnection(
      await this.templates.listTemplates(caller, first, after),
      EnvironmentTemplateModel.from,
    );
  }

  @Mutation(() => EnvironmentTemplateModel, {
    description: 'UpdateEnvironmentTemplate: its display name and description',
  })
  async updateEnvironmentTemplate(
    @Context() { ctx }: GqlContext,
    @Args('input') input: UpdateEnvironmentTemplateInput,
  ): Promise<EnvironmentTemplateModel> {
    const caller = await protonCaller(ctx, this.throttle);
    return EnvironmentTemplateModel.from(
      await this.templates.updateTemplate(caller, input.name, input),
    );
  }

  @Mutation(() => EnvironmentTemplateModel, {
    description:
      'DeleteEnvironmentTemplate (and its versions); refused while an environment uses it',
  })
  async deleteEnvironmentTemplate(
    @Context() { ctx }: GqlContext,
    @Args('name') name: string,
  ): Promise<EnvironmentTemplateModel> {
    const caller = await protonCaller(ctx, this.throttle);
    return EnvironmentTemplateModel.from(await this.templates.deleteTemplate(caller, name));
  }

  @Mutation(() => EnvironmentTemplateVersionModel, {
    description:
      'CreateEnvironmentTemplateVersion: REGISTRATION_IN_PROGRESS, then DRAFT or REGISTRATION_FAILED (the worker checks the schema)',
  })
  async createEnvironmentTemplateVersion(
    @Context() { ctx }: GqlContext,
    @Args('input') input: CreateEnvironmentTemplateVersionInput,
  ): Promise<EnvironmentTemplateVersionModel> {
    const caller = await protonCaller(ctx, this.throttle);
    return EnvironmentTemplateVersionModel.from(
      await this.versionService.createVersion(caller, {
        templateName: input.templateName,
        majorVersion: input.majorVersion,
        description: input.description,
        clientToken: input.clientToken,
        schema: input.schema,
        source: input.s3 ?? null,
        tags: input.tags,
      }),
    );
  }

  @Query(() => EnvironmentTemplateVersionModel, { description: 'GetEnvironmentTemplateVersion' })
  async environmentTemplateVersion(
    @Context() { ctx }: GqlContext,
    @Args('input') input: TemplateVersionInput,
  ): Promise<EnvironmentTemplateVersionModel> {
    const caller = await protonCaller(ctx, this.throttle);
    return EnvironmentTemplateVersionModel.from(
      await this.versionService.getVersion(
        caller,
        input.templateName,
        input.majorVersion,
        input.minorVersion,
      ),
    );
  }

  @Mutation(() => EnvironmentTemplateVersionModel, {
    description: 'UpdateEnvironmentTemplateVersion: description, and DRAFT → PUBLISHED',
  })
  async updateEnvironmentTemplateVersion(
    @Context() { ctx }: GqlContext,
    @Args('input') input: UpdateEnvironmentTemplateVersionInput,
  ): Promise<EnvironmentTemplateVersionModel> {
    const caller = await protonCaller(ctx, this.throttle);
    return EnvironmentTemplateVersionModel.from(
      await this.versionService.updateVersion(
        caller,
        input.templateName,
        input.majorVersion,
        input.minorVersion,
        { status: input.status, description: input.description },
      ),
    );
  }

  @Mutation(() => EnvironmentTemplateVersionModel, {
    description: 'DeleteEnvironmentTemplateVersion; refused while an environment uses it',
  })
  async deleteEnvironmentTemplateVersion(
    @Context() { ctx }: GqlContext,
    @Args('input') input: TemplateVersionInput,
  ): Promise<EnvironmentTemplateVersionModel> {
    const caller = await protonCaller(ctx, this.throttle);
    return EnvironmentTemplateVersionModel.from(
      await this.versionService.deleteVersion(
        caller,
        input.templateName,
        input.majorVersion,
        input.minorVersion,
      ),
    );
  }

  @Query(() => EnvironmentTemplateVersionConnection, {
    description: 'ListEnvironmentTemplateVersions (optionally of one major version)',
  })
  async environmentTemplateVersions(
    @Context() { ctx }: GqlContext,
    @Args('templateName') templateName: string,
    @Args('majorVersion', { type: () => Int, nullable: true }) majorVersion?: number,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<RelayConnection<EnvironmentTemplateVersionModel>> {
    const caller = await protonCaller(ctx, this.throttle);
    return toConnection(
      await this.versionService.listVersions(caller, templateName, majorVersion, first, after),
      EnvironmentTemplateVersionModel.from,
    );
  }

  @ResolveField(() => [EnvironmentTemplateVersionModel], {
    description: 'Every version, in version order (batched across templates)',
  })
  async versions(
    @Parent() t: EnvironmentTemplateModel,
    @Context() { ctx }: GqlContext,
  ): Promise<EnvironmentTemplateVersionModel[]> {
    const rows = await ctx.loadForTenant(
      'proton.templateVersions',
      (tenantId, ids) => this.versionService.versionsOf(tenantId, ids),
      t.id,
    );
    return rows.map(EnvironmentTemplateVersionModel.from);
  }

  @ResolveField(() => [TagModel])
  async tags(
    @Parent() t: EnvironmentTemplateModel,
    @Context() { ctx }: GqlContext,
  ): Promise<TagModel[]> {
    return tagsOf(ctx, this.tagService, t.arn);
  }
}

/** Environments, deployments and stacks (GraphQL edge). */
@Resolver(() => EnvironmentModel)
export class EnvironmentResolver {
  constructor(
    private readonly environmentService: EnvironmentService,
    private readonly resources: EnvironmentResourcesService,
    private readonly accountSettings: AccountSettingsService,
    private readonly connections: ConnectionService,
    private readonly stackService: StackService,
    private readonly tagService: TagService,
    private readonly throttle: ThrottleService,
    private readonly bus: EventBus,
  ) {}

  @Mutation(() => EnvironmentModel, {
    description:
      'CreateEnvironment, as the management account: through a CONNECTED connection (environmentAccountConnectionId) or with protonServiceRoleArn',
  })
  async createEnvironment(
    @Context() { ctx }: GqlContext,
    @Args('input') input: CreateEnvironmentInput,
  ): Promise<EnvironmentModel> {
    const caller = await protonCaller(ctx, this.throttle);
    return EnvironmentModel.from(await this.environmentService.create(caller, input));
  }

  @Query(() => EnvironmentModel, {
    nullable: true,
    description: 'GetEnvironment (management account only; null for anyone else)',
  })
  async environment(
    @Context() { ctx }: GqlContext,
    @Args('name') name: string,
  ): Promise<EnvironmentModel | null> {
    const row = await this.environmentService.find(await protonCaller(ctx, this.throttle), name);
    return row ? EnvironmentModel.from(row) : null;
  }

  @Query(() => EnvironmentConnection, { description: 'ListEnvironments' })
  async environments(
    @Context() { ctx }: GqlContext,
    @Args('templateNames', { type: () => [String], nullable: true }) templateNames?: string[],
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<RelayConnection<EnvironmentModel>> {
    const caller = await protonCaller(ctx, this.throttle);
    return toConnection(
      await this.environmentService.list(caller, {
        templates: templateNames?.map((templateName) => ({ templateName })),
        first,
        after,
      }),
      EnvironmentModel.from,
    );
  }

  @Mutation(() => EnvironmentModel, {
    description: 'UpdateEnvironment with a deploymentType (NONE changes metadata only)',
  })
  async updateEnvironment(
    @Context() { ctx }: GqlContext,
    @Args('input') input: UpdateEnvironmentInput,
  ): Promise<EnvironmentModel> {
    const caller = await protonCaller(ctx, this.throttle);
    return EnvironmentModel.from(await this.environmentService.update(caller, input));
  }

  @Mutation(() => EnvironmentModel, {
    description: 'DeleteEnvironment: DELETE_IN_PROGRESS, then gone (DELETE_COMPLETE)',
  })
  async deleteEnvironment(
    @Context() { ctx }: GqlContext,
    @Args('name') name: string,
  ): Promise<EnvironmentModel> {
    const caller = await protonCaller(ctx, this.throttle);
    return EnvironmentModel.from(await this.environmentService.delete(caller, name));
  }

  @Mutation(() => EnvironmentModel, {
    description: 'CancelEnvironmentDeployment: CANCELLING, then CANCELLED',
  })
  async cancelEnvironmentDeployment(
    @Context() { ctx }: GqlContext,
    @Args('environmentName') environmentName: string,
  ): Promise<EnvironmentModel> {
    const caller = await protonCaller(ctx, this.throttle);
    return EnvironmentModel.from(await this.environmentService.cancel(caller, environmentName));
  }

  @Query(() => DeploymentConnection, { description: 'ListDeployments' })
  async deployments(
    @Context() { ctx }: GqlContext,
    @Args('environmentName', { type: () => String, nullable: true }) environmentName?: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<RelayConnection<DeploymentModel>> {
    const caller = await protonCaller(ctx, this.throttle);
    return toConnection(
      await this.environmentService.listDeployments(caller, { environmentName, first, after }),
      DeploymentModel.from,
    );
  }

  @Query(() => DeploymentModel, { description: 'GetDeployment' })
  async deployment(
    @Context() { ctx }: GqlContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<DeploymentModel> {
    const caller = await protonCaller(ctx, this.throttle);
    return DeploymentModel.from(await this.environmentService.getDeployment(caller, id));
  }

  @Mutation(() => DeploymentModel, {
    description: 'DeleteDeployment: removes an ended deployment (a running one is refused)',
  })
  async deleteDeployment(
    @Context() { ctx }: GqlContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<DeploymentModel> {
    const caller = await protonCaller(ctx, this.throttle);
    return DeploymentModel.from(await this.environmentService.deleteDeployment(caller, id));
  }

  @Query(() => [ProvisionedResourceModel], {
    description: 'ListEnvironmentProvisionedResources (in one page)',
  })
  async environmentProvisionedResources(
    @Context() { ctx }: GqlContext,
    @Args('environmentName') environmentName: string,
  ): Promise<ProvisionedResourceModel[]> {
    const caller = await protonCaller(ctx, this.throttle);
    return (await this.resources.provisionedResources(caller, environmentName)).map(
      ProvisionedResourceModel.from,
    );
  }

  @Query(() => ResourcesSummaryModel, { description: 'GetResourcesSummary' })
  async resourcesSummary(@Context() { ctx }: GqlContext): Promise<ResourcesSummaryModel> {
    const caller = await protonCaller(ctx, this.throttle);
    return ResourcesSummaryModel.from(await this.resources.summary(caller));
  }

  @Query(() => ProtonAccountSettingsModel, { description: 'GetAccountSettings' })
  async protonAccountSettings(@Context() { ctx }: GqlContext): Promise<ProtonAccountSettingsModel> {
    const caller = await protonCaller(ctx, this.throttle);
    return ProtonAccountSettingsModel.from(await this.accountSettings.get(caller));
  }

  @Mutation(() => ProtonAccountSettingsModel, { description: 'UpdateAccountSettings' })
  async updateProtonAccountSettings(
    @Context() { ctx }: GqlContext,
    @Args('input') input: UpdateAccountSettingsInput,
  ): Promise<ProtonAccountSettingsModel> {
    const caller = await protonCaller(ctx, this.throttle);
    return ProtonAccountSettingsModel.from(await this.accountSettings.update(caller, input));
  }

  @Query(() => StackConnection, {
    description:
      "The simulated stacks in the caller's account and region (environment accounts see their infrastructure here)",
  })
  async stacks(
    @Context() { ctx }: GqlContext,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<RelayConnection<StackModel>> {
    const caller = await protonCaller(ctx, this.throttle);
    return toConnection(await this.stackService.list(caller, first, after), StackModel.from);
  }

  @Query(() => StackModel, { nullable: true })
  async stack(
    @Context() { ctx }: GqlContext,
    @Args('name') name: string,
  ): Promise<StackModel | null> {
    const row = await this.stackService.get(await protonCaller(ctx, this.throttle), name);
    return row ? StackModel.from(row) : null;
  }

  @ResolveField(() => [EnvironmentOutputModel], {
    description: 'ListEnvironmentOutputs: the outputs of the last successful deployment',
  })
  outputs(@Parent() e: EnvironmentModel): EnvironmentOutputModel[] {
    return e.outputs;
  }

  @ResolveField(() => [DeploymentModel], {
    description: 'The latest deployments, newest first (all of them: the deployments query)',
  })
  async deploymentHistory(
    @Parent() e: EnvironmentModel,
    @Context() { ctx }: GqlContext,
    @Args('last', { type: () => Int, defaultValue: 20 }) last: number,
  ): Promise<DeploymentModel[]> {
    const limit = Math.min(Math.max(last, 1), 100);
    const rows = await ctx.loadForTenant(
      `proton.deployments.${limit}`,
      (tenantId, ids) => this.environmentService.deploymentsOf(tenantId, ids, limit),
      e.id,
    );
    return rows.map(DeploymentModel.from);
  }

  @ResolveField(() => EnvironmentAccountConnectionModel, {
    nullable: true,
    description:
      'The connection it is provisioned through (null when deleted, or with a service role)',
  })
  async environmentAccountConnection(
    @Parent() e: EnvironmentModel,
    @Context() { ctx }: GqlContext,
  ): Promise<EnvironmentAccountConnectionModel | null> {
    if (!e.environmentAccountConnectionId) {
      return null;
    }
    const row = await ctx.loadForTenant(
      'proton.connectionsById',
      (tenantId, ids) => this.connections.byIds(tenantId, ids),
      e.environmentAccountConnectionId,
    );
    return row ? EnvironmentAccountConnectionModel.from(row) : null;
  }

  @ResolveField(() => [TagModel])
  async tags(@Parent() e: EnvironmentModel, @Context() { ctx }: GqlContext): Promise<TagModel[]> {
    return tagsOf(ctx, this.tagService, e.arn);
  }

  @Subscription(() => EnvironmentModel, {
    description:
      'Every deployment transition of environments (optionally one, by name): to the management account (in its region) and tenant administrators',
    resolve: (event: EventMessage) =>
      EnvironmentModel.from(
        fromSnapshot((event.payload as { environment: EnvironmentSnapshot }).environment),
      ),
  })
  async environmentChanged(
    @Context() { ctx }: GqlContext,
    @Args('name', { type: () => String, nullable: true }) name?: string,
  ): Promise<AsyncIterableIterator<EventMessage>> {
    const principal = requireTenantPrincipal(await ctx.principal());
    const region = ctx.region;
    return this.bus.subscribe(principal, (event) => {
      if (event.aggregateType !== 'Environment') {
        return false;
      }
      const environment = (event.payload as { environment: EnvironmentSnapshot }).environment;
      return (
        (!name || environment.name === name) &&
        (principal.kind === 'TENANT_ADMIN' || environment.region === region)
      );
    });
  }
}

/** putBundleObject's body: exactly one of the text and the base64 bytes. */
function bundleBytes(body?: string | null, base64?: string | null): Buffer {
  if ((body === undefined || body === null) === (base64 === undefined || base64 === null)) {
    throw AppError.badInput(
      'body',
      'Give the object as body (text) or bodyBase64 (bytes), one of them',
    );
  }
  if (base64 !== undefined && base64 !== null) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) {
      throw AppError.badInput('bodyBase64', 'bodyBase64 is not base64');
    }
    return Buffer.from(base64, 'base64');
  }
  return Buffer.from(body ?? '', 'utf8');
}
