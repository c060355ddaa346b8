import { Injectable } from '@nestjs/common';
import { Database } from '@accountlink/db';
import { stackName } from './domain/environment-rules';
import { EnvironmentService } from './environment.service';
import { ProtonCaller } from './proton-caller';
import { EnvironmentCounts, EnvironmentRepository } from './repositories/environment.repository';
import { StackRepository, StackRow } from './repositories/stack.repository';
import { TemplateRepository } from './repositories/template.repository';

/** ProvisionedResource of the model. */
export interface ProvisionedResource {
  name: string;
  identifier: string;
  provisioningEngine: 'CLOUDFORMATION' | 'TERRAFORM';
}

/** ResourceCounts of the model. */
export type ResourceCounts = EnvironmentCounts;

/** CountsSummary of the model: what exists of each kind of Proton resource. */
export interface CountsSummary {
  environments: ResourceCounts;
  environmentTemplates: ResourceCounts;
  components: ResourceCounts;
  pipelines: ResourceCounts;
  serviceInstances: ResourceCounts;
  services: ResourceCounts;
  serviceTemplates: ResourceCounts;
}

const NONE: ResourceCounts = { total: 0, failed: 0, upToDate: 0, behindMajor: 0, behindMinor: 0 };

/**
 * What an account's environments amount to: the infrastructure Proton provisioned for one
 * (ListEnvironmentProvisionedResources) and the counts of everything (GetResourcesSummary).
 */
@Injectable()
export class EnvironmentResourcesService {
  constructor(
    private readonly db: Database,
    private readonly environmentService: EnvironmentService,
    private readonly environments: EnvironmentRepository,
    private readonly templates: TemplateRepository,
    private readonly stacks: StackRepository,
  ) {}

  /**
   * The resources Proton provisioned for the environment: its simulated CloudFormation stack in
   * the target account, once a deployment made it. A customer-managed environment has none (its
   * infrastructure is the customer's), nor has an environment that never deployed.
   */
  async provisionedResources(caller: ProtonCaller, name: string): Promise<ProvisionedResource[]> {
    return this.db.withTenant(caller.tenantId, async (tx) => {
      const environment = await this.environmentService.load(tx, caller, name);
      if (environment.provisioning === 'CUSTOMER_MANAGED') {
        return [];
      }
      const stack = await this.stacks.find(tx, {
        tenantId: caller.tenantId,
        accountId: environment.environmentAccountId,
        region: environment.region,
        name: stackName(environment.name, environment.id),
      });
      return stack ? [stackResource(stack, environment.id)] : [];
    });
  }

  /**
   * GetResourcesSummary for the account and region: environments counted against their
   * templates' recommended versions, templates by number; services, service instances,
   * pipelines, components and service templates are not simulated, so none exist.
   */
  async summary(caller: ProtonCaller): Promise<CountsSummary> {
    return this.db.withTenant(caller.tenantId, async (tx) => {
      const environments = await this.environments.counts(tx, caller);
      const templates = await this.templates.count(tx, caller);
      return {
        environments,
        environmentTemplates: { ...NONE, total: templates },
        components: NONE,
        pipelines: NONE,
        serviceInstances: NONE,
        services: NONE,
        serviceTemplates: NONE,
      };
    });
  }
}

/** An environment's simulated stack as a provisioned resource (its ARN names the environment). */
function stackResource(stack: StackRow, environmentId: string): ProvisionedResource {
  return {
    name: stack.name,
    identifier: `arn:aws:cloudformation:${stack.region}:${stack.accountId}:stack/${stack.name}/${environmentId}`,
    provisioningEngine: 'CLOUDFORMATION',
  };
}
