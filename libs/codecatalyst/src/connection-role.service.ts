import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppError, TenantPrincipal } from '@accountlink/common';
import { Database, Tx } from '@accountlink/db';
import { DomainEvent, DomainEventType, OutboxRepository } from '@accountlink/events';
import { parseRoleArn, RoleChangeListeners, RoleRepository, roleNameKey } from '@accountlink/iam';
import { findVisibleConnection } from './connection-access';
import { CONNECTION_MANAGER_ROLES, connectionEvent } from './connection-events';
import { checkAssociableRoleArn, checkCodeCatalystRole } from './domain/role-check';
import {
  AccountConnectionRepository,
  AccountConnectionRow,
} from './repositories/account-connection.repository';
import {
  ConnectionRoleRepository,
  ConnectionRoleRow,
  RoleCheckResult,
} from './repositories/connection-role.repository';
import { SpaceRepository } from './repositories/space.repository';

/**
 * IAM roles of a connection's account, associated with the connection by a principal of that
 * account, and validated by the worker for use by the space.
 */
@Injectable()
export class ConnectionRoleService implements OnModuleInit {
  constructor(
    private readonly db: Database,
    private readonly roles: ConnectionRoleRepository,
    private readonly connections: AccountConnectionRepository,
    private readonly spaces: SpaceRepository,
    private readonly iamRoles: RoleRepository,
    private readonly outbox: OutboxRepository,
    private readonly listeners: RoleChangeListeners,
  ) {}

  onModuleInit(): void {
    this.listeners.register('codecatalyst-connections', async (tx, change) => {
      // Every association naming the role, locked in one order (connectionId, roleArn).
      const uses = await this.roles.lockNaming(tx, change.tenantId, change.roleArn);
      await this.revalidate(tx, change.tenantId, uses);
    });
  }

  /** AssociateIamRoleToConnection, with the iam:PassRole check: the role must be in the account. */
  async associate(
    principal: TenantPrincipal,
    connectionId: string,
    roleArn: string,
  ): Promise<ConnectionRoleRow> {
    return this.db.withTenant(principal.tenantId, async (tx) => {
      const connection = await this.accountSide(tx, principal, connectionId);
      checkAssociableRoleArn(roleArn, connection.accountId);
      if (connection.status !== 'VERIFIED') {
        throw AppError.conflict(
          `Roles can be associated with VERIFIED connections only; this one is ${connection.status}`,
        );
      }
      const created = await this.roles.insert(tx, {
        tenantId: principal.tenantId,
        connectionId,
        roleArn,
      });
      if (!created) {
        // Associating the same role again is idempotent.
        const existing = await this.roles.find(tx, connectionId, roleArn);
        if (!existing) {
          throw new Error(`the association of ${roleArn} with ${connectionId} vanished`);
        }
        return existing;
      }
      await this.outbox.record(
        tx,
        await this.event(
          tx,
          'codecatalyst.connection.role-associated',
          created,
          connection,
          `account:${connection.accountId}`,
        ),
      );
      return created;
    });
  }

  async disassociate(
    principal: TenantPrincipal,
    connectionId: string,
    roleArn: string,
  ): Promise<ConnectionRoleRow> {
    return this.db.withTenant(principal.tenantId, async (tx) => {
      const connection = await this.accountSide(tx, principal, connectionId);
      const existing = await this.roles.delete(tx, connectionId, roleArn);
      if (!existing) {
        throw AppError.notFound(
          `${roleArn.slice(0, 200)} is not associated with connection ${connectionId}`,
        );
      }
      await this.outbox.record(
        tx,
        await this.event(
          tx,
          'codecatalyst.connection.role-disassociated',
          existing,
          connection,
          `account:${connection.accountId}`,
        ),
      );
      return existing;
    });
  }

  /** ListIamRolesForConnection: for whoever may see the connection. */
  async list(principal: TenantPrincipal, connectionId: string): Promise<ConnectionRoleRow[]> {
    return this.db.withTenant(principal.tenantId, async (tx) => {
      if (!(await findVisibleConnection(this.connections, tx, principal, connectionId))) {
        throw AppError.notFound(`Account connection ${connectionId.slice(0, 36)} was not found`);
      }
      return (await this.roles.rolesOf(tx, principal.tenantId, [connectionId]))[0] ?? [];
    });
  }

  /** Roles of many connections in one query (GraphQL field batching). */
  async rolesOf(
    tenantId: string,
    connectionIds: readonly string[],
  ): Promise<ConnectionRoleRow[][]> {
    return this.db.withTenant(tenantId, (tx) => this.roles.rolesOf(tx, tenantId, connectionIds));
  }

  /** The validation job: checks one association as it is now. */
  async validate(tenantId: string, connectionId: string, roleArn: string): Promise<void> {
    await this.db.withTenant(tenantId, async (tx) => {
      // Lock the association first: a validation job and an IAM change can check it at once, and
      // only the first of them may see the result change (one event per change).
      const locked = await this.roles.lock(tx, tenantId, connectionId, roleArn);
      await this.revalidate(tx, tenantId, locked);
    });
  }

  /**
   * Idempotent: checks locked associations against their roles as they are now, in a fixed number
   * of statements whatever their number, and records an event for each whose result changed.
   * An association gone since the job was queued (disassociated, or its connection deleted) is
   * simply not among them.
   */
  private async revalidate(
    tx: Tx,
    tenantId: string,
    associations: readonly ConnectionRoleRow[],
  ): Promise<void> {
    if (associations.length === 0) {
      return;
    }
    const connectionIds = [...new Set(associations.map((a) => a.connectionId))];
    const connections = await this.connections.byIds(tx, tenantId, connectionIds);
    const byId = new Map(connectionIds.map((id, i) => [id, connections[i] ?? null]));
    const checked = associations.flatMap((association) => {
      const connection = byId.get(association.connectionId);
      return connection ? [{ association, connection }] : [];
    });
    const keys = checked.flatMap(({ association, connection }) => {
      const parsed = parseRoleArn(association.roleArn);
      return parsed
        ? [{ accountId: connection.accountId, roleNameKey: roleNameKey(parsed.roleName) }]
        : [];
    });
    const found = await this.iamRoles.findByKeys(tx, tenantId, keys);
    const roleOf = (accountId: string, roleArn: string) => {
      const parsed = parseRoleArn(roleArn);
      const key = parsed ? roleNameKey(parsed.roleName) : null;
      return found.find((r) => r.accountId === accountId && r.roleNameKey === key) ?? null;
    };
    const results: RoleCheckResult[] = checked.map(({ association, connection }) => ({
      connectionId: association.connectionId,
      roleArn: association.roleArn,
      ...checkCodeCatalystRole(
        association.roleArn,
        roleOf(connection.accountId, association.roleArn),
        {
          accountId: connection.accountId,
          spaceId: connection.spaceId,
        },
      ),
    }));
    const updated = await this.roles.setResults(tx, results, new Date());
    const changed = checked.flatMap(({ association, connection }, i) => {
      const result = results[i] as RoleCheckResult;
      const now = updated.find(
        (u) => u.connectionId === association.connectionId && u.roleArn === association.roleArn,
      );
      return now && (result.status !== association.status || result.reason !== association.reason)
        ? [{ association: now, connection }]
        : [];
    });
    if (changed.length === 0) {
      return;
    }
    const spaceIds = [...new Set(changed.map((c) => c.connection.spaceId))];
    const audiences = await this.spaces.memberIdsWithRoleOf(
      tx,
      tenantId,
      spaceIds,
      CONNECTION_MANAGER_ROLES,
    );
    const audienceOf = new Map(spaceIds.map((id, i) => [id, audiences[i] ?? []]));
    await this.outbox.record(
      tx,
      ...changed.map(({ association, connection }) =>
        roleEvent(
          'codecatalyst.connection.role-validation-changed',
          association,
          connection,
          audienceOf.get(connection.spaceId) ?? [],
          'system',
        ),
      ),
    );
  }

  /** The connection, for a principal of its account; NOT_FOUND for anyone else who cannot see it. */
  private async accountSide(
    tx: Tx,
    principal: TenantPrincipal,
    connectionId: string,
  ): Promise<AccountConnectionRow> {
    const found = await findVisibleConnection(this.connections, tx, principal, connectionId);
    if (!found) {
      throw AppError.notFound(`Account connection ${connectionId.slice(0, 36)} was not found`);
    }
    if (principal.kind !== 'ACCOUNT') {
      throw AppError.forbidden(
        `Roles are associated by a principal of account ${found.connection.accountId}`,
      );
    }
    return found.connection;
  }

  private async event(
    tx: Tx,
    type: DomainEventType,
    association: ConnectionRoleRow,
    connection: AccountConnectionRow,
    actor: string,
  ): Promise<DomainEvent> {
    const audience = await this.spaces.memberIdsWithRole(
      tx,
      connection.tenantId,
      connection.spaceId,
      CONNECTION_MANAGER_ROLES,
    );
    return roleEvent(type, association, connection, audience, actor);
  }
}

function roleEvent(
  type: DomainEventType,
  association: ConnectionRoleRow,
  connection: AccountConnectionRow,
  audience: readonly string[],
  actor: string,
): DomainEvent {
  return connectionEvent(type, connection, audience, actor, {
    roleArn: association.roleArn,
    validation: association.status,
  });
}
