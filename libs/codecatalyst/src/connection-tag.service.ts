import { Inject, Injectable } from '@nestjs/common';
import {
  AppError,
  checkTagKeys,
  checkTags,
  CursorCodec,
  Page,
  Tag,
  TenantPrincipal,
} from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import {
  listResourceTags,
  PrismaService,
  putResourceTags,
  removeResourceTags,
  resourceTagsOf,
  Tx,
} from '@accountlink/db';
import { AccountConnectionRow, AccountConnectionService } from './account-connection.service';
import { actorOf, recordConnectionEvent } from './connection-events';
import { parseConnectionArn, requireConnectionManager } from './domain/connection-rules';
import { roleInSpace } from './space-access';

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
    private readonly prisma: PrismaService,
    private readonly connections: AccountConnectionService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cursors = new CursorCodec(config.cursorSecret);
  }

  async tagResource(principal: TenantPrincipal, resourceArn: string, tags: Tag[]): Promise<void> {
    checkTags(tags);
    await this.prisma.withTenant(principal.tenantId, async (tx) => {
      const connection = await this.resolve(tx, principal, resourceArn, 'write');
      await putResourceTags(tx, principal.tenantId, resourceArn, tags);
      await recordConnectionEvent(
        tx,
        'codecatalyst.connection.tagged',
        connection,
        actorOf(principal),
        {
          tagged: tags.map((t) => t.key),
        },
      );
    });
  }

  async untagResource(
    principal: TenantPrincipal,
    resourceArn: string,
    tagKeys: string[],
  ): Promise<void> {
    checkTagKeys(tagKeys);
    await this.prisma.withTenant(principal.tenantId, async (tx) => {
      const connection = await this.resolve(tx, principal, resourceArn, 'write');
      await removeResourceTags(tx, principal.tenantId, resourceArn, tagKeys);
      await recordConnectionEvent(
        tx,
        'codecatalyst.connection.tagged',
        connection,
        actorOf(principal),
        {
          untagged: tagKeys,
        },
      );
    });
  }

  async listTags(
    principal: TenantPrincipal,
    resourceArn: string,
    first?: number | null,
    after?: string | null,
  ): Promise<Page<Tag>> {
    return this.prisma.withTenant(principal.tenantId, async (tx) => {
      await this.resolve(tx, principal, resourceArn, 'read');
      return listResourceTags(tx, this.cursors, principal.tenantId, resourceArn, first, after);
    });
  }

  /** Tags of many connections in one query (GraphQL field batching). */
  async tagsOf(tenantId: string, resourceArns: readonly string[]): Promise<Tag[][]> {
    return this.prisma.withTenant(tenantId, (tx) => resourceTagsOf(tx, tenantId, resourceArns));
  }

  /** The connection an ARN names, if the principal may read (or change) its tags; else NOT_FOUND. */
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
    if (access === 'write') {
      // Tag writes of one connection count its tags one after the other, and order against its
      // deletion (which then drops every tag, or makes this write find nothing).
      await tx.$executeRaw`SELECT 1 FROM "account_connections" WHERE "id" = ${parsed.connectionId}::uuid FOR UPDATE`;
    }
    const connection = await this.connections.visibleIn(tx, principal, parsed.connectionId);
    if (
      !connection ||
      connection.accountId !== parsed.accountId ||
      connection.space.region !== parsed.region
    ) {
      throw AppError.notFound(`The resource ${resourceArn} was not found`);
    }
    if (access === 'write' && principal.kind === 'USER') {
      const role = await roleInSpace(tx, principal.tenantId, principal.userId, connection.spaceId);
      requireConnectionManager(role, connection.spaceId);
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
}
