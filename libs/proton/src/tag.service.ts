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
  Prisma,
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

/**
 * Customer-managed tags of Proton resources: connections (their environment account sees and
 * manages them), and environments, templates and template versions (their management account).
 */
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
      if (connection) {
        await recordEvent(
          tx,
          connectionEvent('proton.connection.tagged', connection, caller, null),
        );
      }
    });
  }

  async untagResource(caller: ProtonCaller, resourceArn: string, tagKeys: string[]): Promise<void> {
    checkTagKeys(tagKeys);
    await this.prisma.withTenant(caller.tenantId, async (tx) => {
      const connection = await this.resolve(tx, caller, resourceArn, 'UntagResource');
      await removeResourceTags(tx, caller.tenantId, resourceArn, tagKeys);
      if (connection) {
        await recordEvent(
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
    return this.prisma.withTenant(caller.tenantId, async (tx) => {
      await this.resolve(tx, caller, resourceArn, 'ListTagsForResource');
      return listResourceTags(tx, this.cursors, caller.tenantId, resourceArn, first, after);
    });
  }

  /** Tags of many resources in one query (GraphQL field batching). */
  async tagsOf(tenantId: string, resourceArns: readonly string[]): Promise<Tag[][]> {
    return this.prisma.withTenant(tenantId, (tx) => resourceTagsOf(tx, tenantId, resourceArns));
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
    if (operation !== 'ListTagsForResource') {
      // Tag writes of one connection count its tags one after the other.
      await tx.$executeRaw`SELECT 1 FROM "environment_account_connections" WHERE "id" = ${parsed.id}::uuid FOR UPDATE`;
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
    const { tenantId, accountId, region } = caller;
    const lock = write ? Prisma.sql`FOR UPDATE` : Prisma.empty;
    if (arn.kind === 'environment') {
      const rows = await tx.$queryRaw<{ status: string }[]>`
        SELECT "deploymentStatus"::text AS "status" FROM "environments"
         WHERE "tenantId" = ${tenantId}::uuid AND "accountId" = ${accountId} AND "region" = ${region} AND "name" = ${arn.name} ${lock}`;
      // An environment being deleted is readable, not taggable: its tags go with it.
      return rows.length > 0 && (!write || rows[0]?.status !== 'DELETE_IN_PROGRESS');
    }
    const [template] = await tx.$queryRaw<{ id: string }[]>`
      SELECT "id"::text AS "id" FROM "environment_templates"
       WHERE "tenantId" = ${tenantId}::uuid AND "accountId" = ${accountId} AND "region" = ${region} AND "name" = ${arn.name} ${lock}`;
    if (!template || !arn.version) {
      return template !== undefined;
    }
    const versions = await tx.$queryRaw<unknown[]>`
      SELECT 1 FROM "environment_template_versions"
       WHERE "templateId" = ${template.id}::uuid AND "majorVersion" = ${arn.version.major} AND "minorVersion" = ${arn.version.minor} ${lock}`;
    return versions.length > 0;
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
