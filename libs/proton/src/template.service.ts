import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  AppError,
  checkString,
  checkTags,
  CursorCodec,
  decodeNameKey,
  ErrorCode,
  Page,
  pageSize,
  Tag,
  toPage,
} from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { dropResourceTags, Prisma, PrismaService, putResourceTags, Tx } from '@accountlink/db';
import { recordEvent } from '@accountlink/events';
import { LIMITS, PATTERNS } from './domain/connection-rules';
import { templateArn, templateVersionArn } from './domain/environment-rules';
import {
  EnvironmentSchema,
  highestVersion,
  parseTemplateSchema,
  recommendedMinors,
  TEMPLATE_LIMITS,
} from './domain/template-rules';
import { ProtonCaller } from './proton-caller';

export type TemplateRow = Prisma.EnvironmentTemplateGetPayload<object>;
export type VersionRow = Prisma.EnvironmentTemplateVersionGetPayload<{
  include: { template: true };
}>;

/** A template version with the highest PUBLISHED minor version of its major version. */
export type VersionView = VersionRow & { recommendedMinorVersion: number | null };

export interface CreateTemplateInput {
  name: string;
  displayName?: string | null;
  description?: string | null;
  encryptionKey?: string | null;
  provisioning?: string | null;
  tags?: Tag[] | null;
}

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
 * Environment templates and their versions, of a management account in a region. Versions
 * register asynchronously (the worker checks the bundle's schema), then are published.
 */
@Injectable()
export class TemplateService {
  private readonly cursors: CursorCodec;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cursors = new CursorCodec(config.cursorSecret);
  }

  async createTemplate(caller: ProtonCaller, input: CreateTemplateInput): Promise<TemplateRow> {
    checkName('name', input.name);
    checkOptional('displayName', input.displayName, 1, TEMPLATE_LIMITS.displayName);
    checkOptional('description', input.description, 0, TEMPLATE_LIMITS.description);
    if (input.provisioning && input.provisioning !== 'CUSTOMER_MANAGED') {
      throw AppError.badInput('provisioning', 'provisioning must be CUSTOMER_MANAGED when given');
    }
    checkTags(input.tags ?? []);
    const lockKey = `tpl|${caller.tenantId}|${caller.accountId}|${caller.region}`;
    return this.prisma.withTenant(
      caller.tenantId,
      async (tx) => {
        const [quota] = await tx.$queryRaw<{ quota: number; used: number }[]>`
          SELECT (SELECT "templateQuota" FROM "tenants" WHERE "id" = ${caller.tenantId}::uuid) AS "quota",
                 (SELECT count(*)::int FROM "environment_templates"
                   WHERE "tenantId" = ${caller.tenantId}::uuid AND "accountId" = ${caller.accountId} AND "region" = ${caller.region}) AS "used"`;
        if (quota && quota.used >= quota.quota) {
          throw new AppError(
            ErrorCode.QUOTA_EXCEEDED,
            `You have reached the quota of ${quota.quota} environment templates for account ${caller.accountId} in ${caller.region}`,
          );
        }
        const now = new Date();
        const [template] = await tx.environmentTemplate.createManyAndReturn({
          data: [
            {
              id: randomUUID(),
              tenantId: caller.tenantId,
              accountId: caller.accountId,
              region: caller.region,
              name: input.name,
              displayName: input.displayName ?? null,
              description: input.description ?? null,
              encryptionKey: input.encryptionKey ?? null,
              provisioning: input.provisioning ?? null,
              createdAt: now,
              lastModifiedAt: now,
            },
          ],
          skipDuplicates: true,
        });
        if (!template) {
          throw AppError.conflict(`An environment template named ${input.name} already exists`);
        }
        if (input.tags?.length) {
          await putResourceTags(tx, caller.tenantId, this.arnOf(template), input.tags);
        }
        await this.event(tx, 'proton.template.changed', template, caller, null);
        return template;
      },
      { lockKey },
    );
  }

  async getTemplate(caller: ProtonCaller, name: string): Promise<TemplateRow> {
    return this.prisma.withTenant(caller.tenantId, (tx) => this.loadTemplate(tx, caller, name));
  }

  /** ListEnvironmentTemplates, in name order. */
  async listTemplates(
    caller: ProtonCaller,
    first?: number | null,
    after?: string | null,
  ): Promise<Page<TemplateRow>> {
    const limit = pageSize(first);
    const scope = `tpl:${caller.tenantId}:${caller.accountId}:${caller.region}`;
    const afterName = decodeNameKey(this.cursors, scope, after, 'nextToken');
    const rows = await this.prisma.withTenant(caller.tenantId, (tx) =>
      tx.environmentTemplate.findMany({
        where: {
          tenantId: caller.tenantId,
          accountId: caller.accountId,
          region: caller.region,
          ...(afterName ? { name: { gt: afterName } } : {}),
        },
        orderBy: { name: 'asc' },
        take: limit + 1,
      }),
    );
    return toPage(rows, limit, (row) => this.cursors.encode(scope, [row.name]));
  }

  /** Deletes the template and its versions; refused while an environment uses any of them. */
  async deleteTemplate(caller: ProtonCaller, name: string): Promise<TemplateRow> {
    return this.prisma.withTenant(caller.tenantId, async (tx) => {
      const template = await this.loadTemplate(tx, caller, name, 'update');
      const users = await tx.environment.findMany({
        where: { tenantId: caller.tenantId, templateId: template.id },
        select: { name: true },
        take: 5,
      });
      if (users.length > 0) {
        throw AppError.conflict(
          `Environment template ${name} is in use by environment(s) ${users.map((u) => u.name).join(', ')}`,
        );
      }
      const versions = await tx.environmentTemplateVersion.findMany({
        where: { templateId: template.id },
      });
      await tx.environmentTemplate.delete({ where: { id: template.id } });
      await dropResourceTags(tx, caller.tenantId, [
        this.arnOf(template),
        ...versions.map((v) => this.versionArnOf({ ...v, template })),
      ]);
      await this.event(tx, 'proton.template.changed', template, caller, null);
      return template;
    });
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
    return this.prisma.withTenant(caller.tenantId, async (tx) => {
      // The template row lock serializes version numbering and the client-token check.
      const template = await this.loadTemplate(tx, caller, input.templateName, 'update');
      const token = input.clientToken || null;
      if (token) {
        const prior = await tx.environmentTemplateVersion.findUnique({
          where: { templateId_clientToken: { templateId: template.id, clientToken: token } },
          include: { template: true },
        });
        if (prior) {
          return this.withRecommended(tx, prior);
        }
      }
      const existing = await tx.environmentTemplateVersion.findMany({
        where: { templateId: template.id },
        select: { majorVersion: true, minorVersion: true },
      });
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
      const version = await tx.environmentTemplateVersion.create({
        data: {
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
        },
        include: { template: true },
      });
      if (input.tags?.length) {
        await putResourceTags(tx, caller.tenantId, this.versionArnOf(version), input.tags);
      }
      await this.versionEvent(tx, 'proton.template-version.created', version, caller.actor);
      return { ...version, recommendedMinorVersion: null };
    });
  }

  async getVersion(
    caller: ProtonCaller,
    templateName: string,
    major: number,
    minor: number,
  ): Promise<VersionView> {
    return this.prisma.withTenant(caller.tenantId, async (tx) => {
      const template = await this.loadTemplate(tx, caller, templateName);
      return this.withRecommended(tx, await this.loadVersion(tx, template, major, minor));
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
    let afterKey: [number, number] | null = null;
    if (after) {
      const key = this.cursors.decode(scope, after);
      if (!key || typeof key[0] !== 'number' || typeof key[1] !== 'number') {
        throw AppError.badInput('nextToken', 'The pagination token is not valid for this request');
      }
      afterKey = [key[0], key[1]];
    }
    return this.prisma.withTenant(caller.tenantId, async (tx) => {
      const template = await this.loadTemplate(tx, caller, templateName);
      const rows = await tx.environmentTemplateVersion.findMany({
        where: {
          templateId: template.id,
          ...(majorVersion !== undefined && majorVersion !== null ? { majorVersion } : {}),
          ...(afterKey
            ? {
                OR: [
                  { majorVersion: { gt: afterKey[0] } },
                  { majorVersion: afterKey[0], minorVersion: { gt: afterKey[1] } },
                ],
              }
            : {}),
        },
        orderBy: [{ majorVersion: 'asc' }, { minorVersion: 'asc' }],
        take: limit + 1,
      });
      const recommended = await this.recommendedMinors(tx, template.id);
      const views = rows.map((r) => ({
        ...r,
        template,
        recommendedMinorVersion: recommended.get(r.majorVersion) ?? null,
      }));
      return toPage(views, limit, (row) =>
        this.cursors.encode(scope, [row.majorVersion, row.minorVersion]),
      );
    });
  }

  /** Every version of many templates, in version order, in one query (GraphQL field batching). */
  async versionsOf(tenantId: string, templateIds: readonly string[]): Promise<VersionView[][]> {
    const rows = await this.prisma.withTenant(tenantId, (tx) =>
      tx.environmentTemplateVersion.findMany({
        where: { tenantId, templateId: { in: [...templateIds] } },
        include: { template: true },
        orderBy: [{ majorVersion: 'asc' }, { minorVersion: 'asc' }],
      }),
    );
    return templateIds.map((id) => {
      const mine = rows.filter((r) => r.templateId === id);
      const recommended = recommendedMinors(
        mine
          .filter((v) => v.status === 'PUBLISHED')
          .map((v) => ({ major: v.majorVersion, minor: v.minorVersion })),
      );
      return mine.map((v) => ({
        ...v,
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
    if (change.status && change.status !== 'PUBLISHED' && change.status !== 'DRAFT') {
      throw AppError.badInput('status', 'status can be set to PUBLISHED (from DRAFT)');
    }
    return this.prisma.withTenant(caller.tenantId, async (tx) => {
      const template = await this.loadTemplate(tx, caller, templateName, 'update');
      const version = await this.loadVersion(tx, template, major, minor);
      const data: Prisma.EnvironmentTemplateVersionUpdateInput = {};
      if (change.description !== undefined && change.description !== null) {
        data.description = change.description;
      }
      if (change.status && change.status !== version.status) {
        if (change.status !== 'PUBLISHED' || version.status !== 'DRAFT') {
          throw AppError.conflict(
            `Template version ${major}.${minor} is ${version.status}; only a DRAFT version can be PUBLISHED`,
          );
        }
        data.status = 'PUBLISHED';
      }
      if (Object.keys(data).length === 0) {
        return this.withRecommended(tx, version);
      }
      const updated = await tx.environmentTemplateVersion.update({
        where: { id: version.id },
        data: { ...data, lastModifiedAt: new Date() },
        include: { template: true },
      });
      if (data.status) {
        updated.template = await this.refreshRecommended(tx, version.template);
        await this.versionEvent(tx, 'proton.template-version.changed', updated, caller.actor);
      }
      return this.withRecommended(tx, updated);
    });
  }

  /** Deletes a version no environment uses; the template's recommended version follows. */
  async deleteVersion(
    caller: ProtonCaller,
    templateName: string,
    major: number,
    minor: number,
  ): Promise<VersionView> {
    return this.prisma.withTenant(caller.tenantId, async (tx) => {
      const template = await this.loadTemplate(tx, caller, templateName, 'update');
      const version = await this.loadVersion(tx, template, major, minor);
      // In use: an environment on it, or one whose running update would fall back to it.
      const [user] = await tx.$queryRaw<{ name: string }[]>`
        SELECT "name" FROM "environments"
         WHERE "tenantId" = ${caller.tenantId}::uuid AND "templateId" = ${template.id}::uuid
           AND "templateMajorVersion" = ${major} AND "templateMinorVersion" = ${minor}
        UNION ALL
        SELECT d."environmentName" FROM "deployments" d
         WHERE d."tenantId" = ${caller.tenantId}::uuid AND d."accountId" = ${caller.accountId}
           AND d."region" = ${caller.region}
           AND d."status" IN ('IN_PROGRESS', 'CANCELLING')
           AND d."initialState"->>'templateName' = ${templateName}
           AND (d."initialState"->>'templateMajorVersion')::int = ${major}
           AND (d."initialState"->>'templateMinorVersion')::int = ${minor}
        LIMIT 1`;
      if (user) {
        throw AppError.conflict(
          `Template version ${major}.${minor} of ${templateName} is in use by environment ${user.name}`,
        );
      }
      const siblings = await tx.environmentTemplateVersion.findMany({
        where: { templateId: template.id, id: { not: version.id } },
        select: { majorVersion: true, status: true, minorVersion: true },
      });
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
      await tx.environmentTemplateVersion.delete({ where: { id: version.id } });
      await dropResourceTags(tx, caller.tenantId, this.versionArnOf(version));
      await this.refreshRecommended(tx, template);
      await this.versionEvent(tx, 'proton.template-version.changed', version, caller.actor);
      return { ...version, recommendedMinorVersion: null };
    });
  }

  /**
   * The worker's half of CreateEnvironmentTemplateVersion: reads the bundle (inline, or the S3
   * object, which must exist), checks its schema, and moves the version to DRAFT or
   * REGISTRATION_FAILED with what is wrong. Idempotent: a registered version is left alone.
   */
  async register(tenantId: string, versionId: string): Promise<void> {
    await this.prisma.withTenant(tenantId, async (tx) => {
      await tx.$executeRaw`SELECT 1 FROM "environment_template_versions" WHERE "id" = ${versionId}::uuid FOR UPDATE`;
      const version = await tx.environmentTemplateVersion.findUnique({
        where: { id: versionId },
        include: { template: true },
      });
      if (!version || version.status !== 'REGISTRATION_IN_PROGRESS') {
        return;
      }
      let text = version.inlineSchema;
      if (text === null && version.sourceBucket && version.sourceKey) {
        const object = await tx.bundleObject.findUnique({
          where: {
            tenantId_accountId_bucket_key: {
              tenantId,
              accountId: version.template.accountId,
              bucket: version.sourceBucket,
              key: version.sourceKey,
            },
          },
          select: { body: true },
        });
        text = object?.body ?? null;
      }
      const result =
        text === null
          ? {
              ok: false as const,
              message: `The bundle s3://${version.sourceBucket}/${version.sourceKey} does not exist`,
            }
          : parseTemplateSchema(text, version.template.provisioning === 'CUSTOMER_MANAGED');
      const updated = await tx.environmentTemplateVersion.update({
        where: { id: versionId },
        data: result.ok
          ? {
              status: 'DRAFT',
              statusMessage: null,
              schema: result.schema as unknown as Prisma.InputJsonObject,
              inlineSchema: text,
              lastModifiedAt: new Date(),
            }
          : {
              status: 'REGISTRATION_FAILED',
              statusMessage: result.message,
              lastModifiedAt: new Date(),
            },
        include: { template: true },
      });
      await this.versionEvent(tx, 'proton.template-version.changed', updated, 'system');
    });
  }

  /** The last resort of a registration job that failed for good: REGISTRATION_FAILED, saying why. */
  async failRegistration(tenantId: string, versionId: string, error: string): Promise<void> {
    await this.prisma.withTenant(tenantId, async (tx) => {
      const [failed] = await tx.environmentTemplateVersion.updateManyAndReturn({
        where: { id: versionId, status: 'REGISTRATION_IN_PROGRESS' },
        data: {
          status: 'REGISTRATION_FAILED',
          statusMessage: `Registration could not complete: ${error}`,
          lastModifiedAt: new Date(),
        },
      });
      if (failed) {
        const version = await tx.environmentTemplateVersion.findUniqueOrThrow({
          where: { id: versionId },
          include: { template: true },
        });
        await this.versionEvent(tx, 'proton.template-version.changed', version, 'system');
      }
    });
  }

  /** The schema of a PUBLISHED version, for an environment's spec; NOT_FOUND or Validation otherwise. */
  async publishedSchema(
    tx: Tx,
    template: TemplateRow,
    major: number,
    minor: number,
  ): Promise<EnvironmentSchema> {
    const version = await tx.environmentTemplateVersion.findUnique({
      where: {
        templateId_majorVersion_minorVersion: {
          templateId: template.id,
          majorVersion: major,
          minorVersion: minor,
        },
      },
    });
    if (!version) {
      throw AppError.notFound(
        `Template version ${major}.${minor} of ${template.name} was not found`,
      );
    }
    if (version.status !== 'PUBLISHED' || !version.schema) {
      throw AppError.badInput(
        'templateMajorVersion',
        `Template version ${major}.${minor} of ${template.name} is ${version.status}; environments use PUBLISHED versions`,
      );
    }
    return version.schema as unknown as EnvironmentSchema;
  }

  /** Every PUBLISHED version of a template (for deployment-type resolution). */
  async publishedVersions(tx: Tx, templateId: string): Promise<{ major: number; minor: number }[]> {
    const rows = await tx.environmentTemplateVersion.findMany({
      where: { templateId, status: 'PUBLISHED' },
      select: { majorVersion: true, minorVersion: true },
    });
    return rows.map((r) => ({ major: r.majorVersion, minor: r.minorVersion }));
  }

  /**
   * The template by name for this management account and region. `update` locks it for changes
   * to the template and its versions; `share` for an environment that starts or keeps using it,
   * so a concurrent deletion of the template or version waits, then sees the environment.
   */
  async loadTemplate(
    tx: Tx,
    caller: ProtonCaller,
    name: string,
    lock: 'update' | 'share' | null = null,
  ): Promise<TemplateRow> {
    checkName('templateName', name);
    if (lock === 'update') {
      await tx.$executeRaw`SELECT 1 FROM "environment_templates" WHERE "tenantId" = ${caller.tenantId}::uuid AND "accountId" = ${caller.accountId} AND "region" = ${caller.region} AND "name" = ${name} FOR UPDATE`;
    } else if (lock === 'share') {
      await tx.$executeRaw`SELECT 1 FROM "environment_templates" WHERE "tenantId" = ${caller.tenantId}::uuid AND "accountId" = ${caller.accountId} AND "region" = ${caller.region} AND "name" = ${name} FOR SHARE`;
    }
    const template = await tx.environmentTemplate.findUnique({
      where: {
        tenantId_accountId_region_name: {
          tenantId: caller.tenantId,
          accountId: caller.accountId,
          region: caller.region,
          name,
        },
      },
    });
    if (!template) {
      throw AppError.notFound(`The environment template ${name} was not found`);
    }
    return template;
  }

  arnOf(t: TemplateRow): string {
    return templateArn(t.region, t.accountId, t.name);
  }

  versionArnOf(v: VersionRow): string {
    return templateVersionArn(v.template.region, v.template.accountId, v.template.name, {
      major: v.majorVersion,
      minor: v.minorVersion,
    });
  }

  /** A version of a template the caller has already loaded (and locked, when it changes it). */
  private async loadVersion(
    tx: Tx,
    template: TemplateRow,
    major: number,
    minor: number,
  ): Promise<VersionRow> {
    const version = await tx.environmentTemplateVersion.findUnique({
      where: {
        templateId_majorVersion_minorVersion: {
          templateId: template.id,
          majorVersion: major,
          minorVersion: minor,
        },
      },
      include: { template: true },
    });
    if (!version) {
      throw AppError.notFound(
        `The environment template version ${template.name}:${major}.${minor} was not found`,
      );
    }
    return version;
  }

  private async withRecommended(tx: Tx, version: VersionRow): Promise<VersionView> {
    const recommended = await this.recommendedMinors(tx, version.templateId);
    return { ...version, recommendedMinorVersion: recommended.get(version.majorVersion) ?? null };
  }

  /** The highest PUBLISHED minor version of each major version, in one query. */
  private async recommendedMinors(tx: Tx, templateId: string): Promise<Map<number, number>> {
    return recommendedMinors(await this.publishedVersions(tx, templateId));
  }

  private async refreshRecommended(tx: Tx, template: TemplateRow): Promise<TemplateRow> {
    const best = highestVersion(await this.publishedVersions(tx, template.id));
    return tx.environmentTemplate.update({
      where: { id: template.id },
      data: {
        recommendedVersion: best ? `${best.major}.${best.minor}` : null,
        lastModifiedAt: new Date(),
      },
    });
  }

  private event(
    tx: Tx,
    type: 'proton.template.changed',
    template: TemplateRow,
    caller: ProtonCaller,
    version: VersionRow | null,
  ): Promise<void> {
    return recordEvent(tx, {
      tenantId: template.tenantId,
      type,
      aggregateType: 'EnvironmentTemplate',
      aggregateId: template.id,
      accountIds: [template.accountId],
      payload: {
        templateName: template.name,
        region: template.region,
        actor: caller.actor,
        ...(version
          ? { majorVersion: version.majorVersion, minorVersion: version.minorVersion }
          : {}),
      },
    });
  }

  private versionEvent(
    tx: Tx,
    type: 'proton.template-version.created' | 'proton.template-version.changed',
    version: VersionRow,
    actor: string,
  ): Promise<void> {
    return recordEvent(tx, {
      tenantId: version.tenantId,
      type,
      aggregateType: 'EnvironmentTemplateVersion',
      aggregateId: version.id,
      accountIds: [version.template.accountId],
      payload: {
        versionId: version.id,
        templateName: version.template.name,
        region: version.template.region,
        majorVersion: version.majorVersion,
        minorVersion: version.minorVersion,
        status: version.status,
        actor,
      },
    });
  }
}

export function checkName(field: string, value: string): void {
  checkString(field, value, PATTERNS.resourceName, 1, LIMITS.resourceName);
}

export function checkOptional(
  field: string,
  value: string | null | undefined,
  min: number,
  max: number,
): void {
  if (value !== undefined && value !== null && (value.length < min || value.length > max)) {
    throw AppError.badInput(field, `${field} must have between ${min} and ${max} characters`);
  }
}
