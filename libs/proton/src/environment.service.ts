import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  AppError,
  checkString,
  checkTags,
  CursorCodec,
  decodeNameKey,
  decodeTimeKey,
  afterTimeKey,
  encodeTimeKey,
  ErrorCode,
  Page,
  pageSize,
  Tag,
  toPage,
} from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { dropResourceTags, Prisma, PrismaService, putResourceTags, Tx } from '@accountlink/db';
import { recordEvent } from '@accountlink/events';
import { checkId, LIMITS, PATTERNS } from './domain/connection-rules';
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
import { TEMPLATE_LIMITS, validateSpec } from './domain/template-rules';
import { ProtonCaller } from './proton-caller';
import { checkName, checkOptional, TemplateRow, TemplateService } from './template.service';

export type EnvironmentRow = Prisma.EnvironmentGetPayload<object>;
export type DeploymentRow = Prisma.DeploymentGetPayload<object>;

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

/** ListEnvironments' environmentTemplates filter: a template, optionally one major version. */
export interface TemplateFilter {
  templateName: string;
  majorVersion?: number;
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
    private readonly prisma: PrismaService,
    private readonly templates: TemplateService,
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
    return this.prisma.withTenant(
      caller.tenantId,
      async (tx) => {
        const [quota] = await tx.$queryRaw<{ quota: number; used: number; taken: boolean }[]>`
          SELECT (SELECT "environmentQuota" FROM "tenants" WHERE "id" = ${caller.tenantId}::uuid) AS "quota",
                 (SELECT count(*)::int FROM "environments"
                   WHERE "tenantId" = ${caller.tenantId}::uuid AND "accountId" = ${caller.accountId} AND "region" = ${caller.region}) AS "used",
                 EXISTS (SELECT 1 FROM "environments"
                   WHERE "tenantId" = ${caller.tenantId}::uuid AND "accountId" = ${caller.accountId} AND "region" = ${caller.region} AND "name" = ${input.name}) AS "taken"`;
        if (quota?.taken) {
          throw AppError.conflict(`An environment named ${input.name} already exists`);
        }
        if (quota && quota.used >= quota.quota) {
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
        const environment = await tx.environment.create({
          data: {
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
          },
        });
        if (input.tags?.length) {
          await putResourceTags(tx, caller.tenantId, this.arnOf(environment), input.tags);
        }
        await this.startDeployment(tx, environment, deploymentId, 'DEPLOY', caller.actor, null);
        return environment;
      },
      { lockKey },
    );
  }

  async get(caller: ProtonCaller, name: string): Promise<EnvironmentRow> {
    return this.prisma.withTenant(caller.tenantId, (tx) => this.load(tx, caller, name));
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
    const rows = await this.prisma.withTenant(caller.tenantId, (tx) =>
      tx.environment.findMany({
        where: {
          tenantId: caller.tenantId,
          accountId: caller.accountId,
          region: caller.region,
          ...(filters
            ? {
                OR: filters.map((f) => ({
                  templateName: f.templateName,
                  ...(f.majorVersion !== undefined ? { templateMajorVersion: f.majorVersion } : {}),
                })),
              }
            : {}),
          ...(afterName ? { name: { gt: afterName } } : {}),
        },
        orderBy: { name: 'asc' },
        take: limit + 1,
      }),
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
    return this.prisma.withTenant(caller.tenantId, async (tx) => {
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
        { published: await this.templates.publishedVersions(tx, template.id) },
      );
      const data: Prisma.EnvironmentUpdateManyMutationInput = {
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
    return this.prisma.withTenant(caller.tenantId, async (tx) => {
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
    return this.prisma.withTenant(caller.tenantId, async (tx) => {
      const current = await this.load(tx, caller, name, true);
      if (current.deploymentStatus !== 'IN_PROGRESS' || !current.lastAttemptedDeploymentId) {
        throw AppError.conflict(
          `Environment ${name} has no deployment IN_PROGRESS to cancel (it is ${current.deploymentStatus})`,
        );
      }
      const updated = await this.compareAndSet(tx, current, { deploymentStatus: 'CANCELLING' });
      const [deployment] = await tx.deployment.updateManyAndReturn({
        where: { id: current.lastAttemptedDeploymentId, status: 'IN_PROGRESS' },
        data: { status: 'CANCELLING', lastModifiedAt: new Date() },
      });
      if (deployment) {
        await this.recordEnvironmentEvent(tx, updated, deployment, caller.actor);
      }
      return updated;
    });
  }

  /** ListEnvironmentOutputs: those of the last successful deployment. */
  async outputs(
    caller: ProtonCaller,
    name: string,
  ): Promise<{ key: string; valueString: string }[]> {
    checkName('environmentName', name);
    const environment = await this.get(caller, name);
    return environment.outputs as unknown as { key: string; valueString: string }[];
  }

  /** ListDeployments of this management account (optionally of one environment), oldest first. */
  async listDeployments(
    caller: ProtonCaller,
    query: { environmentName?: string | null; first?: number | null; after?: string | null },
  ): Promise<Page<DeploymentRow>> {
    if (query.environmentName) {
      checkName('environmentName', query.environmentName);
    }
    const limit = pageSize(query.first);
    const scope = `dep:${caller.tenantId}:${caller.accountId}:${caller.region}:${query.environmentName ?? ''}`;
    const after = decodeTimeKey(this.cursors, scope, query.after, 'nextToken');
    const rows = await this.prisma.withTenant(caller.tenantId, async (tx) => {
      let environmentId: string | undefined;
      if (query.environmentName) {
        environmentId = (await this.load(tx, caller, query.environmentName)).id;
      }
      return tx.deployment.findMany({
        where: {
          tenantId: caller.tenantId,
          accountId: caller.accountId,
          region: caller.region,
          ...(environmentId ? { environmentId } : {}),
          ...afterTimeKey(after, 'createdAt'),
        },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: limit + 1,
      });
    });
    return toPage(rows, limit, (row) => encodeTimeKey(this.cursors, scope, row.createdAt, row.id));
  }

  async getDeployment(caller: ProtonCaller, id: string): Promise<DeploymentRow> {
    checkId('id', id);
    const deployment = await this.prisma.withTenant(caller.tenantId, (tx) =>
      tx.deployment.findUnique({ where: { id } }),
    );
    if (
      !deployment ||
      deployment.accountId !== caller.accountId ||
      deployment.region !== caller.region
    ) {
      throw AppError.notFound(`The deployment ${id} was not found`);
    }
    return deployment;
  }

  /** Environments using each connection, in one query (GraphQL field batching). */
  async usersOf(tenantId: string, connectionIds: readonly string[]): Promise<EnvironmentRow[][]> {
    const rows = await this.prisma.withTenant(tenantId, (tx) =>
      tx.environment.findMany({
        where: { tenantId, environmentAccountConnectionId: { in: [...connectionIds] } },
        orderBy: { name: 'asc' },
      }),
    );
    return connectionIds.map((id) => rows.filter((r) => r.environmentAccountConnectionId === id));
  }

  /** Deployments of many environments, newest first, in one query (GraphQL field batching). */
  async deploymentsOf(
    tenantId: string,
    environmentIds: readonly string[],
    last: number,
  ): Promise<DeploymentRow[][]> {
    // The newest `last` of each environment, in one query (index: tenantId, environmentId, createdAt).
    const rows = await this.prisma.withTenant(
      tenantId,
      (tx) =>
        tx.$queryRaw<DeploymentRow[]>`
        SELECT d.* FROM unnest(${[...environmentIds]}::uuid[]) WITH ORDINALITY AS e("id", "ord"),
          LATERAL (SELECT * FROM "deployments"
                    WHERE "tenantId" = ${tenantId}::uuid AND "environmentId" = e."id"
                    ORDER BY "createdAt" DESC, "id" DESC LIMIT ${last}) d
        ORDER BY e."ord", d."createdAt" DESC, d."id" DESC`,
    );
    return environmentIds.map((id) => rows.filter((r) => r.environmentId === id));
  }

  arnOf(e: EnvironmentRow): string {
    return environmentArn(e.region, e.accountId, e.name);
  }

  /** Removes the tags of an environment that is gone (the worker, at DELETE_COMPLETE). */
  async dropTags(tx: Tx, e: EnvironmentRow): Promise<void> {
    await dropResourceTags(tx, e.tenantId, this.arnOf(e));
  }

  private async recommendedMinor(tx: Tx, template: TemplateRow, major: number): Promise<number> {
    const published = (await this.templates.publishedVersions(tx, template.id)).filter(
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
    await tx.$executeRaw`SELECT 1 FROM "environment_account_connections" WHERE "id" = ${connectionId}::uuid FOR SHARE`;
    const connection = await tx.environmentAccountConnection.findUnique({
      where: { id: connectionId },
    });
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
    const connection = await tx.environmentAccountConnection.findUnique({
      where: { id: environment.environmentAccountConnectionId },
      select: { status: true },
    });
    if (connection?.status !== 'CONNECTED') {
      throw AppError.conflict(
        `Environment ${environment.name} cannot be managed: its environment account connection ${environment.environmentAccountConnectionId} ${connection ? `is ${connection.status}` : 'was deleted'}. A new connection from account ${environment.environmentAccountId} for environment ${environment.name} must be accepted, and the environment updated to it (environmentAccountConnectionId).`,
      );
    }
  }

  /** The environment by name, for its management account only (locked when `forUpdate`). */
  private async load(
    tx: Tx,
    caller: ProtonCaller,
    name: string,
    forUpdate = false,
  ): Promise<EnvironmentRow> {
    checkName('name', name);
    if (forUpdate) {
      await tx.$executeRaw`SELECT 1 FROM "environments" WHERE "tenantId" = ${caller.tenantId}::uuid AND "accountId" = ${caller.accountId} AND "region" = ${caller.region} AND "name" = ${name} FOR UPDATE`;
    }
    const environment = await tx.environment.findUnique({
      where: {
        tenantId_accountId_region_name: {
          tenantId: caller.tenantId,
          accountId: caller.accountId,
          region: caller.region,
          name,
        },
      },
    });
    if (!environment) {
      throw AppError.notFound(`The environment ${name} was not found`);
    }
    return environment;
  }

  private async compareAndSet(
    tx: Tx,
    current: EnvironmentRow,
    data: Prisma.EnvironmentUpdateManyMutationInput,
  ): Promise<EnvironmentRow> {
    const [updated] = await tx.environment.updateManyAndReturn({
      where: { id: current.id, version: current.version },
      data: { ...data, version: { increment: 1 } },
    });
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
    const deployment = await tx.deployment.create({
      data: {
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
        targetState: stateOf(environment) as unknown as Prisma.InputJsonObject,
        initialState: before?.lastSucceededDeploymentId
          ? (stateOf(before) as unknown as Prisma.InputJsonObject)
          : Prisma.JsonNull,
        createdAt: environment.lastDeploymentAttemptedAt,
        lastModifiedAt: environment.lastDeploymentAttemptedAt,
      },
    });
    await this.recordEnvironmentEvent(
      tx,
      environment,
      deployment,
      actor,
      'proton.environment.deployment-started',
    );
  }

  async recordEnvironmentEvent(
    tx: Tx,
    environment: EnvironmentRow,
    deployment: DeploymentRow,
    actor: string,
    type:
      | 'proton.environment.deployment-started'
      | 'proton.environment.changed' = 'proton.environment.changed',
  ): Promise<void> {
    await recordEvent(tx, {
      tenantId: environment.tenantId,
      type,
      aggregateType: 'Environment',
      aggregateId: environment.id,
      // Only the management account (and tenant administrators) see an environment.
      accountIds: [environment.accountId],
      payload: {
        deploymentId: deployment.id,
        deploymentStatus: deployment.status,
        actor,
        environment: environmentSnapshot(environment),
      },
    });
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

/** An environment as an event carries it: JSON-safe (dates as ISO strings). */
export type EnvironmentSnapshot = Omit<
  EnvironmentRow,
  'createdAt' | 'lastDeploymentAttemptedAt' | 'lastDeploymentSucceededAt'
> & {
  createdAt: string;
  lastDeploymentAttemptedAt: string;
  lastDeploymentSucceededAt: string | null;
};

export function environmentSnapshot(e: EnvironmentRow): EnvironmentSnapshot {
  return {
    ...e,
    createdAt: e.createdAt.toISOString(),
    lastDeploymentAttemptedAt: e.lastDeploymentAttemptedAt.toISOString(),
    lastDeploymentSucceededAt: e.lastDeploymentSucceededAt?.toISOString() ?? null,
  };
}

export function fromSnapshot(s: EnvironmentSnapshot): EnvironmentRow {
  return {
    ...s,
    createdAt: new Date(s.createdAt),
    lastDeploymentAttemptedAt: new Date(s.lastDeploymentAttemptedAt),
    lastDeploymentSucceededAt: s.lastDeploymentSucceededAt
      ? new Date(s.lastDeploymentSucceededAt)
      : null,
  };
}

function checkProvisioningFields(p: Provisioning): void {
  if (p.connectionId) {
    checkId('environmentAccountConnectionId', p.connectionId);
  }
  if (p.serviceRoleArn) {
    checkString(
      'protonServiceRoleArn',
      p.serviceRoleArn,
      PATTERNS.resourceArn,
      1,
      LIMITS.resourceArn,
    );
  }
}

function checkRoleFields(input: {
  codebuildRoleArn?: string | null;
  componentRoleArn?: string | null;
}): void {
  for (const field of ['codebuildRoleArn', 'componentRoleArn'] as const) {
    const value = input[field];
    if (value) {
      checkString(field, value, PATTERNS.roleArn, 1, LIMITS.roleArn);
    }
  }
}
