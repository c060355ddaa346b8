import { Inject, Injectable } from '@nestjs/common';
import {
  AppError,
  checkTagCount,
  checkTagKeys,
  checkTags,
  CursorCodec,
  Page,
  pageSize,
  Tag,
  TenantPrincipal,
  tagKeyset,
} from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { Database, ResourceTagRepository, Tx } from '@accountlink/db';
import { OutboxRepository } from '@accountlink/events';
import { findVisibleConnection } from './connection-access';
import { actorOf, CONNECTION_MANAGER_ROLES, connectionEvent } from './connection-events';
import { parseConnectionArn, requireConnectionManager } from './domain/connection-rules';
import {
  AccountConnectionRepository,
  AccountConnectionRow,
} from './repositories/account-connection.repository';
import { SpaceRepository } from './repositories/space.repository';

type Access = 'read' | 'write';

/**
 * TagResource, UntagResource and ListTagsForResource on CodeCatalyst connection ARNs. Whoever may
 * see a connection reads its tags; its account's principals, the space's administrators and power
 * users, and tenant administrators change them.
 */
@Injectable()
export class ConnectionTagService {
  private readonly cursors: CursorCodec;

  constructor(
    private readonly db: Database,
    private readonly connections: AccountConnectionRepository,
    private readonly spaces: SpaceRepository,
    private readonly tags: ResourceTagRepository,
    private readonly outbox: OutboxRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cursors = new CursorCodec(config.cursorSecret);
  }

  async tagResource(principal: TenantPrincipal, resourceArn: string, tags: Tag[]): Promise<void> {
    checkTags(tags);
    await this.db.withTenant(principal.tenantId, async (tx) => {
      const connection = await this.resolve(tx, principal, resourceArn, 'write');
      // The connection's row lock orders the count against other tag writes of it.
      checkTagCount(await this.tags.keys(tx, principal.tenantId, resourceArn), tags);
      await this.tags.put(tx, principal.tenantId, resourceArn, tags);
      await this.recordTagged(tx, principal, connection, { tagged: tags.map((t) => t.key) });
    });
  }

  async untagResource(
    principal: TenantPrincipal,
    resourceArn: string,
    tagKeys: string[],
  ): Promise<void> {
    checkTagKeys(tagKeys);
    await this.db.withTenant(principal.tenantId, async (tx) => {
      const connection = await this.resolve(tx, principal, resourceArn, 'write');
      await this.tags.remove(tx, principal.tenantId, resourceArn, tagKeys);
      await this.recordTagged(tx, principal, connection, { untagged: tagKeys });
    });
  }

  /** ListTagsForResource: a page in key order, with a signed key cursor bound to the resource. */
  async listTags(
    principal: TenantPrincipal,
    resourceArn: string,
    first?: number | null,
    after?: string | null,
  ): Promise<Page<Tag>> {
    return this.db.withTenant(principal.tenantId, async (tx) => {
      await this.resolve(tx, principal, resourceArn, 'read');
      const limit = pageSize(first);
      const keyset = tagKeyset(this.cursors, principal.tenantId, resourceArn, after);
      return keyset.page(
        await this.tags.page(tx, principal.tenantId, resourceArn, keyset.afterKey, limit),
        limit,
      );
    });
  }

  /** Tags of many connections in one query (GraphQL field batching). */
  async tagsOf(tenantId: string, resourceArns: readonly string[]): Promise<Tag[][]> {
    return this.db.withTenant(tenantId, (tx) => this.tags.ofMany(tx, tenantId, resourceArns));
  }

  /**
   * The connection an ARN names, if the principal may read (or change) its tags; else NOT_FOUND.
   * Tag writes of one connection count its tags one after the other, and order against its
   * deletion (which then drops every tag, or makes this write find nothing): they lock its row.
   */
  private async resolve(
    tx: Tx,
    principal: TenantPrincipal,
    resourceArn: string,
    access: Access,
  ): Promise<AccountConnectionRow> {
    const parsed = parseConnectionArn(resourceArn);
    if (!parsed) {
      throw AppError.badInput(
        'resourceArn',
        'resourceArn must be a connection ARN: arn:aws:codecatalyst:<region>:<accountId>:/connections/<connectionId>',
      );
    }
    const found = await findVisibleConnection(
      this.connections,
      tx,
      principal,
      parsed.connectionId,
      access === 'write' ? 'update' : null,
    );
    if (
      !found ||
      found.connection.accountId !== parsed.accountId ||
      found.connection.space.region !== parsed.region
    ) {
      throw AppError.notFound(`The resource ${resourceArn} was not found`);
    }
    const { connection, memberRole } = found;
    if (access === 'write' && principal.kind === 'USER') {
      requireConnectionManager(memberRole, connection.spaceId);
    }
    if (
      access === 'write' &&
      principal.kind === 'ACCOUNT' &&
      connection.status === 'PENDING_VERIFICATION'
    ) {
      throw AppError.conflict(
        'The account tags a connection once it has answered the request (verified or rejected)',
      );
    }
    return connection;
  }

  private async recordTagged(
    tx: Tx,
    principal: TenantPrincipal,
    connection: AccountConnectionRow,
    details: Record<string, unknown>,
  ): Promise<void> {
    const audience = await this.spaces.memberIdsWithRole(
      tx,
      principal.tenantId,
      connection.spaceId,
      CONNECTION_MANAGER_ROLES,
    );
    await this.outbox.record(
      tx,
      connectionEvent(
        'codecatalyst.connection.tagged',
        connection,
        audience,
        actorOf(principal),
        details,
      ),
    );
  }
}
