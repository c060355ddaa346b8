import { Injectable } from '@nestjs/common';
import { JobHandler, JobMap, JobPostponed } from '@accountlink/jobs';
import { DeploymentRunner } from '../deployment-runner.service';
import { TemplateRegistrationService } from '../template-registration.service';

@Injectable()
export class RegisterTemplateVersionHandler implements JobHandler<'proton.register-template-version'> {
  readonly jobName = 'proton.register-template-version' as const;

  constructor(private readonly templates: TemplateRegistrationService) {}

  async handle(data: JobMap['proton.register-template-version']): Promise<void> {
    await this.templates.register(data.tenantId, data.versionId);
  }

  /** Never REGISTRATION_IN_PROGRESS forever. */
  async onExhausted(data: JobMap['proton.register-template-version'], error: Error): Promise<void> {
    await this.templates.failRegistration(data.tenantId, data.versionId, customerReason(error));
  }
}

@Injectable()
export class DeployEnvironmentHandler implements JobHandler<'proton.deploy-environment'> {
  readonly jobName = 'proton.deploy-environment' as const;

  constructor(private readonly runner: DeploymentRunner) {}

  async handle(data: JobMap['proton.deploy-environment']): Promise<JobPostponed | void> {
    return this.runner.run(data.tenantId, data.deploymentId);
  }

  /** Never IN_PROGRESS forever: a deployment whose job failed for good ends FAILED, saying why. */
  async onExhausted(data: JobMap['proton.deploy-environment'], error: Error): Promise<void> {
    await this.runner.abandon(data.tenantId, data.deploymentId, customerReason(error));
  }
}

/**
 * What a customer is told about a job that failed for good: why in general terms; the error
 * itself (which may quote queries) is in the worker's log (JobRunner logs every failure).
 */
export function customerReason(error: Error): string {
  return /stalled/i.test(error.message)
    ? 'its worker stopped responding, twice'
    : 'the worker failed on every attempt';
}
