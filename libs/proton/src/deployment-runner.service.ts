import { Injectable } from '@nestjs/common';
import { Database, jsonb, ResourceTagRepository, Tables, Tx } from '@accountlink/db';
import { OutboxRepository } from '@accountlink/events';
import { parseRoleArn, RoleRepository, roleNameKey } from '@accountlink/iam';
import type { Updateable } from 'kysely';
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
import { EnvironmentState } from './environment.service';
import { environmentEvent } from './proton-events';
import { ConnectionRepository } from './repositories/connection.repository';
import { DeploymentRepository, DeploymentRow } from './repositories/deployment.repository';
import { EnvironmentRepository, EnvironmentRow } from './repositories/environment.repository';
import { StackKey, StackRepository } from './repositories/stack.repository';
import { TemplateVersionRepository } from './repositories/template-version.repository';

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
    private readonly db: Database,
    private readonly settings: TenantSettingsService,
    private readonly environments: EnvironmentRepository,
    private readonly deployments: DeploymentRepository,
    private readonly connections: ConnectionRepository,
    private readonly versions: TemplateVersionRepository,
    private readonly stacks: StackRepository,
    private readonly roles: RoleRepository,
    private readonly tags: ResourceTagRepository,
    private readonly outbox: OutboxRepository,
  ) {}

  /**
   * Runs a deployment to its end, once its simulated provisioning time (the tenant's
   * `provisioningDelayMs`, from the deployment's creation) has passed; before that it answers when
   * to come back, and the job waits as a delayed job, holding no worker slot: one tenant's slow
   * provisioning cannot stall another tenant's deployments.
   */
  async run(
    tenantId: string,
    deploymentId: string,
    draw = Math.random(),
  ): Promise<{ notBefore: number } | void> {
    const started = await this.db.withTenant(tenantId, (tx) =>
      this.deployments.findById(tx, deploymentId),
    );
    if (!started || !isBusy(started.status)) {
      return;
    }
    const { provisioningDelayMs, deploymentFailureRate } = await this.settings.get(tenantId, 0);
    const due = started.createdAt.getTime() + provisioningDelayMs;
    // A cancellation is acted on at once: nothing is being provisioned.
    if (Date.now() < due && started.status !== 'CANCELLING') {
      return { notBefore: due };
    }
    await this.db.withTenant(tenantId, async (tx) => {
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
    await this.db.withTenant(tenantId, async (tx) => {
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
    const deployment = await this.deployments.findById(tx, deploymentId);
    if (!deployment) {
      return null;
    }
    const environment = await this.environments.findById(tx, deployment.environmentId, 'update');
    const fresh = await this.deployments.findById(tx, deploymentId);
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
      const connection = await this.connections.findById(tx, id);
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
      const [validations] = await this.connections.validationsOf(tx, deployment.tenantId, [id]);
      const validation = validations?.find((v) => v.kind === 'ROLE');
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
      ? await this.roles.findByNameKey(
          tx,
          deployment.tenantId,
          parsed.accountId,
          roleNameKey(parsed.roleName),
        )
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
    const version = await this.versions.find(
      tx,
      environment.templateId,
      environment.templateMajorVersion,
      environment.templateMinorVersion,
    );
    if (!version) {
      throw new Error(`template version of environment ${environment.id} is gone`);
    }
    const customerManaged = environment.provisioning === 'CUSTOMER_MANAGED';
    const inputs = validateSpec(
      environment.spec,
      version.schema as EnvironmentSchema,
      customerManaged,
    );
    const outputs = outputsOf(inputs);
    if (!customerManaged) {
      await this.stacks.put(
        tx,
        this.stackKey(environment),
        environmentArn(environment.region, environment.accountId, environment.name),
        outputs,
      );
    }
    return outputs;
  }

  private async removeInfrastructure(tx: Tx, environment: EnvironmentRow): Promise<void> {
    await this.stacks.delete(tx, this.stackKey(environment));
    await this.environments.delete(tx, environment.id);
    await this.tags.drop(
      tx,
      environment.tenantId,
      environmentArn(environment.region, environment.accountId, environment.name),
    );
  }

  private stackKey(e: EnvironmentRow): StackKey {
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
    const ended = await this.deployments.update(tx, deployment.id, {
      status,
      statusMessage: message,
      ...(roleArn ? { roleArn } : {}),
      lastModifiedAt: now,
      completedAt: now,
    });
    let after = environment;
    if (status !== 'DELETE_COMPLETE') {
      after = await this.environments.update(tx, environment.id, {
        deploymentStatus: status,
        deploymentStatusMessage: message,
        ...(status === 'SUCCEEDED'
          ? {
              lastSucceededDeploymentId: deployment.id,
              lastDeploymentSucceededAt: now,
              outputs: jsonb(outputs ?? []),
            }
          : {}),
        ...rollback(deployment, status),
      });
    } else {
      after = { ...environment, deploymentStatus: 'DELETE_COMPLETE' };
    }
    await this.outbox.record(tx, environmentEvent(after, ended, 'system'));
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
): Updateable<Tables.Environment> {
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
