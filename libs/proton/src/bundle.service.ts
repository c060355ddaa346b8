import { Injectable } from '@nestjs/common';
import { AppError, checkString, ErrorCode } from '@accountlink/common';
import { Database } from '@accountlink/db';
import { AccountRepository, TenantSettingsService } from '@accountlink/tenancy';
import { TEMPLATE_LIMITS } from './domain/template-rules';
import { BundleObjectInfo, BundleRepository } from './repositories/bundle.repository';

/**
 * The simulated S3 store of each account, for template bundles: CreateEnvironmentTemplateVersion's
 * `source.s3 { bucket, key }` is resolved by the worker in the template's (management) account.
 * An object holds a bundle: a .tar.gz as Proton takes them, or (simpler for tests and scripts)
 * just its schema file (YAML or JSON); putting a key again replaces it.
 */
@Injectable()
export class BundleService {
  constructor(
    private readonly db: Database,
    private readonly bundles: BundleRepository,
    private readonly accounts: AccountRepository,
    private readonly settings: TenantSettingsService,
  ) {}

  async put(
    tenantId: string,
    accountId: string,
    bucket: string,
    key: string,
    body: Buffer,
  ): Promise<BundleObjectInfo> {
    checkString('bucket', bucket, /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, 3, 63);
    checkString('key', key, /^.+$/s, 1, 1024);
    const size = body.length;
    if (size > TEMPLATE_LIMITS.bundleObject) {
      throw AppError.badInput(
        'body',
        `The object has ${size} bytes; a bundle holds at most ${TEMPLATE_LIMITS.bundleObject}`,
      );
    }
    const { bundleObjectQuota } = await this.settings.get(tenantId);
    const object = { tenantId, accountId, bucket, key };
    return this.db.withTenant(
      tenantId,
      async (tx) => {
        if (!(await this.accounts.find(tx, tenantId, accountId))) {
          throw AppError.notFound(`Account ${accountId} does not exist`);
        }
        // Replacing an object takes no more room; a new one must fit under the quota.
        if (
          (await this.bundles.countInAccountBesides(tx, object, bundleObjectQuota)) >=
          bundleObjectQuota
        ) {
          throw new AppError(
            ErrorCode.QUOTA_EXCEEDED,
            `Account ${accountId} has reached its quota of ${bundleObjectQuota} bundle objects`,
          );
        }
        return this.bundles.put(tx, object, body, size);
      },
      // The account's puts one at a time (the advisory lock), so the count holds until commit.
      { lockKey: `bundle|${tenantId}|${accountId}` },
    );
  }
}
