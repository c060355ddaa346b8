import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { purgeOutbox } from '@accountlink/events';
import { JobHandler } from '@accountlink/jobs';
import { Pool } from 'pg';
import { OWNER_POOL } from './tokens';

@Injectable()
export class OutboxPurgeHandler implements JobHandler<'outbox.purge'> {
  readonly jobName = 'outbox.purge' as const;
  private readonly logger = new Logger(OutboxPurgeHandler.name);

  constructor(
    @Inject(OWNER_POOL) private readonly pool: Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(): Promise<void> {
    const deleted = await purgeOutbox(this.pool, this.config.outboxRetentionHours);
    this.logger.log(`purged ${deleted} relayed outbox event(s)`);
  }
}
