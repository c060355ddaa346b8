import { Injectable, Logger } from '@nestjs/common';
import { Database } from '@accountlink/db';
import { RoleRepository } from '../repositories/role.repository';
import { JobHandler, JobMap } from '@accountlink/jobs';
import { RoleChangeListeners } from '../role-change-listeners';

/**
 * Reloads the role (the job carries ids, not rows) and hands the change to every registered
 * listener in one tenant transaction. Listeners must be idempotent: a job can run twice.
 */
@Injectable()
export class RoleChangedHandler implements JobHandler<'iam.role-changed'> {
  readonly jobName = 'iam.role-changed' as const;
  private readonly logger = new Logger(RoleChangedHandler.name);

  constructor(
    private readonly db: Database,
    private readonly roles: RoleRepository,
    private readonly listeners: RoleChangeListeners,
  ) {}

  async handle(data: JobMap['iam.role-changed']): Promise<void> {
    const { tenantId, accountId, roleNameKey, roleArn } = data;
    await this.db.withTenant(tenantId, async (tx) => {
      const role = await this.roles.findByNameKey(tx, tenantId, accountId, roleNameKey);
      for (const { listener } of this.listeners.list()) {
        await listener(tx, { tenantId, accountId, roleArn, role });
      }
    });
    this.logger.debug(
      `role ${roleArn} changed; ${this.listeners.list().length} listener(s) notified`,
    );
  }
}
