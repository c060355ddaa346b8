import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  afterTimeKey,
  AppError,
  CursorCodec,
  decodeTimeKey,
  encodeTimeKey,
  ErrorCode,
  Page,
  pageSize,
  toPage,
} from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { Prisma, PrismaService, Tx } from '@accountlink/db';
import { DomainEventType, recordEvent } from '@accountlink/events';
import {
  checkCreate,
  checkId,
  checkRoles,
  connectionArn,
  ConnectionRoles,
  ConnectionStatus,
  CreateConnectionInput,
  isLive,
  liveKey,
  notFound,
  requestHash,
  requireSide,
  ROLE_FIELDS,
  Side,
  transition,
} from './domain/connection-rules';
import { ConnectionRow, ProtonCaller } from './proton-caller';
import { ConnectionUsage } from './connection-usage';

interface PreconditionRow {
  quota: number;
  used: number;
  managementExists: boolean;
  liveId: string | null;
  liveStatus: string | null;
  priorId: string | null;
}

export type RequestedBy = 'ENVIRONMENT_ACCOUNT' | 'MANAGEMENT_ACCOUNT';

export interface ListConnectionsQuery {
  requestedBy: RequestedBy;
  environmentName?: string | null;
  statuses?: ConnectionStatus[] | null;
  first?: number | null;
  after?: string | null;
}

/**
 * Environment account connections: the one service behind both edges (GraphQL and the AWS JSON
 * protocol). Every state change is one transaction with its history row and its outbox event.
 */
@Injectable()
export class ConnectionService {
  private readonly cursors: CursorCodec;

  constructor(
    private readonly prisma: PrismaService,
    private readonly usage: ConnectionUsage,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cursors = new CursorCodec(config.cursorSecret);
  }

  async create(caller: ProtonCaller, input: CreateConnectionInput): Promise<ConnectionRow> {
    checkCreate(input, caller.accountId);
    const hash = requestHash(input, caller.region);
    const token = input.clientToken || null;
    const key = liveKey({
      ...input,
      environmentAccountId: caller.accountId,
      region: caller.region,
    });
    // Creates of one environment account in one region are serialized (advisory lock): the quota,
    // the client token and the one-live-connection rule are then decided on committed data only.
    const lockKey = `eac|${caller.tenantId}|${caller.accountId}|${caller.region}`;
    return this.prisma.withTenant(
      caller.tenantId,
      async (tx) => {
        // Every precondition in one round trip.
        const [check] = await tx.$queryRaw<PreconditionRow[]>`
          SELECT
            (SELECT "connectionQuota" FROM "tenants" WHERE "id" = ${caller.tenantId}::uuid) AS "quota",
            (SELECT count(*)::int FROM "environment_account_connections"
              WHERE "tenantId" = ${caller.tenantId}::uuid AND "environmentAccountId" = ${caller.accountId} AND "region" = ${caller.region}) AS "used",
            EXISTS (SELECT 1 FROM "accounts" WHERE "tenantId" = ${caller.tenantId}::uuid AND "accountId" = ${input.managementAccountId}) AS "managementExists",
            (SELECT "id"::text FROM "environment_account_connections" WHERE "tenantId" = ${caller.tenantId}::uuid AND "liveKey" = ${key}) AS "liveId",
            (SELECT "status"::text FROM "environment_account_connections" WHERE "tenantId" = ${caller.tenantId}::uuid AND "liveKey" = ${key}) AS "liveStatus",
            (SELECT "id"::text FROM "environment_account_connections"
              WHERE "tenantId" = ${caller.tenantId}::uuid AND "environmentAccountId" = ${caller.accountId} AND "clientToken" = ${token}) AS "priorId"`;
        if (!check) {
          throw new Error('precondition query returned no row');
        }
        if (token && check.priorId) {
          return replay(
            await tx.environmentAccountConnection.findUniqueOrThrow({
              where: { id: check.priorId },
            }),
            hash,
            token,
          );
        }
        if (!check.managementExists) {
          throw AppError.badInput(
            'managementAccountId',
            `Account ${input.managementAccountId} does not exist`,
          );
        }
        if (check.used >= check.quota) {
          throw new AppError(
            ErrorCode.QUOTA_EXCEEDED,
            `You have reached the quota of ${check.quota} environment account connections for account ${caller.accountId} in ${caller.region}`,
          );
        }
        if (check.liveId) {
          throw AppError.conflict(
            `Environment account connection ${check.liveId} (${check.liveStatus}) already connects account ${caller.accountId} to management account ${input.managementAccountId} for environment ${input.environmentName}`,
          );
        }
        const id = randomUUID();
        const now = new Date();
        const [connection] = await tx.environmentAccountConnection.createManyAndReturn({
          data: [
            {
              id,
              tenantId: caller.tenantId,
              region: caller.region,
              environmentAccountId: caller.accountId,
              managementAccountId: input.managementAccountId,
              environmentName: input.environmentName,
              roleArn: input.roleArn ?? null,
              codebuildRoleArn: input.codebuildRoleArn ?? null,
              componentRoleArn: input.componentRoleArn ?? null,
              status: 'PENDING',
              liveKey: key,
              clientToken: token,
              requestHash: hash,
              requestedAt: now,
              lastModifiedAt: now,
            },
          ],
          skipDuplicates: true,
        });
        if (!connection) {
          // Only the same token used concurrently in another region can get here: the unique key decided.
          const prior = token ? await this.findByToken(tx, caller, token) : null;
          if (prior) {
            return replay(prior, hash, token as string);
          }
          throw AppError.conflict(
            'A concurrent request created a conflicting environment account connection; try again',
          );
        }
        await tx.connectionRoleValidation.createMany({ data: validationRows(connection) });
        if (input.tags?.length) {
          const arn = connectionArn(connection.region, connection.environmentAccountId, id);
          await tx.resourceTag.createMany({
            data: input.tags.map((t) => ({
              tenantId: caller.tenantId,
              resourceArn: arn,
              key: t.key,
              value: t.value,
            })),
          });
        }
        await this.record(
          tx,
          connection,
          caller,
          null,
          'environment account requested the connection',
          'proton.connection.created',
        );
        return connection;
      },
      { lockKey },
    );
  }

  async accept(caller: ProtonCaller, id: string): Promise<ConnectionRow> {
    return this.move(caller, id, 'ACCEPT');
  }

  async reject(caller: ProtonCaller, id: string): Promise<ConnectionRow> {
    return this.move(caller, id, 'REJECT');
  }

  async update(caller: ProtonCaller, id: string, roles: ConnectionRoles): Promise<ConnectionRow> {
    checkId('id', id);
    return this.prisma.withTenant(caller.tenantId, async (tx) => {
      const current = await this.load(
        tx,
        caller,
        id,
        ['ENVIRONMENT'],
        'UpdateEnvironmentAccountConnection',
      );
      if (current.status === 'REJECTED') {
        throw AppError.conflict(
          `Environment account connection ${id} is REJECTED and cannot be updated`,
        );
      }
      const merged: ConnectionRoles = {
        roleArn: roles.roleArn ?? current.roleArn,
        codebuildRoleArn: roles.codebuildRoleArn ?? current.codebuildRoleArn,
        componentRoleArn: roles.componentRoleArn ?? current.componentRoleArn,
      };
      checkRoles(merged, current.environmentAccountId);
      const changed = ROLE_FIELDS.filter(({ field }) => merged[field] !== current[field]);
      if (changed.length === 0) {
        return current;
      }
      const { row: updated } = await this.compareAndSet(tx, current, {
        roleArn: merged.roleArn ?? null,
        codebuildRoleArn: merged.codebuildRoleArn ?? null,
        componentRoleArn: merged.componentRoleArn ?? null,
      });
      for (const { field, kind } of changed) {
        const roleArn = merged[field] as string;
        await tx.connectionRoleValidation.upsert({
          where: { connectionId_kind: { connectionId: id, kind } },
          create: { tenantId: caller.tenantId, connectionId: id, kind, roleArn },
          update: { roleArn, status: 'PENDING', reason: null, checkedAt: null },
        });
      }
      await this.record(
        tx,
        updated,
        caller,
        current.status,
        `roles updated: ${changed.map((c) => c.field).join(', ')}`,
        'proton.connection.updated',
      );
      return updated;
    });
  }

  /** Removes the connection; returns it as it was, as AWS does. */
  async delete(caller: ProtonCaller, id: string): Promise<ConnectionRow> {
    checkId('id', id);
    return this.prisma.withTenant(caller.tenantId, async (tx) => {
      const current = await this.load(
        tx,
        caller,
        id,
        ['ENVIRONMENT'],
        'DeleteEnvironmentAccountConnection',
      );
      const { count } = await tx.environmentAccountConnection.deleteMany({
        where: { id, version: current.version },
      });
      if (count === 0) {
        throw AppError.conflict(
          `Environment account connection ${id} was changed by a concurrent request; try again`,
        );
      }
      await tx.resourceTag.deleteMany({
        where: {
          tenantId: caller.tenantId,
          resourceArn: connectionArn(current.region, current.environmentAccountId, id),
        },
      });
      await recordEvent(tx, connectionEvent('proton.connection.deleted', current, caller, null));
      return current;
    });
  }

  async get(caller: ProtonCaller, id: string): Promise<ConnectionRow> {
    checkId('id', id);
    return this.prisma.withTenant(caller.tenantId, (tx) =>
      this.load(tx, caller, id, ['ENVIRONMENT', 'MANAGEMENT'], 'GetEnvironmentAccountConnection'),
    );
  }

  /** For GraphQL's nullable lookup: the connection, or null when this caller may not see it. */
  async find(caller: ProtonCaller, id: string): Promise<ConnectionRow | null> {
    try {
      return await this.get(caller, id);
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.NOT_FOUND) {
        return null;
      }
      throw error;
    }
  }

  async list(caller: ProtonCaller, query: ListConnectionsQuery): Promise<Page<ConnectionRow>> {
    const limit = pageSize(query.first);
    const statuses = query.statuses?.length ? [...new Set(query.statuses)].sort() : null;
    const scope = [
      'eac',
      caller.tenantId,
      caller.accountId,
      caller.region,
      query.requestedBy,
      query.environmentName ?? '',
      statuses?.join() ?? '',
    ].join(':');
    const after = decodeTimeKey(this.cursors, scope, query.after, 'nextToken');
    const side: Prisma.EnvironmentAccountConnectionWhereInput =
      query.requestedBy === 'ENVIRONMENT_ACCOUNT'
        ? { environmentAccountId: caller.accountId }
        : { managementAccountId: caller.accountId };
    const rows = await this.prisma.withTenant(caller.tenantId, (tx) =>
      tx.environmentAccountConnection.findMany({
        where: {
          tenantId: caller.tenantId,
          region: caller.region,
          ...side,
          ...(query.environmentName ? { environmentName: query.environmentName } : {}),
          ...(statuses ? { status: { in: statuses } } : {}),
          ...afterTimeKey(after, 'requestedAt'),
        },
        orderBy: [{ requestedAt: 'asc' }, { id: 'asc' }],
        take: limit + 1,
      }),
    );
    return toPage(rows, limit, (row) =>
      encodeTimeKey(this.cursors, scope, row.requestedAt, row.id),
    );
  }

  /** Connections by id, in one query (GraphQL batching: an environment's connection). */
  async byIds(tenantId: string, ids: readonly string[]): Promise<(ConnectionRow | null)[]> {
    const rows = await this.prisma.withTenant(tenantId, (tx) =>
      tx.environmentAccountConnection.findMany({ where: { tenantId, id: { in: [...ids] } } }),
    );
    return ids.map((id) => rows.find((r) => r.id === id) ?? null);
  }

  /** Role validations of many connections in one query (GraphQL field batching). */
  async validationsOf(tenantId: string, ids: readonly string[]) {
    const rows = await this.prisma.withTenant(tenantId, (tx) =>
      tx.connectionRoleValidation.findMany({
        where: { tenantId, connectionId: { in: [...ids] } },
        orderBy: { kind: 'asc' },
      }),
    );
    return ids.map((id) => rows.filter((r) => r.connectionId === id));
  }

  /** History of many connections in one query (GraphQL field batching). */
  async historyOf(tenantId: string, ids: readonly string[]) {
    const rows = await this.prisma.withTenant(tenantId, (tx) =>
      tx.connectionTransition.findMany({
        where: { tenantId, connectionId: { in: [...ids] } },
        orderBy: { id: 'asc' },
      }),
    );
    return ids.map((id) => rows.filter((r) => r.connectionId === id));
  }

  private async move(
    caller: ProtonCaller,
    id: string,
    action: 'ACCEPT' | 'REJECT',
  ): Promise<ConnectionRow> {
    checkId('id', id);
    const operation =
      action === 'ACCEPT'
        ? 'AcceptEnvironmentAccountConnection'
        : 'RejectEnvironmentAccountConnection';
    return this.prisma.withTenant(caller.tenantId, async (tx) => {
      const current = await this.load(tx, caller, id, ['MANAGEMENT'], operation);
      const next = transition(current.status, action);
      if (next.kind === 'SAME') {
        return current;
      }
      if (next.kind === 'CONFLICT') {
        throw AppError.conflict(`${next.message} (${id})`);
      }
      if (action === 'ACCEPT') {
        const invalid = await tx.connectionRoleValidation.findFirst({
          where: { connectionId: id, status: 'INVALID' },
          orderBy: { kind: 'asc' },
        });
        if (invalid) {
          throw AppError.badInput(
            'id',
            `Environment account connection ${id} cannot be accepted: ${invalid.reason ?? `${invalid.roleArn} is invalid`}`,
          );
        }
      } else {
        await this.usage.assertNotInUse(tx, current);
      }
      const { row: updated, won } = await this.compareAndSet(
        tx,
        current,
        { status: next.to, liveKey: isLive(next.to) ? current.liveKey : null },
        next.to,
      );
      if (!won) {
        return updated; // a concurrent request made the same transition: idempotent
      }
      const why =
        action === 'ACCEPT'
          ? 'management account accepted the connection'
          : 'management account rejected the connection';
      await this.record(
        tx,
        updated,
        caller,
        current.status,
        why,
        action === 'ACCEPT' ? 'proton.connection.accepted' : 'proton.connection.rejected',
      );
      return updated;
    });
  }

  /**
   * Writes only if nobody changed the row since it was read. A loser whose goal was reached anyway
   * (the same transition) gets the row back; any other loser gets ConflictException.
   */
  private async compareAndSet(
    tx: Tx,
    current: ConnectionRow,
    data: Prisma.EnvironmentAccountConnectionUpdateManyMutationInput,
    sameIfStatus?: ConnectionStatus,
  ): Promise<{ row: ConnectionRow; won: boolean }> {
    const [won] = await tx.environmentAccountConnection.updateManyAndReturn({
      where: { id: current.id, version: current.version },
      data: { ...data, version: { increment: 1 }, lastModifiedAt: new Date() },
    });
    if (won) {
      return { row: won, won: true };
    }
    // Someone changed it since we read it; their transaction has committed (we waited on its lock).
    const fresh = await tx.environmentAccountConnection.findUnique({ where: { id: current.id } });
    if (fresh && sameIfStatus && fresh.status === sameIfStatus) {
      return { row: fresh, won: false };
    }
    throw AppError.conflict(
      fresh
        ? `Environment account connection ${current.id} was changed by a concurrent request (now ${fresh.status})`
        : notFound(current.id).message,
    );
  }

  private async load(
    tx: Tx,
    caller: ProtonCaller,
    id: string,
    allowed: readonly Side[],
    operation: string,
  ): Promise<ConnectionRow> {
    const connection = await tx.environmentAccountConnection.findUnique({ where: { id } });
    // A connection exists only in its region.
    if (!connection || connection.region !== caller.region) {
      throw notFound(id);
    }
    requireSide(connection, caller.accountId, allowed, operation);
    return connection;
  }

  private findByToken(tx: Tx, caller: ProtonCaller, token: string): Promise<ConnectionRow | null> {
    return tx.environmentAccountConnection.findUnique({
      where: {
        tenantId_environmentAccountId_clientToken: {
          tenantId: caller.tenantId,
          environmentAccountId: caller.accountId,
          clientToken: token,
        },
      },
    });
  }

  private async record(
    tx: Tx,
    connection: ConnectionRow,
    caller: ProtonCaller,
    from: ConnectionStatus | null,
    reason: string,
    type: DomainEventType,
  ): Promise<void> {
    await tx.connectionTransition.create({
      data: {
        tenantId: connection.tenantId,
        connectionId: connection.id,
        actor: caller.actor,
        fromStatus: from,
        toStatus: connection.status,
        reason,
      },
    });
    await recordEvent(tx, connectionEvent(type, connection, caller, from));
  }
}

function replay(prior: ConnectionRow, hash: string, token: string): ConnectionRow {
  if (prior.requestHash !== hash) {
    throw AppError.conflict(
      `The client token ${token} was already used for another request (environment account connection ${prior.id})`,
    );
  }
  return prior;
}

function validationRows(
  connection: ConnectionRow,
): Prisma.ConnectionRoleValidationCreateManyInput[] {
  return ROLE_FIELDS.flatMap(({ field, kind }) => {
    const roleArn = connection[field];
    return roleArn
      ? [{ tenantId: connection.tenantId, connectionId: connection.id, kind, roleArn }]
      : [];
  });
}

export function connectionEvent(
  type: DomainEventType,
  connection: ConnectionRow,
  caller: { actor: string },
  from: ConnectionStatus | null,
) {
  return {
    tenantId: connection.tenantId,
    type,
    aggregateType: 'EnvironmentAccountConnection',
    aggregateId: connection.id,
    accountIds: [connection.environmentAccountId, connection.managementAccountId],
    payload: { connection: snapshot(connection), actor: caller.actor, fromStatus: from },
  };
}

export interface ConnectionSnapshot {
  id: string;
  region: string;
  environmentAccountId: string;
  managementAccountId: string;
  environmentName: string;
  roleArn: string | null;
  codebuildRoleArn: string | null;
  componentRoleArn: string | null;
  status: ConnectionStatus;
  requestedAt: string;
  lastModifiedAt: string;
}

export function snapshot(c: ConnectionRow): ConnectionSnapshot {
  return {
    id: c.id,
    region: c.region,
    environmentAccountId: c.environmentAccountId,
    managementAccountId: c.managementAccountId,
    environmentName: c.environmentName,
    roleArn: c.roleArn,
    codebuildRoleArn: c.codebuildRoleArn,
    componentRoleArn: c.componentRoleArn,
    status: c.status,
    requestedAt: c.requestedAt.toISOString(),
    lastModifiedAt: c.lastModifiedAt.toISOString(),
  };
}
