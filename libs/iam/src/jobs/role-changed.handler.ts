import { Injectable, Logger } from '@nestjs/common';
import { PrismaService } from '@accountlink/db';
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
    private readonly prisma: PrismaService,
    private readonly listeners: RoleChangeListeners,
  ) {}

  async handle(data: JobMap['iam.role-changed']): Promise<void> {
    const { tenantId, accountId, roleNameKey, roleArn } = data;
    await this.prisma.withTenant(tenantId, async (tx) => {
      const role = await tx.role.findUnique({
        where: { tenantId_accountId_roleNameKey: { tenantId, accountId, roleNameKey } },
      });
      for (const { listener } of this.listeners.list()) {
        await listener(tx, { tenantId, accountId, roleArn, role });
      }
    });
    this.logger.debug(
      `role ${roleArn} changed; ${this.listeners.list().length} listener(s) notified`,
    );
  }
}
