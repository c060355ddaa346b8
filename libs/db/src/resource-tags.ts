import {
  checkTagCount,
  CursorCodec,
  decodeNameKey,
  Page,
  pageSize,
  Tag,
  toPage,
} from '@accountlink/common';
import type { Tx } from './prisma.service';

/**
 * Customer-managed tags of any resource, by ARN (table `resource_tags`). The calling service
 * resolves the resource and checks access in the same transaction, then calls these.
 */
export async function putResourceTags(
  tx: Tx,
  tenantId: string,
  resourceArn: string,
  tags: readonly Tag[],
): Promise<void> {
  const existing = await tx.resourceTag.findMany({
    where: { tenantId, resourceArn },
    select: { key: true },
  });
  checkTagCount(
    existing.map((t) => t.key),
    tags,
  );
  for (const tag of tags) {
    await tx.resourceTag.upsert({
      where: { tenantId_resourceArn_key: { tenantId, resourceArn, key: tag.key } },
      create: { tenantId, resourceArn, key: tag.key, value: tag.value },
      update: { value: tag.value },
    });
  }
}

export async function removeResourceTags(
  tx: Tx,
  tenantId: string,
  resourceArn: string,
  keys: readonly string[],
): Promise<void> {
  await tx.resourceTag.deleteMany({ where: { tenantId, resourceArn, key: { in: [...keys] } } });
}

/** Removes every tag of resources that are being deleted, in one statement. */
export async function dropResourceTags(
  tx: Tx,
  tenantId: string,
  resourceArns: string | readonly string[],
): Promise<void> {
  const arns = typeof resourceArns === 'string' ? [resourceArns] : [...resourceArns];
  await tx.resourceTag.deleteMany({ where: { tenantId, resourceArn: { in: arns } } });
}

/** ListTagsForResource: a page in key order, with a signed key cursor bound to the resource. */
export async function listResourceTags(
  tx: Tx,
  cursors: CursorCodec,
  tenantId: string,
  resourceArn: string,
  first?: number | null,
  after?: string | null,
): Promise<Page<Tag>> {
  const limit = pageSize(first);
  const scope = `tags:${tenantId}:${resourceArn}`;
  const afterKey = decodeNameKey(cursors, scope, after, 'nextToken');
  const rows = await tx.resourceTag.findMany({
    where: { tenantId, resourceArn, ...(afterKey ? { key: { gt: afterKey } } : {}) },
    orderBy: { key: 'asc' },
    take: limit + 1,
    select: { key: true, value: true },
  });
  return toPage(rows, limit, (row) => cursors.encode(scope, [row.key]));
}

/** Tags of many resources in one query, in the order of `resourceArns` (GraphQL field batching). */
export async function resourceTagsOf(
  tx: Tx,
  tenantId: string,
  resourceArns: readonly string[],
): Promise<Tag[][]> {
  const rows = await tx.resourceTag.findMany({
    where: { tenantId, resourceArn: { in: [...resourceArns] } },
    orderBy: { key: 'asc' },
  });
  return resourceArns.map((arn) =>
    rows.filter((r) => r.resourceArn === arn).map((r) => ({ key: r.key, value: r.value })),
  );
}
