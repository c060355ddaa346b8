import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
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
import { Database, isUniqueViolation, ResourceTagRepository, Tables, Tx } from '@accountlink/db';
import { DomainEventType, OutboxRepository } from '@accountlink/events';
import type { Insertable, Updateable } from 'kysely';
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
import { ProtonCaller } from './proton-caller';
import { ConnectionUsage } from './connection-usage';
import { ConnectionRepository, ConnectionRow } from './repositories/connection.repository';

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
    private readonly db: Database,
    private readonly connections: ConnectionRepository,
    private readonly tags: ResourceTagRepository,
    private readonly outbox: OutboxRepository,
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
    const attempt = () =>
      this.db.withTenant(
        caller.tenantId,
        async (tx) => {
          // Every precondition in one round trip.
          const check = await this.connections.createPreconditions(tx, {
            tenantId: caller.tenantId,
            accountId: caller.accountId,
            region: caller.region,
            managementAccountId: input.managementAccountId,
            liveKey: key,
            clientToken: token,
          });
          if (token && check.priorId) {
            const prior = await this.connections.findById(tx, check.priorId);
            if (prior) {
              return replay(prior, hash, token);
            }
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
          // Written with COMMIT; only the same token used at once in another region (another lock)
          // can beat it, and then the unique key refuses it and the create runs again (below).
          const connection = await this.connections.insertAtCommit(tx, {
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
          });
          await this.connections.insertValidations(tx, validationRows(connection));
          if (input.tags?.length) {
            const arn = connectionArn(connection.region, connection.environmentAccountId, id);
            await this.tags.put(tx, caller.tenantId, arn, input.tags);
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
    try {
      return await attempt();
    } catch (error) {
      if (!isUniqueViolation(error)) {
        throw error;
      }
      // Its preconditions now see the connection that won: a replay, or the conflict.
      return attempt().catch((again: unknown) => {
        throw isUniqueViolation(again)
          ? AppError.conflict(
              'A concurrent request created a conflicting environment account connection; try again',
            )
          : again;
      });
    }
  }

  async accept(caller: ProtonCaller, id: string): Promise<ConnectionRow> {
    return this.move(caller, id, 'ACCEPT');
  }

  async reject(caller: ProtonCaller, id: string): Promise<ConnectionRow> {
    return this.move(caller, id, 'REJECT');
  }

  async update(caller: ProtonCaller, id: string, roles: ConnectionRoles): Promise<ConnectionRow> {
    checkId('id', id);
    return this.db.withTenant(caller.tenantId, async (tx) => {
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
        await this.connections.resetValidation(tx, {
          tenantId: caller.tenantId,
          connectionId: id,
          kind,
          roleArn,
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
    return this.db.withTenant(caller.tenantId, async (tx) => {
      const current = await this.load(
        tx,
        caller,
        id,
        ['ENVIRONMENT'],
        'DeleteEnvironmentAccountConnection',
      );
      if (!(await this.connections.deleteIfVersion(tx, id, current.version))) {
        throw AppError.conflict(
          `Environment account connection ${id} was changed by a concurrent request; try again`,
        );
      }
      await this.tags.drop(
        tx,
        caller.tenantId,
        connectionArn(current.region, current.environmentAccountId, id),
      );
      await this.outbox.record(
        tx,
        connectionEvent('proton.connection.deleted', current, caller, null),
      );
      return current;
    });
  }

  async get(caller: ProtonCaller, id: string): Promise<ConnectionRow> {
    checkId('id', id);
    return this.db.readTenant(caller.tenantId, (tx) =>
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
    const rows = await this.db.readTenant(caller.tenantId, (tx) =>
      this.connections.page(tx, {
        tenantId: caller.tenantId,
        region: caller.region,
        side:
          query.requestedBy === 'ENVIRONMENT_ACCOUNT'
            ? 'environmentAccountId'
            : 'managementAccountId',
        accountId: caller.accountId,
        environmentName: query.environmentName || null,
        statuses: statuses ?? [],
        after,
        limit,
      }),
    );
    return toPage(rows, limit, (row) =>
      encodeTimeKey(this.cursors, scope, row.requestedAt, row.id),
    );
  }

  /** Connections by id, in one query (GraphQL batching: an environment's connection). */
  byIds(tenantId: string, ids: readonly string[]): Promise<(ConnectionRow | null)[]> {
    return this.db.readTenant(tenantId, (tx) => this.connections.byIds(tx, tenantId, ids));
  }

  /** Role validations of many connections in one query (GraphQL field batching). */
  validationsOf(tenantId: string, ids: readonly string[]) {
    return this.db.readTenant(tenantId, (tx) => this.connections.validationsOf(tx, tenantId, ids));
  }

  /** History of many connections in one query (GraphQL field batching). */
  historyOf(tenantId: string, ids: readonly string[]) {
    return this.db.readTenant(tenantId, (tx) => this.connections.historyOf(tx, tenantId, ids));
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
    return this.db.withTenant(caller.tenantId, async (tx) => {
      const current = await this.load(tx, caller, id, ['MANAGEMENT'], operation);
      const next = transition(current.status, action);
      if (next.kind === 'SAME') {
        return current;
      }
      if (next.kind === 'CONFLICT') {
        throw AppError.conflict(`${next.message} (${id})`);
      }
      if (action === 'ACCEPT') {
        const invalid = await this.connections.firstInvalid(tx, id);
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
    data: Updateable<Tables.EnvironmentAccountConnection>,
    sameIfStatus?: ConnectionStatus,
  ): Promise<{ row: ConnectionRow; won: boolean }> {
    const won = await this.connections.compareAndSet(tx, current.id, current.version, data);
    if (won) {
      return { row: won, won: true };
    }
    // Someone changed it since we read it; their transaction has committed (we waited on its lock).
    const fresh = await this.connections.findById(tx, current.id);
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
    const connection = await this.connections.findById(tx, id);
    // A connection exists only in its region.
    if (!connection || connection.region !== caller.region) {
      throw notFound(id);
    }
    requireSide(connection, caller.accountId, allowed, operation);
    return connection;
  }

  private async record(
    tx: Tx,
    connection: ConnectionRow,
    caller: ProtonCaller,
    from: ConnectionStatus | null,
    reason: string,
    type: DomainEventType,
  ): Promise<void> {
    await this.connections.insertTransition(tx, {
      tenantId: connection.tenantId,
      connectionId: connection.id,
      actor: caller.actor,
      fromStatus: from,
      toStatus: connection.status,
      reason,
    });
    await this.outbox.record(tx, connectionEvent(type, connection, caller, from));
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

function validationRows(connection: ConnectionRow): Insertable<Tables.ConnectionRoleValidation>[] {
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
