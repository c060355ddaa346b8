import { Injectable } from '@nestjs/common';
import { groupBy, type Tag } from '@accountlink/common';
import { atCommit, type Tx } from '../database';

/**
 * Customer-managed tags of any resource, by ARN (table `resource_tags`), shared by Proton and
 * CodeCatalyst. The calling service resolves the resource, checks access and the tag limits in the
 * same transaction (holding the resource's row lock when it writes), then calls these.
 *
 * Lock order of libs/db: this repository takes no lock of its own; a tag write comes after the
 * lock of the resource it belongs to (each feature's lock order says which), and the tenant
 * transaction's advisory lock, when a service asks for one, is taken before any row lock.
 */
@Injectable()
export class ResourceTagRepository {
  async keys(tx: Tx, tenantId: string, resourceArn: string): Promise<string[]> {
    const rows = await tx
      .selectFrom('resource_tags')
      .select('key')
      .where('tenantId', '=', tenantId)
      .where('resourceArn', '=', resourceArn)
      .execute();
    return rows.map((r) => r.key);
  }

  /** Adds or replaces the tags, in one statement sent with COMMIT. */
  async put(tx: Tx, tenantId: string, resourceArn: string, tags: readonly Tag[]): Promise<void> {
    if (tags.length === 0) {
      return;
    }
    await atCommit(
      tx,
      tx
        .insertInto('resource_tags')
        .values(tags.map((t) => ({ tenantId, resourceArn, key: t.key, value: t.value })))
        .onConflict((oc) =>
          oc
            .columns(['tenantId', 'resourceArn', 'key'])
            .doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })),
        ),
    );
  }

  async remove(
    tx: Tx,
    tenantId: string,
    resourceArn: string,
    keys: readonly string[],
  ): Promise<void> {
    if (keys.length === 0) {
      return;
    }
    await tx
      .deleteFrom('resource_tags')
      .where('tenantId', '=', tenantId)
      .where('resourceArn', '=', resourceArn)
      .where('key', 'in', [...keys])
      .execute();
  }

  /** Removes every tag of resources that are being deleted, in one statement. */
  async drop(tx: Tx, tenantId: string, resourceArns: string | readonly string[]): Promise<void> {
    const arns = typeof resourceArns === 'string' ? [resourceArns] : [...resourceArns];
    if (arns.length === 0) {
      return;
    }
    await tx
      .deleteFrom('resource_tags')
      .where('tenantId', '=', tenantId)
      .where('resourceArn', 'in', arns)
      .execute();
  }

  /** A page in key order, after `afterKey`: `limit` rows and one more to tell whether more exist. */
  async page(
    tx: Tx,
    tenantId: string,
    resourceArn: string,
    afterKey: string | null,
    limit: number,
  ): Promise<Tag[]> {
    let query = tx
      .selectFrom('resource_tags')
      .select(['key', 'value'])
      .where('tenantId', '=', tenantId)
      .where('resourceArn', '=', resourceArn);
    if (afterKey !== null) {
      query = query.where('key', '>', afterKey);
    }
    return query
      .orderBy('key')
      .limit(limit + 1)
      .execute();
  }

  /** Tags of many resources in one query, in the order of `resourceArns` (GraphQL field batching). */
  async ofMany(tx: Tx, tenantId: string, resourceArns: readonly string[]): Promise<Tag[][]> {
    if (resourceArns.length === 0) {
      return [];
    }
    const rows = await tx
      .selectFrom('resource_tags')
      .select(['resourceArn', 'key', 'value'])
      .where('tenantId', '=', tenantId)
      .where('resourceArn', 'in', [...resourceArns])
      .orderBy('key')
      .execute();
    return groupBy(resourceArns, rows, (r) => r.resourceArn).map((list) =>
      list.map((r) => ({ key: r.key, value: r.value })),
    );
  }
}
