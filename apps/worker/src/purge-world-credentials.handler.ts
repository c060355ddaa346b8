import { Injectable, Logger } from '@nestjs/common';
import { SystemDatabase } from '@accountlink/db';
import { WorldCredentialRepository } from '@accountlink/iam';
import { JobHandler } from '@accountlink/jobs';

/** Bulk worlds' credentials nobody downloaded before they expired: sealed bytes of no use. */
@Injectable()
export class PurgeWorldCredentialsHandler implements JobHandler<'iam.purge-world-credentials'> {
  readonly jobName = 'iam.purge-world-credentials' as const;
  private readonly logger = new Logger(PurgeWorldCredentialsHandler.name);

  constructor(
    private readonly system: SystemDatabase,
    private readonly credentials: WorldCredentialRepository,
  ) {}

  async handle(): Promise<void> {
    const deleted = await this.credentials.purgeExpired(this.system.db);
    if (deleted > 0) {
      this.logger.log(`purged ${deleted} expired batch(es) of world credentials`);
    }
  }
}
