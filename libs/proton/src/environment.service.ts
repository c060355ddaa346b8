import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  AppError,
  checkTags,
  CursorCodec,
  decodeNameKey,
  decodeTimeKey,
  encodeTimeKey,
  ErrorCode,
  Page,
  pageSize,
  Tag,
  toPage,
} from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { Database, jsonb, ResourceTagRepository, Tables, Tx } from '@accountlink/db';
import { OutboxRepository } from '@accountlink/events';
import type { Updateable } from 'kysely';
import { checkId } from './domain/connection-rules';
import {
  checkCreateProvisioning,
  DeploymentType,
  DEPLOYMENT_TYPES,
  environmentArn,
  isBusy,
  nextProvisioning,
  Provisioning,
  targetVersion,
} from './domain/environment-rules';
import {
  checkName,
  checkOptional,
  checkProvisioningFields,
  checkRoleFields,
} from './domain/field-rules';
import { TEMPLATE_LIMITS, validateSpec } from './domain/template-rules';
import { ProtonCaller } from './proton-caller';
import { environmentEvent } from './proton-events';
import { ConnectionRepository } from './repositories/connection.repository';
import { DeploymentRepository, DeploymentRow } from './repositories/deployment.repository';
import {
  EnvironmentRepository,
  EnvironmentRow,
  TemplateFilter,
} from './repositories/environment.repository';
import { TemplateVersionRepository } from './repositories/template-version.repository';
import { TemplateRow } from './repositories/template.repository';
import { TemplateAccess } from './template-access';

export interface CreateEnvironmentParams {
  name: string;
  templateName: string;
  templateMajorVersion: number;
  templateMinorVersion?: number | null;
  spec: string;
  description?: string | null;
  environmentAccountConnectionId?: string | null;
  protonServiceRoleArn?: string | null;
  codebuildRoleArn?: string | null;
  componentRoleArn?: string | null;
  tags?: Tag[] | null;
}

export interface UpdateEnvironmentParams {
  name: string;
  deploymentType: string;
  spec?: string | null;
  description?: string | null;
  templateMajorVersion?: number | null;
  templateMinorVersion?: number | null;
  environmentAccountConnectionId?: string | null;
  protonServiceRoleArn?: string | null;
  codebuildRoleArn?: string | null;
  componentRoleArn?: string | null;
}

/** The environment as a deployment makes it (a deployment's target and initial state). */
export interface EnvironmentState {
  spec: string;
  templateName: string;
  templateMajorVersion: number;
  templateMinorVersion: number;
}

/**
 * Proton environments of a management account: created from a PUBLISHED template version and
 * provisioned by the worker, through a connection into its environment account, or with a service
 * role into the management account. Only the management account reaches an environment.
 */
@Injectable()
export class EnvironmentService {
  private readonly cursors: CursorCodec;

  constructor(
    private readonly db: Database,
    private readonly environments: EnvironmentRepository,
    private readonly deployments: DeploymentRepository,
    private readonly connections: ConnectionRepository,
    private readonly versions: TemplateVersionRepository,
    private readonly tags: ResourceTagRepository,
    private readonly outbox: OutboxRepository,
    private readonly templates: TemplateAccess,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cursors = new CursorCodec(config.cursorSecret);
  }

  async create(caller: ProtonCaller, input: CreateEnvironmentParams): Promise<EnvironmentRow> {
    checkName('name', input.name);
    checkName('templateName', input.templateName);
    checkOptional('description', input.description, 0, TEMPLATE_LIMITS.description);
    const provisioning: Provisioning = {
      connectionId: input.environmentAccountConnectionId ?? null,
      serviceRoleArn: input.protonServiceRoleArn ?? null,
    };
    checkCreateProvisioning(provisioning);
    checkProvisioningFields(provisioning);
    checkRoleFields(input);
    checkTags(input.tags ?? []);
    const lockKey = `env|${caller.tenantId}|${caller.accountId}|${caller.region}`;
    return this.db.withTenant(
      caller.tenantId,
      async (tx) => {
        const quota = await this.environments.createPreconditions(tx, caller, input.name);
        if (quota.taken) {
          throw AppError.conflict(`An environment named ${input.name} already exists`);
        }
        if (quota.used >= quota.quota) {
          throw new AppError(
            ErrorCode.QUOTA_EXCEEDED,
            `You have reached the quota of ${quota.quota} environments for account ${caller.accountId} in ${caller.region}`,
          );
        }
        const template = await this.templates.loadTemplate(tx, caller, input.templateName, 'share');
        const major = input.templateMajorVersion;
        const minor =
          input.templateMinorVersion ?? (await this.recommendedMinor(tx, template, major));
        const schema = await this.templates.publishedSchema(tx, template, major, minor);
        const customerManaged = template.provisioning === 'CUSTOMER_MANAGED';
        validateSpec(input.spec, schema, customerManaged);
        let environmentAccountId = caller.accountId;
        if (provisioning.connectionId) {
          if (customerManaged) {
            throw AppError.badInput(
              'environmentAccountConnectionId',
              'Environment account connections support standard provisioning only, not CUSTOMER_MANAGED templates',
            );
          }
          const connection = await this.usableConnection(
            tx,
            caller,
            provisioning.connectionId,
            input.name,
          );
          environmentAccountId = connection.environmentAccountId;
        }
        const now = new Date();
        const id = randomUUID();
        const deploymentId = randomUUID();
        const environment = await this.environments.insert(tx, {
          id,
          tenantId: caller.tenantId,
          accountId: caller.accountId,
          region: caller.region,
          name: input.name,
          templateId: template.id,
          templateName: template.name,
          templateMajorVersion: major,
          templateMinorVersion: minor,
          provisioning: template.provisioning,
          description: input.description ?? null,
          spec: input.spec,
          environmentAccountConnectionId: provisioning.connectionId,
          environmentAccountId,
          protonServiceRoleArn: provisioning.serviceRoleArn,
          codebuildRoleArn: input.codebuildRoleArn ?? null,
          componentRoleArn: input.componentRoleArn ?? null,
          deploymentStatus: 'IN_PROGRESS',
          lastAttemptedDeploymentId: deploymentId,
          lastDeploymentAttemptedAt: now,
          createdAt: now,
        });
        if (input.tags?.length) {
          await this.tags.put(tx, caller.tenantId, this.arnOf(environment), input.tags);
        }
        await this.startDeployment(tx, environment, deploymentId, 'DEPLOY', caller.actor, null);
        return environment;
      },
      { lockKey },
    );
  }

  async get(caller: ProtonCaller, name: string): Promise<EnvironmentRow> {
    return this.db.withTenant(caller.tenantId, (tx) => this.load(tx, caller, name));
  }

  /** For GraphQL's nullable lookup. */
  async find(caller: ProtonCaller, name: string): Promise<EnvironmentRow | null> {
    try {
      return await this.get(caller, name);
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.NOT_FOUND) {
        return null;
      }
      throw error;
    }
  }

  /** ListEnvironments (optionally of some templates, or major versions of them), in name order. */
  async list(
    caller: ProtonCaller,
    query: { templates?: TemplateFilter[] | null; first?: number | null; after?: string | null },
  ): Promise<Page<EnvironmentRow>> {
    const limit = pageSize(query.first);
    const filters = query.templates?.length
      ? [...query.templates].sort((a, b) =>
          `${a.templateName}:${a.majorVersion ?? ''}`.localeCompare(
            `${b.templateName}:${b.majorVersion ?? ''}`,
          ),
        )
      : null;
    filters?.forEach((f) => checkName('environmentTemplates.templateName', f.templateName));
    const scope = `env:${caller.tenantId}:${caller.accountId}:${caller.region}:${JSON.stringify(filters ?? [])}`;
    const afterName = decodeNameKey(this.cursors, scope, query.after, 'nextToken');
    const rows = await this.db.withTenant(caller.tenantId, (tx) =>
      this.environments.page(tx, caller, filters, afterName, limit),
    );
    return toPage(rows, limit, (row) => this.cursors.encode(scope, [row.name]));
  }

  async update(caller: ProtonCaller, input: UpdateEnvironmentParams): Promise<EnvironmentRow> {
    checkName('name', input.name);
    if (!DEPLOYMENT_TYPES.includes(input.deploymentType as DeploymentType)) {
      throw AppError.badInput(
        'deploymentType',
        `deploymentType must be one of ${DEPLOYMENT_TYPES.join(', ')}`,
      );
    }
    const type = input.deploymentType as DeploymentType;
    checkOptional('description', input.description, 0, TEMPLATE_LIMITS.description);
    const requested: Provisioning = {
      connectionId: input.environmentAccountConnectionId ?? null,
      serviceRoleArn: input.protonServiceRoleArn ?? null,
    };
    checkProvisioningFields(requested);
    checkRoleFields(input);
    return this.db.withTenant(caller.tenantId, async (tx) => {
      const current = await this.load(tx, caller, input.name, true);
      if (isBusy(current.deploymentStatus)) {
        throw AppError.conflict(
          `Environment ${current.name} has a deployment ${current.deploymentStatus}; wait for it or cancel it`,
        );
      }
      const change = nextProvisioning(
        {
          connectionId: current.environmentAccountConnectionId,
          serviceRoleArn: current.protonServiceRoleArn,
        },
        requested,
      );
      let environmentAccountId = current.environmentAccountId;
      if (change?.connectionId) {
        const connection = await this.usableConnection(
          tx,
          caller,
          change.connectionId,
          current.name,
        );
        if (connection.environmentAccountId !== current.environmentAccountId) {
          throw AppError.badInput(
            'environmentAccountConnectionId',
            `The new connection must be of the same environment account ${current.environmentAccountId}, not ${connection.environmentAccountId}`,
          );
        }
        environmentAccountId = connection.environmentAccountId;
      } else {
        await this.requireManageable(tx, current);
      }
      const template = await this.templates.loadTemplate(tx, caller, current.templateName, 'share');
      const target = targetVersion(
        type,
        { major: current.templateMajorVersion, minor: current.templateMinorVersion },
        {
          major: input.templateMajorVersion ?? undefined,
          minor: input.templateMinorVersion ?? undefined,
        },
        { published: await this.versions.published(tx, template.id) },
      );
      const data: Updateable<Tables.Environment> = {
        ...(input.description !== undefined && input.description !== null
          ? { description: input.description }
          : {}),
        ...(change
          ? {
              environmentAccountConnectionId: change.connectionId,
              protonServiceRoleArn: change.serviceRoleArn,
              environmentAccountId,
            }
          : {}),
        ...(input.codebuildRoleArn ? { codebuildRoleArn: input.codebuildRoleArn } : {}),
        ...(input.componentRoleArn ? { componentRoleArn: input.componentRoleArn } : {}),
      };
      if (!target) {
        if (input.spec) {
          throw AppError.badInput(
            'spec',
            'A new spec needs a deployment: use deploymentType CURRENT_VERSION, MINOR_VERSION or MAJOR_VERSION',
          );
        }
        return this.compareAndSet(tx, current, data);
      }
      const spec = input.spec ?? current.spec;
      const schema = await this.templates.publishedSchema(tx, template, target.major, target.minor);
      validateSpec(spec, schema, template.provisioning === 'CUSTOMER_MANAGED');
      const deploymentId = randomUUID();
      const updated = await this.compareAndSet(tx, current, {
        ...data,
        spec,
        templateMajorVersion: target.major,
        templateMinorVersion: target.minor,
        deploymentStatus: 'IN_PROGRESS',
        deploymentStatusMessage: null,
        lastAttemptedDeploymentId: deploymentId,
        lastDeploymentAttemptedAt: new Date(),
      });
      await this.startDeployment(tx, updated, deploymentId, 'DEPLOY', caller.actor, current);
      return updated;
    });
  }

  /** DeleteEnvironment: DELETE_IN_PROGRESS now; the worker removes the stack, then the environment. */
  async delete(caller: ProtonCaller, name: string): Promise<EnvironmentRow> {
    checkName('name', name);
    return this.db.withTenant(caller.tenantId, async (tx) => {
      const current = await this.load(tx, caller, name, true);
      if (isBusy(current.deploymentStatus)) {
        throw AppError.conflict(
          `Environment ${current.name} has a deployment ${current.deploymentStatus}; wait for it or cancel it`,
        );
      }
      await this.requireManageable(tx, current);
      const deploymentId = randomUUID();
      const updated = await this.compareAndSet(tx, current, {
        deploymentStatus: 'DELETE_IN_PROGRESS',
        deploymentStatusMessage: null,
        lastAttemptedDeploymentId: deploymentId,
        lastDeploymentAttemptedAt: new Date(),
      });
      await this.startDeployment(tx, updated, deploymentId, 'DELETE', caller.actor, current);
      return updated;
    });
  }

  /** CancelEnvironmentDeployment: IN_PROGRESS → CANCELLING; the worker then ends it CANCELLED. */
  async cancel(caller: ProtonCaller, name: string): Promise<EnvironmentRow> {
    checkName('environmentName', name);
    return this.db.withTenant(caller.tenantId, async (tx) => {
      const current = await this.load(tx, caller, name, true);
      if (current.deploymentStatus !== 'IN_PROGRESS' || !current.lastAttemptedDeploymentId) {
        throw AppError.conflict(
          `Environment ${name} has no deployment IN_PROGRESS to cancel (it is ${current.deploymentStatus})`,
        );
      }
      const updated = await this.compareAndSet(tx, current, { deploymentStatus: 'CANCELLING' });
      const deployment = await this.deployments.updateIfStatus(
        tx,
        current.lastAttemptedDeploymentId,
        'IN_PROGRESS',
        { status: 'CANCELLING', lastModifiedAt: new Date() },
      );
      if (deployment) {
        await this.outbox.record(tx, environmentEvent(updated, deployment, caller.actor));
      }
      return updated;
    });
  }

  /**
   * ListEnvironmentOutputs: the outputs of the environment's deployed state. `deploymentId` may
   * name its last successful deployment (whose outputs these are); outputs of earlier deployments
   * are not kept, so naming one is refused rather than answered with the current ones.
   */
  async outputs(
    caller: ProtonCaller,
    name: string,
    deploymentId?: string | null,
  ): Promise<{ key: string; valueString: string }[]> {
    checkName('environmentName', name);
    if (deploymentId) {
      checkId('deploymentId', deploymentId);
    }
    const environment = await this.get(caller, name);
    if (deploymentId && deploymentId !== environment.lastSucceededDeploymentId) {
      const deployment = await this.getDeployment(caller, deploymentId, { environmentName: name });
      throw AppError.badInput(
        'deploymentId',
        `The outputs of deployment ${deployment.id} are not kept: only those of the environment's last successful deployment (${environment.lastSucceededDeploymentId ?? 'none yet'}) are`,
      );
    }
    return environment.outputs as { key: string; valueString: string }[];
  }

  /** ListDeployments of this management account (optionally of one environment), oldest first. */
  async listDeployments(
    caller: ProtonCaller,
    query: DeploymentScope & { first?: number | null; after?: string | null },
  ): Promise<Page<DeploymentRow>> {
    if (query.environmentName) {
      checkName('environmentName', query.environmentName);
    }
    const limit = pageSize(query.first);
    if (query.serviceName || query.serviceInstanceName || query.componentName) {
      // Services, service instances and components are not simulated: they have no deployments.
      return toPage([], limit, () => '');
    }
    const scope = `dep:${caller.tenantId}:${caller.accountId}:${caller.region}:${query.environmentName ?? ''}`;
    const after = decodeTimeKey(this.cursors, scope, query.after, 'nextToken');
    const rows = await this.db.withTenant(caller.tenantId, async (tx) => {
      const environmentId = query.environmentName
        ? (await this.load(tx, caller, query.environmentName)).id
        : null;
      return this.deployments.page(tx, caller, environmentId, after, limit);
    });
    return toPage(rows, limit, (row) => encodeTimeKey(this.cursors, scope, row.createdAt, row.id));
  }

  /**
   * GetDeployment; `scope` narrows it as the model's scoping members do: a deployment of another
   * environment, or any service, service instance or component (none exist: every deployment is
   * an environment's), is not found.
   */
  async getDeployment(
    caller: ProtonCaller,
    id: string,
    scope: DeploymentScope = {},
  ): Promise<DeploymentRow> {
    checkId('id', id);
    if (scope.environmentName) {
      checkName('environmentName', scope.environmentName);
    }
    return this.db.withTenant(caller.tenantId, (tx) => this.findDeployment(tx, caller, id, scope));
  }

  /**
   * DeleteDeployment: removes an ended deployment's record (the environment keeps its ids of the
   * last attempted and succeeded deployments, as AWS's do). A deployment still running is refused:
   * cancel it or let it end first.
   */
  async deleteDeployment(caller: ProtonCaller, id: string): Promise<DeploymentRow> {
    checkId('id', id);
    return this.db.withTenant(caller.tenantId, async (tx) => {
      const deployment = await this.findDeployment(tx, caller, id);
      if (isBusy(deployment.status)) {
        throw AppError.badInput(
          'id',
          `The deployment ${id} is ${deployment.status}: only a deployment that has ended can be deleted`,
        );
      }
      await this.deployments.delete(tx, id);
      return deployment;
    });
  }

  /** Environments using each connection, in one query (GraphQL field batching). */
  usersOf(tenantId: string, connectionIds: readonly string[]): Promise<EnvironmentRow[][]> {
    return this.db.withTenant(tenantId, (tx) =>
      this.environments.usingConnections(tx, tenantId, connectionIds),
    );
  }

  /** The newest `last` deployments of many environments, newest first (GraphQL field batching). */
  deploymentsOf(
    tenantId: string,
    environmentIds: readonly string[],
    last: number,
  ): Promise<DeploymentRow[][]> {
    return this.db.withTenant(tenantId, (tx) =>
      this.deployments.latestOf(tx, tenantId, environmentIds, last),
    );
  }

  arnOf(e: EnvironmentRow): string {
    return environmentArn(e.region, e.accountId, e.name);
  }

  private async recommendedMinor(tx: Tx, template: TemplateRow, major: number): Promise<number> {
    const published = (await this.versions.published(tx, template.id)).filter(
      (v) => v.major === major,
    );
    if (published.length === 0) {
      throw AppError.badInput(
        'templateMajorVersion',
        `Environment template ${template.name} has no PUBLISHED version in major version ${major}`,
      );
    }
    return Math.max(...published.map((v) => v.minor));
  }

  /**
   * A connection an environment of this name may be provisioned through: this management
   * account's, in this region, CONNECTED, for this environment name. It is share-locked, so a
   * concurrent rejection waits for this transaction and then sees the environment using it.
   */
  private async usableConnection(
    tx: Tx,
    caller: ProtonCaller,
    connectionId: string,
    environmentName: string,
  ) {
    const connection = await this.connections.findById(tx, connectionId, 'share');
    if (
      !connection ||
      connection.managementAccountId !== caller.accountId ||
      connection.region !== caller.region
    ) {
      throw AppError.notFound(`The environment account connection ${connectionId} was not found`);
    }
    if (connection.status !== 'CONNECTED') {
      throw AppError.badInput(
        'environmentAccountConnectionId',
        `Environment account connection ${connectionId} is ${connection.status}; it must be CONNECTED`,
      );
    }
    if (connection.environmentName !== environmentName) {
      throw AppError.badInput(
        'environmentAccountConnectionId',
        `Environment account connection ${connectionId} is for environment ${connection.environmentName}, not ${environmentName}`,
      );
    }
    return connection;
  }

  /**
   * Refuses to manage an environment whose connection the environment account deleted (or that is
   * no longer CONNECTED): Proton cannot reach its infrastructure until a new connection is accepted
   * and the environment is updated to it.
   */
  private async requireManageable(tx: Tx, environment: EnvironmentRow): Promise<void> {
    if (!environment.environmentAccountConnectionId) {
      return;
    }
    const connection = await this.connections.findById(
      tx,
      environment.environmentAccountConnectionId,
    );
    if (connection?.status !== 'CONNECTED') {
      throw AppError.conflict(
        `Environment ${environment.name} cannot be managed: its environment account connection ${environment.environmentAccountConnectionId} ${connection ? `is ${connection.status}` : 'was deleted'}. A new connection from account ${environment.environmentAccountId} for environment ${environment.name} must be accepted, and the environment updated to it (environmentAccountConnectionId).`,
      );
    }
  }

  /** A deployment of the caller's account and region, within `scope`; any other is not found. */
  private async findDeployment(
    tx: Tx,
    caller: ProtonCaller,
    id: string,
    scope: DeploymentScope = {},
  ): Promise<DeploymentRow> {
    const deployment = await this.deployments.findById(tx, id);
    if (!deployment || !ofCaller(deployment, caller) || !inDeploymentScope(deployment, scope)) {
      throw AppError.notFound(`The deployment ${id} was not found`);
    }
    return deployment;
  }

  /**
   * The environment by name, for its management account only (locked when `forUpdate`), in the
   * caller's transaction (EnvironmentResourcesService reads through it too).
   */
  async load(
    tx: Tx,
    caller: ProtonCaller,
    name: string,
    forUpdate = false,
  ): Promise<EnvironmentRow> {
    checkName('name', name);
    const environment = await this.environments.findByName(
      tx,
      caller,
      name,
      forUpdate ? 'update' : null,
    );
    if (!environment) {
      throw AppError.notFound(`The environment ${name} was not found`);
    }
    return environment;
  }

  private async compareAndSet(
    tx: Tx,
    current: EnvironmentRow,
    data: Updateable<Tables.Environment>,
  ): Promise<EnvironmentRow> {
    const updated = await this.environments.compareAndSet(tx, current.id, current.version, data);
    if (!updated) {
      throw AppError.conflict(
        `Environment ${current.name} was changed by a concurrent request; try again`,
      );
    }
    return updated;
  }

  private async startDeployment(
    tx: Tx,
    environment: EnvironmentRow,
    deploymentId: string,
    kind: 'DEPLOY' | 'DELETE',
    actor: string,
    before: EnvironmentRow | null,
  ): Promise<void> {
    const deployment = await this.deployments.insert(tx, {
      id: deploymentId,
      tenantId: environment.tenantId,
      accountId: environment.accountId,
      region: environment.region,
      environmentId: environment.id,
      environmentName: environment.name,
      kind,
      status: kind === 'DELETE' ? 'DELETE_IN_PROGRESS' : 'IN_PROGRESS',
      targetAccountId: environment.environmentAccountId,
      environmentCreatedAt: environment.createdAt,
      roleArn: environment.protonServiceRoleArn ?? '',
      connectionId: environment.environmentAccountConnectionId,
      targetState: jsonb(stateOf(environment)),
      initialState: before?.lastSucceededDeploymentId ? jsonb(stateOf(before)) : null,
      createdAt: environment.lastDeploymentAttemptedAt,
      lastModifiedAt: environment.lastDeploymentAttemptedAt,
    });
    await this.outbox.record(
      tx,
      environmentEvent(environment, deployment, actor, 'proton.environment.deployment-started'),
    );
  }
}

export function stateOf(e: EnvironmentRow): EnvironmentState {
  return {
    spec: e.spec,
    templateName: e.templateName,
    templateMajorVersion: e.templateMajorVersion,
    templateMinorVersion: e.templateMinorVersion,
  };
}

/** The scoping members of GetDeployment and ListDeployments. */
export interface DeploymentScope {
  environmentName?: string | null;
  serviceName?: string | null;
  serviceInstanceName?: string | null;
  componentName?: string | null;
}

/** A deployment of the caller's account and region (any other is not found). */
function ofCaller(deployment: DeploymentRow, caller: ProtonCaller): boolean {
  return deployment.accountId === caller.accountId && deployment.region === caller.region;
}

function inDeploymentScope(deployment: DeploymentRow, scope: DeploymentScope): boolean {
  if (scope.serviceName || scope.serviceInstanceName || scope.componentName) {
    return false;
  }
  return !scope.environmentName || deployment.environmentName === scope.environmentName;
}
