import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  AppError,
  checkString,
  groupBy,
  checkTags,
  CursorCodec,
  ErrorCode,
  notInEnum,
  Page,
  pageSize,
  Tag,
  toPage,
} from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { Database, ResourceTagRepository, Tables, Tx } from '@accountlink/db';
import { OutboxRepository } from '@accountlink/events';
import type { Updateable } from 'kysely';
import { LIMITS, PATTERNS } from './domain/connection-rules';
import { templateVersionArn } from './domain/environment-rules';
import { checkName, checkOptional } from './domain/field-rules';
import {
  highestVersion,
  recommendedMinors,
  TEMPLATE_LIMITS,
  TEMPLATE_VERSION_STATUSES,
} from './domain/template-rules';
import { ProtonCaller } from './proton-caller';
import { versionEvent, VersionRow } from './proton-events';
import { EnvironmentRepository } from './repositories/environment.repository';
import {
  TemplateVersionRepository,
  VersionRecord,
} from './repositories/template-version.repository';
import { TemplateRepository, TemplateRow } from './repositories/template.repository';
import { TemplateAccess, VersionView } from './template-access';

export interface CreateVersionInput {
  templateName: string;
  majorVersion?: number | null;
  description?: string | null;
  clientToken?: string | null;
  /** AWS edge: the bundle in the tenant's simulated S3 store. */
  source?: { bucket: string; key: string } | null;
  /** GraphQL: the schema file inline. */
  schema?: string | null;
  tags?: Tag[] | null;
}

const VERSIONS_PER_TEMPLATE = 1000;

/**
 * Versions of environment templates: numbering, publishing and the recommended-version rules
 * (the template's recommended version and each major version's recommended minor follow the
 * highest PUBLISHED one). A new version registers asynchronously (TemplateRegistrationService).
 */
@Injectable()
export class TemplateVersionService {
  private readonly cursors: CursorCodec;

  constructor(
    private readonly db: Database,
    private readonly templates: TemplateRepository,
    private readonly versions: TemplateVersionRepository,
    private readonly environments: EnvironmentRepository,
    private readonly tags: ResourceTagRepository,
    private readonly outbox: OutboxRepository,
    private readonly access: TemplateAccess,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cursors = new CursorCodec(config.cursorSecret);
  }

  async createVersion(caller: ProtonCaller, input: CreateVersionInput): Promise<VersionView> {
    checkName('templateName', input.templateName);
    checkOptional('description', input.description, 0, TEMPLATE_LIMITS.description);
    if (input.clientToken) {
      checkString('clientToken', input.clientToken, PATTERNS.clientToken, 0, LIMITS.clientToken);
    }
    if (!input.source && !input.schema) {
      throw AppError.badInput('source', 'source.s3 { bucket, key } is required');
    }
    if (input.source && input.schema) {
      throw AppError.badInput('schema', 'Give the bundle inline (schema) or in S3 (s3), not both');
    }
    if (input.source) {
      checkString('source.s3.bucket', input.source.bucket, /^[a-z0-9][a-z0-9.-]*$/, 3, 63);
      checkString('source.s3.key', input.source.key, /^.+$/s, 1, 1024);
    }
    if (input.schema && input.schema.length > TEMPLATE_LIMITS.schema) {
      throw AppError.badInput(
        'schema',
        `The schema has ${input.schema.length} characters; at most ${TEMPLATE_LIMITS.schema}`,
      );
    }
    checkTags(input.tags ?? []);
    return this.db.withTenant(caller.tenantId, async (tx) => {
      // The template row lock serializes version numbering and the client-token check.
      const template = await this.access.loadTemplate(tx, caller, input.templateName, 'update');
      const token = input.clientToken || null;
      if (token) {
        const prior = await this.versions.findByToken(tx, template.id, token);
        if (prior) {
          return this.access.withRecommended(tx, { ...prior, template });
        }
      }
      const existing = await this.versions.numbers(tx, template.id);
      if (existing.length >= VERSIONS_PER_TEMPLATE) {
        throw new AppError(
          ErrorCode.QUOTA_EXCEEDED,
          `Environment template ${template.name} has reached the quota of ${VERSIONS_PER_TEMPLATE} versions`,
        );
      }
      const numbers = existing.map((v) => ({ major: v.majorVersion, minor: v.minorVersion }));
      let major: number;
      let minor: number;
      if (input.majorVersion !== undefined && input.majorVersion !== null) {
        // A new minor version of the given major version, which must exist.
        const inMajor = numbers.filter((v) => v.major === input.majorVersion);
        if (inMajor.length === 0) {
          throw AppError.badInput(
            'majorVersion',
            `Environment template ${template.name} has no major version ${input.majorVersion}; omit majorVersion to create a new major version`,
          );
        }
        major = input.majorVersion;
        minor = Math.max(...inMajor.map((v) => v.minor)) + 1;
      } else {
        major = (highestVersion(numbers)?.major ?? 0) + 1;
        minor = 0;
      }
      const now = new Date();
      const record = await this.versions.insert(tx, {
        id: randomUUID(),
        tenantId: caller.tenantId,
        templateId: template.id,
        majorVersion: major,
        minorVersion: minor,
        status: 'REGISTRATION_IN_PROGRESS',
        description: input.description ?? null,
        sourceBucket: input.source?.bucket ?? null,
        sourceKey: input.source?.key ?? null,
        inlineSchema: input.source ? null : (input.schema ?? null),
        clientToken: token,
        createdAt: now,
        lastModifiedAt: now,
      });
      const version: VersionRow = { ...record, template };
      if (input.tags?.length) {
        await this.tags.put(tx, caller.tenantId, this.arnOf(version), input.tags);
      }
      await this.outbox.record(
        tx,
        versionEvent('proton.template-version.created', version, caller.actor),
      );
      return { ...version, recommendedMinorVersion: null };
    });
  }

  async getVersion(
    caller: ProtonCaller,
    templateName: string,
    major: number,
    minor: number,
  ): Promise<VersionView> {
    return this.db.withTenant(caller.tenantId, async (tx) => {
      const template = await this.access.loadTemplate(tx, caller, templateName);
      return this.access.withRecommended(
        tx,
        await this.access.loadVersion(tx, template, major, minor),
      );
    });
  }

  /**
   * ListEnvironmentTemplateVersions without majorVersion, as the API reference has it: "a list of
   * major versions", one summary per major version (its recommended minor, or its highest minor
   * while none is published).
   */
  async listMajorVersions(
    caller: ProtonCaller,
    templateName: string,
    first?: number | null,
    after?: string | null,
  ): Promise<Page<VersionView>> {
    const limit = pageSize(first);
    const scope = `tplm:${caller.tenantId}:${caller.accountId}:${caller.region}:${templateName}`;
    const afterMajor = versionKey(this.cursors, scope, after, 1)?.[0] ?? null;
    return this.db.withTenant(caller.tenantId, async (tx) => {
      const template = await this.access.loadTemplate(tx, caller, templateName);
      const rows = await this.versions.majorsPage(tx, template.id, afterMajor, limit);
      return toPage(await this.withRecommended(tx, template, rows), limit, (row) =>
        this.cursors.encode(scope, [row.majorVersion]),
      );
    });
  }

  /** ListEnvironmentTemplateVersions (optionally of one major version), in version order. */
  async listVersions(
    caller: ProtonCaller,
    templateName: string,
    majorVersion?: number | null,
    first?: number | null,
    after?: string | null,
  ): Promise<Page<VersionView>> {
    const limit = pageSize(first);
    const scope = `tplv:${caller.tenantId}:${caller.accountId}:${caller.region}:${templateName}:${majorVersion ?? ''}`;
    const key = versionKey(this.cursors, scope, after, 2);
    const afterKey: [number, number] | null = key ? [key[0] ?? 0, key[1] ?? 0] : null;
    return this.db.withTenant(caller.tenantId, async (tx) => {
      const template = await this.access.loadTemplate(tx, caller, templateName);
      const rows = await this.versions.page(tx, template.id, majorVersion ?? null, afterKey, limit);
      return toPage(await this.withRecommended(tx, template, rows), limit, (row) =>
        this.cursors.encode(scope, [row.majorVersion, row.minorVersion]),
      );
    });
  }

  /** Versions as views: each with its template and its major's recommended minor version. */
  private async withRecommended(
    tx: Tx,
    template: TemplateRow,
    rows: VersionRecord[],
  ): Promise<VersionView[]> {
    const recommended = recommendedMinors(await this.versions.published(tx, template.id));
    return rows.map((r) => ({
      ...r,
      template,
      recommendedMinorVersion: recommended.get(r.majorVersion) ?? null,
    }));
  }

  /** Every version of many templates, in version order, in one transaction (GraphQL field batching). */
  async versionsOf(tenantId: string, templateIds: readonly string[]): Promise<VersionView[][]> {
    const [templates, rows] = await this.db.withTenant(tenantId, async (tx) => [
      await this.templates.byIds(tx, tenantId, templateIds),
      await this.versions.ofTemplates(tx, tenantId, templateIds),
    ]);
    const byTemplate = groupBy(templateIds, rows, (r) => r.templateId);
    return templates.map((template, i) => {
      if (!template) {
        return [];
      }
      const mine = byTemplate[i] ?? [];
      const recommended = recommendedMinors(
        mine
          .filter((v) => v.status === 'PUBLISHED')
          .map((v) => ({ major: v.majorVersion, minor: v.minorVersion })),
      );
      return mine.map((v) => ({
        ...v,
        template,
        recommendedMinorVersion: recommended.get(v.majorVersion) ?? null,
      }));
    });
  }

  /** UpdateEnvironmentTemplateVersion: the description, and DRAFT → PUBLISHED. */
  async updateVersion(
    caller: ProtonCaller,
    templateName: string,
    major: number,
    minor: number,
    change: { status?: string | null; description?: string | null },
  ): Promise<VersionView> {
    checkOptional('description', change.description, 0, TEMPLATE_LIMITS.description);
    if (change.status && !TEMPLATE_VERSION_STATUSES.includes(change.status)) {
      throw notInEnum('status', TEMPLATE_VERSION_STATUSES);
    }
    if (change.status && change.status !== 'PUBLISHED' && change.status !== 'DRAFT') {
      throw AppError.badInput('status', 'status can be set to PUBLISHED (from DRAFT)');
    }
    return this.db.withTenant(caller.tenantId, async (tx) => {
      const template = await this.access.loadTemplate(tx, caller, templateName, 'update');
      const version = await this.access.loadVersion(tx, template, major, minor);
      const patch: Updateable<Tables.EnvironmentTemplateVersion> = {};
      if (change.description !== undefined && change.description !== null) {
        patch.description = change.description;
      }
      if (change.status && change.status !== version.status) {
        if (change.status !== 'PUBLISHED' || version.status !== 'DRAFT') {
          throw AppError.conflict(
            `Template version ${major}.${minor} is ${version.status}; only a DRAFT version can be PUBLISHED`,
          );
        }
        patch.status = 'PUBLISHED';
      }
      if (Object.keys(patch).length === 0) {
        return this.access.withRecommended(tx, version);
      }
      const record = await this.versions.update(tx, version.id, {
        ...patch,
        lastModifiedAt: new Date(),
      });
      let updated: VersionRow = { ...record, template };
      if (patch.status) {
        updated = { ...record, template: await this.refreshRecommended(tx, template) };
        await this.outbox.record(
          tx,
          versionEvent('proton.template-version.changed', updated, caller.actor),
        );
      }
      return this.access.withRecommended(tx, updated);
    });
  }

  /** Deletes a version no environment uses; the template's recommended version follows. */
  async deleteVersion(
    caller: ProtonCaller,
    templateName: string,
    major: number,
    minor: number,
  ): Promise<VersionView> {
    return this.db.withTenant(caller.tenantId, async (tx) => {
      const template = await this.access.loadTemplate(tx, caller, templateName, 'update');
      const version = await this.access.loadVersion(tx, template, major, minor);
      // In use: an environment on it, or one whose running update would fall back to it.
      const user = await this.environments.nameUsingVersion(tx, caller, template, major, minor);
      if (user) {
        throw AppError.conflict(
          `Template version ${major}.${minor} of ${templateName} is in use by environment ${user}`,
        );
      }
      const siblings = (await this.versions.numbers(tx, template.id)).filter(
        (v) => !(v.majorVersion === major && v.minorVersion === minor),
      );
      const recommendedMinor = recommendedMinors(
        [...siblings, version]
          .filter((v) => v.status === 'PUBLISHED')
          .map((v) => ({ major: v.majorVersion, minor: v.minorVersion })),
      ).get(major);
      // AWS: the recommended version goes last; so does the recommended minor of a major version.
      if (template.recommendedVersion === `${major}.${minor}` && siblings.length > 0) {
        throw AppError.conflict(
          `Template version ${major}.${minor} is the recommended version of ${templateName}; delete the other versions first`,
        );
      }
      if (recommendedMinor === minor && siblings.some((v) => v.majorVersion === major)) {
        throw AppError.conflict(
          `Template version ${major}.${minor} is the recommended minor version of major version ${major}; delete its other minor versions first`,
        );
      }
      await this.versions.delete(tx, version.id);
      await this.tags.drop(tx, caller.tenantId, this.arnOf(version));
      await this.refreshRecommended(tx, template);
      await this.outbox.record(
        tx,
        versionEvent('proton.template-version.changed', version, caller.actor),
      );
      return { ...version, recommendedMinorVersion: null };
    });
  }

  arnOf(v: VersionRow): string {
    return templateVersionArn(v.template.region, v.template.accountId, v.template.name, {
      major: v.majorVersion,
      minor: v.minorVersion,
    });
  }

  private async refreshRecommended(tx: Tx, template: TemplateRow): Promise<TemplateRow> {
    const best = highestVersion(await this.versions.published(tx, template.id));
    return this.templates.setRecommendedVersion(
      tx,
      template.id,
      best ? `${best.major}.${best.minor}` : null,
      new Date(),
    );
  }
}

/** The version numbers (`parts` of them) a list's nextToken names; null without one. */
function versionKey(
  codec: CursorCodec,
  scope: string,
  after: string | null | undefined,
  parts: number,
): number[] | null {
  if (!after) {
    return null;
  }
  const key = codec.decode(scope, after);
  if (!key || key.length < parts || key.slice(0, parts).some((k) => typeof k !== 'number')) {
    throw AppError.badInput('nextToken', 'The pagination token is not valid for this request');
  }
  return key.slice(0, parts) as number[];
}
