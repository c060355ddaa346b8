import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { SystemDatabase } from '@accountlink/db';
import { OutboxRepository } from '@accountlink/events';
import { JobHandler } from '@accountlink/jobs';

@Injectable()
export class OutboxPurgeHandler implements JobHandler<'outbox.purge'> {
  readonly jobName = 'outbox.purge' as const;
  private readonly logger = new Logger(OutboxPurgeHandler.name);

  constructor(
    private readonly system: SystemDatabase,
    private readonly outbox: OutboxRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(): Promise<void> {
    const deleted = await this.outbox.purge(this.system.db, this.config.outboxRetentionHours);
    this.logger.log(`purged ${deleted} relayed outbox event(s)`);
  }
}
