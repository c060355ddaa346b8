import { Injectable } from '@nestjs/common';
import { Database, jsonb, Tx } from '@accountlink/db';
import { OutboxRepository } from '@accountlink/events';
import { BundleResult, checkBundleLayout, isGzip, readArchive } from './domain/bundle-archive';
import { parseTemplateSchema } from './domain/template-rules';
import { versionEvent, VersionRow } from './proton-events';
import { BundleRepository } from './repositories/bundle.repository';
import { TemplateVersionRepository } from './repositories/template-version.repository';
import { TemplateRepository } from './repositories/template.repository';

/**
 * The worker's half of CreateEnvironmentTemplateVersion: it reads the bundle (inline, or the S3
 * object, which must exist), checks its schema, and moves the version to DRAFT or
 * REGISTRATION_FAILED with what is wrong.
 */
@Injectable()
export class TemplateRegistrationService {
  constructor(
    private readonly db: Database,
    private readonly templates: TemplateRepository,
    private readonly versions: TemplateVersionRepository,
    private readonly bundles: BundleRepository,
    private readonly outbox: OutboxRepository,
  ) {}

  /** Idempotent: a registered version is left alone. */
  async register(tenantId: string, versionId: string): Promise<void> {
    await this.db.withTenant(tenantId, async (tx) => {
      const version = await this.loadVersion(tx, versionId);
      if (!version || version.status !== 'REGISTRATION_IN_PROGRESS') {
        return;
      }
      const customerManaged = version.template.provisioning === 'CUSTOMER_MANAGED';
      let bundle: BundleResult;
      if (version.inlineSchema !== null) {
        bundle = { ok: true, schema: version.inlineSchema };
      } else {
        const bytes =
          version.sourceBucket && version.sourceKey
            ? await this.bundles.body(tx, {
                tenantId,
                accountId: version.template.accountId,
                bucket: version.sourceBucket,
                key: version.sourceKey,
              })
            : null;
        bundle = bytes
          ? await bundleSchema(bytes, customerManaged)
          : {
              ok: false,
              message: `The bundle s3://${version.sourceBucket}/${version.sourceKey} does not exist`,
            };
      }
      const text = bundle.ok ? bundle.schema : null;
      const result = bundle.ok ? parseTemplateSchema(bundle.schema, customerManaged) : bundle;
      const updated = await this.versions.update(
        tx,
        versionId,
        result.ok
          ? {
              status: 'DRAFT',
              statusMessage: null,
              schema: jsonb(result.schema),
              inlineSchema: text,
              lastModifiedAt: new Date(),
            }
          : {
              status: 'REGISTRATION_FAILED',
              statusMessage: result.message,
              lastModifiedAt: new Date(),
            },
      );
      await this.outbox.record(
        tx,
        versionEvent(
          'proton.template-version.changed',
          { ...updated, template: version.template },
          'system',
        ),
      );
    });
  }

  /** The last resort of a registration job that failed for good: REGISTRATION_FAILED, saying why. */
  async failRegistration(tenantId: string, versionId: string, error: string): Promise<void> {
    await this.db.withTenant(tenantId, async (tx) => {
      const failed = await this.versions.updateIfStatus(tx, versionId, 'REGISTRATION_IN_PROGRESS', {
        status: 'REGISTRATION_FAILED',
        statusMessage: `Registration could not complete: ${error}`,
        lastModifiedAt: new Date(),
      });
      const template = failed ? await this.templates.findById(tx, failed.templateId) : null;
      if (failed && template) {
        await this.outbox.record(
          tx,
          versionEvent('proton.template-version.changed', { ...failed, template }, 'system'),
        );
      }
    });
  }

  /** The version, locked, with its template; null when it is gone. */
  private async loadVersion(tx: Tx, versionId: string): Promise<VersionRow | null> {
    const version = await this.versions.findById(tx, versionId, 'update');
    const template = version ? await this.templates.findById(tx, version.templateId) : null;
    return version && template ? { ...version, template } : null;
  }
}

/**
 * The schema file of a stored bundle: a .tar.gz read with its limits and layout checked, or a
 * plain schema file (the simpler form the simulated store also takes).
 */
async function bundleSchema(bytes: Buffer, customerManaged: boolean): Promise<BundleResult> {
  if (!isGzip(bytes)) {
    return { ok: true, schema: bytes.toString('utf8') };
  }
  const archive = await readArchive(bytes);
  return archive.ok ? checkBundleLayout(archive.files, customerManaged) : archive;
}
