import { Inject, Injectable } from '@nestjs/common';
import {
  AppError,
  checkString,
  checkTagKeys,
  checkTags,
  CursorCodec,
  Page,
  Tag,
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
import { recordEvent } from '@accountlink/events';
import { connectionEvent } from './connection.service';
import { LIMITS, parseConnectionArn, PATTERNS, requireSide } from './domain/connection-rules';
import { ConnectionRow, ProtonCaller } from './proton-caller';

/** Customer-managed tags of connections; only the environment account sees and manages them. */
@Injectable()
export class TagService {
  private readonly cursors: CursorCodec;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cursors = new CursorCodec(config.cursorSecret);
  }

  async tagResource(caller: ProtonCaller, resourceArn: string, tags: Tag[]): Promise<void> {
    checkTags(tags);
    await this.prisma.withTenant(caller.tenantId, async (tx) => {
      const connection = await this.resolve(tx, caller, resourceArn, 'TagResource');
      await putResourceTags(tx, caller.tenantId, resourceArn, tags);
      await recordEvent(tx, connectionEvent('proton.connection.tagged', connection, caller, null));
    });
  }

  async untagResource(caller: ProtonCaller, resourceArn: string, tagKeys: string[]): Promise<void> {
    checkTagKeys(tagKeys);
    await this.prisma.withTenant(caller.tenantId, async (tx) => {
      const connection = await this.resolve(tx, caller, resourceArn, 'UntagResource');
      await removeResourceTags(tx, caller.tenantId, resourceArn, tagKeys);
      await recordEvent(tx, connectionEvent('proton.connection.tagged', connection, caller, null));
    });
  }

  async listTags(
    caller: ProtonCaller,
    resourceArn: string,
    first?: number | null,
    after?: string | null,
  ): Promise<Page<Tag>> {
    return this.prisma.withTenant(caller.tenantId, async (tx) => {
      await this.resolve(tx, caller, resourceArn, 'ListTagsForResource');
      return listResourceTags(tx, this.cursors, caller.tenantId, resourceArn, first, after);
    });
  }

  /** Tags of many resources in one query (GraphQL field batching). */
  async tagsOf(tenantId: string, resourceArns: readonly string[]): Promise<Map<string, Tag[]>> {
    return this.prisma.withTenant(tenantId, (tx) => resourceTagsOf(tx, tenantId, resourceArns));
  }

  private async resolve(
    tx: Tx,
    caller: ProtonCaller,
    resourceArn: string,
    operation: string,
  ): Promise<ConnectionRow> {
    checkString('resourceArn', resourceArn, PATTERNS.resourceArn, 1, LIMITS.resourceArn);
    const parsed = parseConnectionArn(resourceArn);
    const notFound = AppError.notFound(`The resource ${resourceArn} was not found`);
    if (!parsed || parsed.region !== caller.region) {
      throw notFound;
    }
    const connection = await tx.environmentAccountConnection.findUnique({
      where: { id: parsed.id },
    });
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
}
