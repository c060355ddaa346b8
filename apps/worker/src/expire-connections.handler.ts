import { Inject, Injectable, Logger } from '@nestjs/common';
import { expireDueConnections } from '@accountlink/codecatalyst';
import { JobHandler } from '@accountlink/jobs';
import { Pool } from 'pg';
import { OWNER_POOL } from './tokens';

@Injectable()
export class ExpireConnectionsHandler implements JobHandler<'codecatalyst.expire-connections'> {
  readonly jobName = 'codecatalyst.expire-connections' as const;
  private readonly logger = new Logger(ExpireConnectionsHandler.name);

  constructor(@Inject(OWNER_POOL) private readonly pool: Pool) {}

  async handle(): Promise<void> {
    const expired = await expireDueConnections(this.pool);
    if (expired > 0) {
      this.logger.log(`expired ${expired} pending account connection request(s)`);
    }
  }
}
