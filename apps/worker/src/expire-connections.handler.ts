import { Injectable, Logger } from '@nestjs/common';
import { AccountConnectionRepository } from '@accountlink/codecatalyst';
import { SystemDatabase } from '@accountlink/db';
import { JobHandler } from '@accountlink/jobs';

@Injectable()
export class ExpireConnectionsHandler implements JobHandler<'codecatalyst.expire-connections'> {
  readonly jobName = 'codecatalyst.expire-connections' as const;
  private readonly logger = new Logger(ExpireConnectionsHandler.name);

  constructor(
    private readonly system: SystemDatabase,
    private readonly connections: AccountConnectionRepository,
  ) {}

  async handle(): Promise<void> {
    const expired = await this.connections.expireDue(this.system.db);
    if (expired > 0) {
      this.logger.log(`expired ${expired} pending account connection request(s)`);
    }
  }
}
