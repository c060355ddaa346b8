import { Injectable } from '@nestjs/common';
import { AppError, checkString } from '@accountlink/common';
import { Database } from '@accountlink/db';
import { AccountRepository } from '@accountlink/tenancy';
import { TEMPLATE_LIMITS } from './domain/template-rules';
import { BundleObjectInfo, BundleRepository } from './repositories/bundle.repository';

/**
 * The simulated S3 store of each account, for template bundles: CreateEnvironmentTemplateVersion's
 * `source.s3 { bucket, key }` is resolved by the worker in the template's (management) account.
 * An object holds the bundle's schema file (YAML or JSON); putting a key again replaces it.
 */
@Injectable()
export class BundleService {
  constructor(
    private readonly db: Database,
    private readonly bundles: BundleRepository,
    private readonly accounts: AccountRepository,
  ) {}

  async put(
    tenantId: string,
    accountId: string,
    bucket: string,
    key: string,
    body: string,
  ): Promise<BundleObjectInfo> {
    checkString('bucket', bucket, /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, 3, 63);
    checkString('key', key, /^.+$/s, 1, 1024);
    const size = Buffer.byteLength(body, 'utf8');
    if (size > TEMPLATE_LIMITS.bundleObject) {
      throw AppError.badInput(
        'body',
        `The object has ${size} bytes; a bundle holds at most ${TEMPLATE_LIMITS.bundleObject}`,
      );
    }
    return this.db.withTenant(tenantId, async (tx) => {
      if (!(await this.accounts.find(tx, tenantId, accountId))) {
        throw AppError.notFound(`Account ${accountId} does not exist`);
      }
      return this.bundles.put(tx, { tenantId, accountId, bucket, key }, body, size);
    });
  }
}
