import { Injectable } from '@nestjs/common';
import { AppError } from '@accountlink/common';
import type { RowLock, Tx } from '@accountlink/db';
import { checkName } from './domain/field-rules';
import { EnvironmentSchema, recommendedMinors } from './domain/template-rules';
import type { ProtonCaller } from './proton-caller';
import type { VersionRow } from './proton-events';
import { TemplateVersionRepository } from './repositories/template-version.repository';
import { TemplateRepository, TemplateRow } from './repositories/template.repository';

/** A template version with the highest PUBLISHED minor version of its major version. */
export type VersionView = VersionRow & { recommendedMinorVersion: number | null };

/**
 * Templates and versions as the template, version and environment services reach them: through
 * the repositories, in the caller's transaction, NOT_FOUND or Validation as Proton answers.
 */
@Injectable()
export class TemplateAccess {
  constructor(
    private readonly templates: TemplateRepository,
    private readonly versions: TemplateVersionRepository,
  ) {}

  /**
   * The template by name for this management account and region. `update` locks it for changes
   * to the template and its versions; `share` for an environment that starts or keeps using it,
   * so a concurrent deletion of the template or version waits, then sees the environment.
   */
  async loadTemplate(
    tx: Tx,
    caller: ProtonCaller,
    name: string,
    lock: RowLock | null = null,
  ): Promise<TemplateRow> {
    checkName('templateName', name);
    const template = await this.templates.findByName(tx, caller, name, lock);
    if (!template) {
      throw AppError.notFound(`The environment template ${name} was not found`);
    }
    return template;
  }

  /** A version of a template the caller has already loaded (and locked, when it changes it). */
  async loadVersion(
    tx: Tx,
    template: TemplateRow,
    major: number,
    minor: number,
  ): Promise<VersionRow> {
    const version = await this.versions.find(tx, template.id, major, minor);
    if (!version) {
      throw AppError.notFound(
        `The environment template version ${template.name}:${major}.${minor} was not found`,
      );
    }
    return { ...version, template };
  }

  /** The schema of a PUBLISHED version, for an environment's spec; NOT_FOUND or Validation otherwise. */
  async publishedSchema(
    tx: Tx,
    template: TemplateRow,
    major: number,
    minor: number,
  ): Promise<EnvironmentSchema> {
    const version = await this.versions.find(tx, template.id, major, minor);
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
    return version.schema as EnvironmentSchema;
  }

  async withRecommended(tx: Tx, version: VersionRow): Promise<VersionView> {
    const recommended = recommendedMinors(await this.versions.published(tx, version.templateId));
    return { ...version, recommendedMinorVersion: recommended.get(version.majorVersion) ?? null };
  }
}
