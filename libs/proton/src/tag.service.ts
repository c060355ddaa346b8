import { Inject, Injectable } from '@nestjs/common';
import {
  AppError,
  checkString,
  checkTagCount,
  checkTagKeys,
  checkTags,
  CursorCodec,
  Page,
  pageSize,
  Tag,
  tagKeyset,
} from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { Database, ResourceTagRepository, Tx } from '@accountlink/db';
import { OutboxRepository } from '@accountlink/events';
import { connectionEvent } from './connection.service';
import { LIMITS, parseConnectionArn, PATTERNS, requireSide } from './domain/connection-rules';
import { ProtonCaller } from './proton-caller';
import { ConnectionRepository, ConnectionRow } from './repositories/connection.repository';
import { EnvironmentRepository } from './repositories/environment.repository';
import { TemplateVersionRepository } from './repositories/template-version.repository';
import { TemplateRepository } from './repositories/template.repository';

/**
 * Customer-managed tags of Proton resources: connections (their environment account sees and
 * manages them), and environments, templates and template versions (their management account).
 */
@Injectable()
export class TagService {
  private readonly cursors: CursorCodec;

  constructor(
    private readonly db: Database,
    private readonly tags: ResourceTagRepository,
    private readonly outbox: OutboxRepository,
    private readonly connections: ConnectionRepository,
    private readonly environments: EnvironmentRepository,
    private readonly templates: TemplateRepository,
    private readonly versions: TemplateVersionRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cursors = new CursorCodec(config.cursorSecret);
  }

  async tagResource(caller: ProtonCaller, resourceArn: string, tags: Tag[]): Promise<void> {
    checkTags(tags);
    await this.db.withTenant(caller.tenantId, async (tx) => {
      const connection = await this.resolve(tx, caller, resourceArn, 'TagResource');
      checkTagCount(await this.tags.keys(tx, caller.tenantId, resourceArn), tags);
      await this.tags.put(tx, caller.tenantId, resourceArn, tags);
      if (connection) {
        await this.outbox.record(
          tx,
          connectionEvent('proton.connection.tagged', connection, caller, null),
        );
      }
    });
  }

  async untagResource(caller: ProtonCaller, resourceArn: string, tagKeys: string[]): Promise<void> {
    checkTagKeys(tagKeys);
    await this.db.withTenant(caller.tenantId, async (tx) => {
      const connection = await this.resolve(tx, caller, resourceArn, 'UntagResource');
      await this.tags.remove(tx, caller.tenantId, resourceArn, tagKeys);
      if (connection) {
        await this.outbox.record(
          tx,
          connectionEvent('proton.connection.tagged', connection, caller, null),
        );
      }
    });
  }

  async listTags(
    caller: ProtonCaller,
    resourceArn: string,
    first?: number | null,
    after?: string | null,
  ): Promise<Page<Tag>> {
    const limit = pageSize(first);
    const keyset = tagKeyset(this.cursors, caller.tenantId, resourceArn, after);
    const rows = await this.db.withTenant(caller.tenantId, async (tx) => {
      await this.resolve(tx, caller, resourceArn, 'ListTagsForResource');
      return this.tags.page(tx, caller.tenantId, resourceArn, keyset.afterKey, limit);
    });
    return keyset.page(rows, limit);
  }

  /** Tags of many resources in one query (GraphQL field batching). */
  async tagsOf(tenantId: string, resourceArns: readonly string[]): Promise<Tag[][]> {
    return this.db.readTenant(tenantId, (tx) => this.tags.ofMany(tx, tenantId, resourceArns));
  }

  /** The connection an ARN names (null for an environment or template), if the caller may tag it. */
  private async resolve(
    tx: Tx,
    caller: ProtonCaller,
    resourceArn: string,
    operation: string,
  ): Promise<ConnectionRow | null> {
    checkString('resourceArn', resourceArn, PATTERNS.resourceArn, 1, LIMITS.resourceArn);
    const notFound = AppError.notFound(`The resource ${resourceArn} was not found`);
    const owned = parseOwnedArn(resourceArn);
    if (owned) {
      // Environments and templates are reached by their management account only.
      if (owned.region !== caller.region || owned.accountId !== caller.accountId) {
        throw notFound;
      }
      const exists = await this.ownedExists(tx, caller, owned, operation !== 'ListTagsForResource');
      if (!exists) {
        throw notFound;
      }
      return null;
    }
    const parsed = parseConnectionArn(resourceArn);
    if (!parsed || parsed.region !== caller.region) {
      throw notFound;
    }
    // Tag writes of one connection count its tags one after the other.
    const connection = await this.connections.findById(
      tx,
      parsed.id,
      operation !== 'ListTagsForResource' ? 'update' : null,
    );
    if (
      !connection ||
      connection.region !== parsed.region ||
      connection.environmentAccountId !== parsed.environmentAccountId
    ) {
      throw notFound;
    }
    requireSide(connection, caller.accountId, ['ENVIRONMENT'], operation);
    return connection;
  }

  /**
   * Whether the environment, template or version exists. A tag write locks its row (FOR UPDATE):
   * it and a concurrent deletion are ordered, so no tag outlives its resource, and two tag writes
   * of one resource count its tags one after the other. Reads take no lock.
   */
  private async ownedExists(
    tx: Tx,
    caller: ProtonCaller,
    arn: OwnedArn,
    write: boolean,
  ): Promise<boolean> {
    const lock = write ? 'update' : null;
    if (arn.kind === 'environment') {
      const environment = await this.environments.findByName(tx, caller, arn.name, lock);
      // An environment being deleted is readable, not taggable: its tags go with it.
      return (
        environment !== null && (!write || environment.deploymentStatus !== 'DELETE_IN_PROGRESS')
      );
    }
    const template = await this.templates.findByName(tx, caller, arn.name, lock);
    if (!template || !arn.version) {
      return template !== null;
    }
    const version = await this.versions.find(
      tx,
      template.id,
      arn.version.major,
      arn.version.minor,
      lock,
    );
    return version !== null;
  }
}

interface OwnedArn {
  kind: 'environment' | 'environment-template';
  region: string;
  accountId: string;
  name: string;
  version: { major: number; minor: number } | null;
}

/** An environment, environment template or template version ARN, or null. */
function parseOwnedArn(arn: string): OwnedArn | null {
  const match =
    /^arn:aws:proton:([a-z0-9-]+):(\d{12}):(environment|environment-template)\/([0-9A-Za-z][0-9A-Za-z_-]*)(?::(\d+)\.(\d+))?$/.exec(
      arn,
    );
  if (!match || (match[3] === 'environment' && match[5] !== undefined)) {
    return null;
  }
  return {
    kind: match[3] as OwnedArn['kind'],
    region: match[1] as string,
    accountId: match[2] as string,
    name: match[4] as string,
    version: match[5] !== undefined ? { major: Number(match[5]), minor: Number(match[6]) } : null,
  };
}
