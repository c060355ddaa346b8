import { Injectable } from '@nestjs/common';
import { JobHandler, JobMap } from '@accountlink/jobs';
import { ConnectionRoleService } from '../connection-role.service';

@Injectable()
export class ValidateConnectionRoleHandler implements JobHandler<'codecatalyst.validate-connection-role'> {
  readonly jobName = 'codecatalyst.validate-connection-role' as const;

  constructor(private readonly roles: ConnectionRoleService) {}

  async handle(data: JobMap['codecatalyst.validate-connection-role']): Promise<void> {
    await this.roles.validate(data.tenantId, data.connectionId, data.roleArn);
  }
}
