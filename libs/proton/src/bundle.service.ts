import { Injectable } from '@nestjs/common';
import { AppError, checkString } from '@accountlink/common';
import { PrismaService } from '@accountlink/db';
import { findAccount } from '@accountlink/tenancy';
import { TEMPLATE_LIMITS } from './domain/template-rules';

export interface BundleObjectInfo {
  bucket: string;
  key: string;
  size: number;
  createdAt: Date;
}

/**
 * The simulated S3 store of each account, for template bundles: CreateEnvironmentTemplateVersion's
 * `source.s3 { bucket, key }` is resolved by the worker in the template's (management) account.
 * An object holds the bundle's schema file (YAML or JSON); putting a key again replaces it.
 */
@Injectable()
export class BundleService {
  constructor(private readonly prisma: PrismaService) {}

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
    return this.prisma.withTenant(tenantId, async (tx) => {
      if (!(await findAccount(tx, tenantId, accountId))) {
        throw AppError.notFound(`Account ${accountId} does not exist`);
      }
      return tx.bundleObject.upsert({
        where: { tenantId_accountId_bucket_key: { tenantId, accountId, bucket, key } },
        create: { tenantId, accountId, bucket, key, body, size },
        update: { body, size, createdAt: new Date() },
        select: { bucket: true, key: true, size: true, createdAt: true },
      });
    });
  }
}
