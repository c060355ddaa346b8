import { Injectable } from '@nestjs/common';
import { JobHandler, JobMap } from '@accountlink/jobs';
import { RoleValidationService } from '../role-validation.service';

@Injectable()
export class ValidateConnectionRolesHandler implements JobHandler<'proton.validate-connection-roles'> {
  readonly jobName = 'proton.validate-connection-roles' as const;

  constructor(private readonly validation: RoleValidationService) {}

  async handle(data: JobMap['proton.validate-connection-roles']): Promise<void> {
    await this.validation.validateConnections(data.tenantId, data.connectionIds);
  }
}
