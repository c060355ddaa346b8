import { Inject, Injectable } from '@nestjs/common';
import { AppError, CursorCodec, Page, pageSize, toPage } from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { PrismaService, Tx } from '@accountlink/db';
import { recordEvent } from '@accountlink/events';
import { connectionEvent } from './connection.service';
import {
  checkString,
  checkTags,
  LIMITS,
  parseConnectionArn,
  PATTERNS,
  requireSide,
  Tag,
} from './domain/connection-rules';
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
      const existing = await tx.resourceTag.findMany({
        where: { tenantId: caller.tenantId, resourceArn },
        select: { key: true },
      });
      const keys = new Set([...existing.map((t) => t.key), ...tags.map((t) => t.key)]);
      if (keys.size > LIMITS.tags) {
        throw AppError.badInput(
          'tags',
          `A resource can have at most ${LIMITS.tags} tags; this request would give it ${keys.size}`,
        );
      }
      for (const tag of tags) {
        await tx.resourceTag.upsert({
          where: {
            tenantId_resourceArn_key: { tenantId: caller.tenantId, resourceArn, key: tag.key },
          },
          create: { tenantId: caller.tenantId, resourceArn, key: tag.key, value: tag.value },
          update: { value: tag.value },
        });
      }
      await recordEvent(tx, connectionEvent('proton.connection.tagged', connection, caller, null));
    });
  }

  async untagResource(caller: ProtonCaller, resourceArn: string, tagKeys: string[]): Promise<void> {
    if (tagKeys.length > LIMITS.tags) {
      throw AppError.badInput('tagKeys', `At most ${LIMITS.tags} tag keys per call`);
    }
    tagKeys.forEach((key, i) =>
      checkString(`tagKeys.${i + 1}.member`, key, PATTERNS.tagKey, 1, LIMITS.tagKey),
    );
    await this.prisma.withTenant(caller.tenantId, async (tx) => {
      const connection = await this.resolve(tx, caller, resourceArn, 'UntagResource');
      await tx.resourceTag.deleteMany({
        where: { tenantId: caller.tenantId, resourceArn, key: { in: tagKeys } },
      });
      await recordEvent(tx, connectionEvent('proton.connection.tagged', connection, caller, null));
    });
  }

  async listTags(
    caller: ProtonCaller,
    resourceArn: string,
    first?: number | null,
    after?: string | null,
  ): Promise<Page<Tag>> {
    const limit = pageSize(first);
    const scope = `tags:${caller.tenantId}:${resourceArn}`;
    let afterKey: string | null = null;
    if (after) {
      const key = this.cursors.decode(scope, after);
      if (!key || typeof key[0] !== 'string') {
        throw AppError.badInput('nextToken', 'The pagination token is not valid for this request');
      }
      afterKey = key[0];
    }
    const rows = await this.prisma.withTenant(caller.tenantId, async (tx) => {
      await this.resolve(tx, caller, resourceArn, 'ListTagsForResource');
      return tx.resourceTag.findMany({
        where: {
          tenantId: caller.tenantId,
          resourceArn,
          ...(afterKey ? { key: { gt: afterKey } } : {}),
        },
        orderBy: { key: 'asc' },
        take: limit + 1,
        select: { key: true, value: true },
      });
    });
    return toPage(rows, limit, (row) => this.cursors.encode(scope, [row.key]));
  }

  /** Tags of many resources in one query (GraphQL field batching). */
  async tagsOf(tenantId: string, resourceArns: readonly string[]): Promise<Map<string, Tag[]>> {
    const rows = await this.prisma.withTenant(tenantId, (tx) =>
      tx.resourceTag.findMany({
        where: { tenantId, resourceArn: { in: [...resourceArns] } },
        orderBy: { key: 'asc' },
      }),
    );
    const byArn = new Map<string, Tag[]>(resourceArns.map((arn) => [arn, []]));
    for (const row of rows) {
      byArn.get(row.resourceArn)?.push({ key: row.key, value: row.value });
    }
    return byArn;
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
