import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  AppError,
  checkTags,
  CursorCodec,
  decodeNameKey,
  ErrorCode,
  notInEnum,
  Page,
  pageSize,
  Tag,
  toPage,
} from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { Database, ResourceTagRepository } from '@accountlink/db';
import { OutboxRepository } from '@accountlink/events';
import { checkName, checkOptional } from './domain/field-rules';
import { templateArn, templateVersionArn } from './domain/environment-rules';
import { TEMPLATE_LIMITS } from './domain/template-rules';
import { ProtonCaller } from './proton-caller';
import { templateEvent } from './proton-events';
import { EnvironmentRepository } from './repositories/environment.repository';
import { TemplateVersionRepository } from './repositories/template-version.repository';
import { TemplateRepository, TemplateRow } from './repositories/template.repository';
import { TemplateAccess } from './template-access';

export interface CreateTemplateInput {
  name: string;
  displayName?: string | null;
  description?: string | null;
  encryptionKey?: string | null;
  provisioning?: string | null;
  tags?: Tag[] | null;
}

/**
 * Environment templates of a management account in a region: create, read, list, delete. Their
 * versions are TemplateVersionService's; the worker's registration is TemplateRegistrationService's.
 */
@Injectable()
export class TemplateService {
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

  async createTemplate(caller: ProtonCaller, input: CreateTemplateInput): Promise<TemplateRow> {
    checkName('name', input.name);
    checkOptional('displayName', input.displayName, 1, TEMPLATE_LIMITS.displayName);
    checkOptional('description', input.description, 0, TEMPLATE_LIMITS.description);
    if (input.provisioning && input.provisioning !== 'CUSTOMER_MANAGED') {
      throw notInEnum('provisioning', ['CUSTOMER_MANAGED']);
    }
    checkTags(input.tags ?? []);
    const lockKey = `tpl|${caller.tenantId}|${caller.accountId}|${caller.region}`;
    return this.db.withTenant(
      caller.tenantId,
      async (tx) => {
        const quota = await this.templates.createPreconditions(tx, caller);
        if (quota.used >= quota.quota) {
          throw new AppError(
            ErrorCode.QUOTA_EXCEEDED,
            `You have reached the quota of ${quota.quota} environment templates for account ${caller.accountId} in ${caller.region}`,
          );
        }
        const now = new Date();
        const template = await this.templates.insert(tx, {
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
        });
        if (!template) {
          throw AppError.conflict(`An environment template named ${input.name} already exists`);
        }
        if (input.tags?.length) {
          await this.tags.put(tx, caller.tenantId, this.arnOf(template), input.tags);
        }
        await this.outbox.record(tx, templateEvent(template, caller.actor));
        return template;
      },
      { lockKey },
    );
  }

  async getTemplate(caller: ProtonCaller, name: string): Promise<TemplateRow> {
    return this.db.withTenant(caller.tenantId, (tx) => this.access.loadTemplate(tx, caller, name));
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
    const rows = await this.db.withTenant(caller.tenantId, (tx) =>
      this.templates.page(tx, caller, afterName, limit),
    );
    return toPage(rows, limit, (row) => this.cursors.encode(scope, [row.name]));
  }

  /** UpdateEnvironmentTemplate: the display name and description; absent members stay. */
  async updateTemplate(
    caller: ProtonCaller,
    name: string,
    change: { displayName?: string | null; description?: string | null },
  ): Promise<TemplateRow> {
    checkOptional('displayName', change.displayName, 1, TEMPLATE_LIMITS.displayName);
    checkOptional('description', change.description, 0, TEMPLATE_LIMITS.description);
    return this.db.withTenant(caller.tenantId, async (tx) => {
      const template = await this.access.loadTemplate(tx, caller, name, 'update');
      const updated = await this.templates.update(tx, template.id, {
        ...(change.displayName !== undefined && change.displayName !== null
          ? { displayName: change.displayName }
          : {}),
        ...(change.description !== undefined && change.description !== null
          ? { description: change.description }
          : {}),
        lastModifiedAt: new Date(),
      });
      await this.outbox.record(tx, templateEvent(updated, caller.actor));
      return updated;
    });
  }

  /** Deletes the template and its versions; refused while an environment uses any of them. */
  async deleteTemplate(caller: ProtonCaller, name: string): Promise<TemplateRow> {
    return this.db.withTenant(caller.tenantId, async (tx) => {
      const template = await this.access.loadTemplate(tx, caller, name, 'update');
      const users = await this.environments.namesUsing(
        tx,
        caller.tenantId,
        'templateId',
        template.id,
        5,
      );
      if (users.length > 0) {
        throw AppError.conflict(
          `Environment template ${name} is in use by environment(s) ${users.join(', ')}`,
        );
      }
      const versions = await this.versions.numbers(tx, template.id);
      await this.templates.delete(tx, template.id);
      await this.tags.drop(tx, caller.tenantId, [
        this.arnOf(template),
        ...versions.map((v) =>
          templateVersionArn(template.region, template.accountId, template.name, {
            major: v.majorVersion,
            minor: v.minorVersion,
          }),
        ),
      ]);
      await this.outbox.record(tx, templateEvent(template, caller.actor));
      return template;
    });
  }

  arnOf(t: TemplateRow): string {
    return templateArn(t.region, t.accountId, t.name);
  }
}
