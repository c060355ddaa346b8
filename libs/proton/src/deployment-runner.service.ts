import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, Tx } from '@accountlink/db';
import { parseRoleArn, roleNameKey } from '@accountlink/iam';
import { TenantSettingsService } from '@accountlink/tenancy';
import {
  DeploymentStatus,
  environmentArn,
  injectedFailure,
  isBusy,
  stackName,
} from './domain/environment-rules';
import { checkConnectionRole } from './domain/role-check';
import { EnvironmentSchema, outputsOf, validateSpec } from './domain/template-rules';
import {
  DeploymentRow,
  EnvironmentRow,
  EnvironmentService,
  EnvironmentState,
} from './environment.service';

/** What assuming the deployment role found: the role to record, or why it cannot be used. */
type RoleOutcome = { ok: true; roleArn: string } | { ok: false; roleArn: string; reason: string };

/**
 * The worker's half of a deployment: it waits the tenant's provisioning delay, then assumes the
 * role the way AWS would and provisions (a simulated stack in the target account, or the outputs
 * of a customer-managed environment), or removes it all for a deletion. Finishing is one
 * transaction under the environment's row lock and only moves a deployment that has not ended, so
 * a retried job (after a worker died) is harmless.
 */
@Injectable()
export class DeploymentRunner {
  constructor(
    private readonly prisma: PrismaService,
    private readonly settings: TenantSettingsService,
    private readonly environments: EnvironmentService,
  ) {}

  async run(tenantId: string, deploymentId: string, draw = Math.random()): Promise<void> {
    const started = await this.prisma.withTenant(tenantId, (tx) =>
      tx.deployment.findUnique({ where: { id: deploymentId } }),
    );
    if (!started || !isBusy(started.status)) {
      return;
    }
    const { provisioningDelayMs, deploymentFailureRate } = await this.settings.get(tenantId, 0);
    await sleep(provisioningDelayMs);
    await this.prisma.withTenant(tenantId, async (tx) => {
      const claimed = await this.claim(tx, deploymentId);
      if (!claimed) {
        return;
      }
      const { deployment, environment } = claimed;
      if (deployment.status === 'CANCELLING') {
        await this.finish(tx, deployment, environment, 'CANCELLED', 'The deployment was cancelled');
        return;
      }
      if (deployment.kind === 'DELETE' && !environment.lastSucceededDeploymentId) {
        // Nothing was ever provisioned: there is nothing to remove and no role to assume.
        await this.removeInfrastructure(tx, environment);
        await this.finish(tx, deployment, environment, 'DELETE_COMPLETE', null);
        return;
      }
      const role = await this.assumeRole(tx, deployment, environment);
      const failure = !role.ok
        ? `Proton could not assume ${role.roleArn || 'the deployment role'}: ${role.reason}`
        : injectedFailure(deploymentFailureRate, draw)
          ? `Simulated provisioning failure (this tenant fails ${Math.round(deploymentFailureRate * 100)}% of deployments)`
          : null;
      if (deployment.kind === 'DELETE') {
        if (failure) {
          await this.finish(tx, deployment, environment, 'DELETE_FAILED', failure, role.roleArn);
          return;
        }
        await this.removeInfrastructure(tx, environment);
        await this.finish(tx, deployment, environment, 'DELETE_COMPLETE', null, role.roleArn);
        return;
      }
      if (failure) {
        await this.finish(tx, deployment, environment, 'FAILED', failure, role.roleArn);
        return;
      }
      const outputs = await this.provision(tx, environment);
      await this.finish(tx, deployment, environment, 'SUCCEEDED', null, role.roleArn, outputs);
    });
  }

  /** The last resort of a job that could not complete (retries exhausted, or stalled again). */
  async abandon(tenantId: string, deploymentId: string, error: string): Promise<void> {
    await this.prisma.withTenant(tenantId, async (tx) => {
      const claimed = await this.claim(tx, deploymentId);
      if (!claimed) {
        return;
      }
      const { deployment, environment } = claimed;
      const message = `The deployment could not complete: ${error}`;
      const status: DeploymentStatus =
        deployment.kind === 'DELETE'
          ? 'DELETE_FAILED'
          : deployment.status === 'CANCELLING'
            ? 'CANCELLED'
            : 'FAILED';
      await this.finish(tx, deployment, environment, status, message);
    });
  }

  /** Locks the environment, then re-reads the deployment: null when it has ended meanwhile. */
  private async claim(
    tx: Tx,
    deploymentId: string,
  ): Promise<{ deployment: DeploymentRow; environment: EnvironmentRow } | null> {
    const deployment = await tx.deployment.findUnique({ where: { id: deploymentId } });
    if (!deployment) {
      return null;
    }
    await tx.$executeRaw`SELECT 1 FROM "environments" WHERE "id" = ${deployment.environmentId}::uuid FOR UPDATE`;
    const [fresh, environment] = await Promise.all([
      tx.deployment.findUnique({ where: { id: deploymentId } }),
      tx.environment.findUnique({ where: { id: deployment.environmentId } }),
    ]);
    if (!fresh || !isBusy(fresh.status) || !environment) {
      return null;
    }
    return { deployment: fresh, environment };
  }

  /**
   * sts:AssumeRole as Proton performs it for this deployment. Through a connection: the connection
   * still exists and is CONNECTED, its role validation is VALID now, and the role (in the
   * environment account) trusts proton.amazonaws.com with the management account as
   * aws:SourceAccount. With a service role: the same trust, in the management account.
   */
  private async assumeRole(
    tx: Tx,
    deployment: DeploymentRow,
    environment: EnvironmentRow,
  ): Promise<RoleOutcome> {
    let roleArn = environment.protonServiceRoleArn ?? '';
    let roleAccount = environment.accountId;
    if (environment.environmentAccountConnectionId) {
      const id = environment.environmentAccountConnectionId;
      const connection = await tx.environmentAccountConnection.findUnique({
        where: { id },
        include: { validations: { where: { kind: 'ROLE' } } },
      });
      if (!connection) {
        return { ok: false, roleArn, reason: `environment account connection ${id} was deleted` };
      }
      roleArn = connection.roleArn ?? '';
      roleAccount = connection.environmentAccountId;
      if (connection.status !== 'CONNECTED') {
        return {
          ok: false,
          roleArn,
          reason: `environment account connection ${id} is ${connection.status}`,
        };
      }
      const validation = connection.validations[0];
      if (!connection.roleArn || !validation) {
        return {
          ok: false,
          roleArn,
          reason: `environment account connection ${id} has no roleArn`,
        };
      }
      if (validation.status !== 'VALID') {
        return {
          ok: false,
          roleArn,
          reason: `the role validation of environment account connection ${id} is ${validation.status}${validation.reason ? ` (${validation.reason})` : ''}`,
        };
      }
    }
    const parsed = parseRoleArn(roleArn);
    const role = parsed
      ? await tx.role.findUnique({
          where: {
            tenantId_accountId_roleNameKey: {
              tenantId: deployment.tenantId,
              accountId: parsed.accountId,
              roleNameKey: roleNameKey(parsed.roleName),
            },
          },
        })
      : null;
    const check = checkConnectionRole('ROLE', roleArn, role, {
      environmentAccountId: roleAccount,
      managementAccountId: environment.accountId,
    });
    return check.status === 'VALID'
      ? { ok: true, roleArn }
      : { ok: false, roleArn, reason: check.reason ?? 'the role cannot be assumed' };
  }

  /**
   * Standard provisioning creates or updates the stack in the target account, with outputs from
   * the spec; customer-managed provisioning only records the spec's values as the outputs.
   */
  private async provision(tx: Tx, environment: EnvironmentRow) {
    const version = await tx.environmentTemplateVersion.findUniqueOrThrow({
      where: {
        templateId_majorVersion_minorVersion: {
          templateId: environment.templateId,
          majorVersion: environment.templateMajorVersion,
          minorVersion: environment.templateMinorVersion,
        },
      },
      select: { schema: true },
    });
    const customerManaged = environment.provisioning === 'CUSTOMER_MANAGED';
    const inputs = validateSpec(
      environment.spec,
      version.schema as unknown as EnvironmentSchema,
      customerManaged,
    );
    const outputs = outputsOf(inputs);
    if (!customerManaged) {
      const key = this.stackKey(environment);
      const json = outputs as unknown as Prisma.InputJsonArray;
      await tx.stack.upsert({
        where: { tenantId_accountId_region_name: key },
        create: {
          ...key,
          environmentArn: environmentArn(
            environment.region,
            environment.accountId,
            environment.name,
          ),
          status: 'CREATE_COMPLETE',
          outputs: json,
        },
        update: { status: 'UPDATE_COMPLETE', outputs: json, lastModifiedAt: new Date() },
      });
    }
    return outputs;
  }

  private async removeInfrastructure(tx: Tx, environment: EnvironmentRow): Promise<void> {
    await tx.stack.deleteMany({ where: this.stackKey(environment) });
    await tx.environment.delete({ where: { id: environment.id } });
    await this.environments.dropTags(tx, environment);
  }

  private stackKey(e: EnvironmentRow) {
    return {
      tenantId: e.tenantId,
      accountId: e.environmentAccountId,
      region: e.region,
      name: stackName(e.name, e.id),
    };
  }

  private async finish(
    tx: Tx,
    deployment: DeploymentRow,
    environment: EnvironmentRow,
    status: DeploymentStatus,
    message: string | null,
    roleArn?: string,
    outputs?: { key: string; valueString: string }[],
  ): Promise<void> {
    const now = new Date();
    const ended = await tx.deployment.update({
      where: { id: deployment.id },
      data: {
        status,
        statusMessage: message,
        ...(roleArn ? { roleArn } : {}),
        lastModifiedAt: now,
        completedAt: now,
      },
    });
    let after = environment;
    if (status !== 'DELETE_COMPLETE') {
      after = await tx.environment.update({
        where: { id: environment.id },
        data: {
          deploymentStatus: status,
          deploymentStatusMessage: message,
          ...(status === 'SUCCEEDED'
            ? {
                lastSucceededDeploymentId: deployment.id,
                lastDeploymentSucceededAt: now,
                outputs: (outputs ?? []) as unknown as Prisma.InputJsonArray,
              }
            : {}),
          ...rollback(deployment, status),
          version: { increment: 1 },
        },
      });
    } else {
      after = { ...environment, deploymentStatus: 'DELETE_COMPLETE' };
    }
    await this.environments.recordEnvironmentEvent(tx, after, ended, 'system');
  }
}

/**
 * An update that did not happen (FAILED or CANCELLED) leaves the environment on what is deployed:
 * the spec and template version of the last successful deployment (the deployment's initial
 * state). A create has none, and keeps what it asked for.
 */
function rollback(
  deployment: DeploymentRow,
  status: DeploymentStatus,
): Prisma.EnvironmentUpdateInput {
  const initial = deployment.initialState as EnvironmentState | null;
  if (deployment.kind !== 'DEPLOY' || !initial || (status !== 'FAILED' && status !== 'CANCELLED')) {
    return {};
  }
  return {
    spec: initial.spec,
    templateMajorVersion: initial.templateMajorVersion,
    templateMinorVersion: initial.templateMinorVersion,
  };
}
