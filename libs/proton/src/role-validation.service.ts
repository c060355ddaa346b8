import { Injectable, OnModuleInit } from '@nestjs/common';
import { Database, Tx } from '@accountlink/db';
import { OutboxRepository } from '@accountlink/events';
import { parseRoleArn, RoleChangeListeners, RoleRepository, roleNameKey } from '@accountlink/iam';
import { connectionEvent } from './connection.service';
import { checkConnectionRole } from './domain/role-check';
import { ConnectionRepository } from './repositories/connection.repository';

/**
 * Validates the roles connections name, the way AWS would when assuming them, and records
 * PENDING → VALID | INVALID with the reason. Runs in the worker: after create, update and accept,
 * and whenever IAM changes a role that a connection names.
 */
@Injectable()
export class RoleValidationService implements OnModuleInit {
  constructor(
    private readonly db: Database,
    private readonly connections: ConnectionRepository,
    private readonly roles: RoleRepository,
    private readonly outbox: OutboxRepository,
    private readonly listeners: RoleChangeListeners,
  ) {}

  onModuleInit(): void {
    this.listeners.register('proton-connections', async (tx, change) => {
      const named = await this.connections.idsNamingRole(tx, change.tenantId, change.roleArn);
      await this.revalidate(tx, change.tenantId, named);
    });
  }

  /** Validates the connections of one tenant in one transaction (a job may carry several). */
  async validateConnections(tenantId: string, connectionIds: readonly string[]): Promise<void> {
    await this.db.withTenant(tenantId, (tx) => this.revalidate(tx, tenantId, connectionIds));
  }

  /**
   * Idempotent: re-checks every role of the connections and records an event for each connection
   * whose results changed. The connections are locked first, in id order (the library's lock
   * order): a validation job and an IAM change can re-check one at once, and only the first of
   * them may see a result change (one event per change).
   */
  async revalidate(tx: Tx, tenantId: string, connectionIds: readonly string[]): Promise<void> {
    const ids = [...new Set(connectionIds)].sort();
    if (ids.length === 0) {
      return;
    }
    const connections = (await this.connections.lockMany(tx, tenantId, ids)).filter(
      (c) => c !== null,
    );
    if (connections.length === 0) {
      return; // deleted since the job was queued
    }
    const validations = await this.connections.validationsOf(
      tx,
      tenantId,
      connections.map((c) => c.id),
    );
    const keys = connections.flatMap((connection, i) =>
      (validations[i] ?? [])
        .map((v) => parseRoleArn(v.roleArn))
        .filter(
          (p): p is NonNullable<typeof p> =>
            p !== null && p.accountId === connection.environmentAccountId,
        )
        .map((p) => ({ accountId: p.accountId, roleNameKey: roleNameKey(p.roleName) })),
    );
    const roles = await this.roles.findByKeys(tx, tenantId, keys);
    const results = [];
    const changed = [];
    for (const [i, connection] of connections.entries()) {
      let differs = false;
      for (const validation of validations[i] ?? []) {
        const parsed = parseRoleArn(validation.roleArn);
        const role = parsed
          ? (roles.find(
              (r) =>
                r.accountId === connection.environmentAccountId &&
                r.roleNameKey === roleNameKey(parsed.roleName),
            ) ?? null)
          : null;
        const result = checkConnectionRole(validation.kind, validation.roleArn, role, connection);
        differs ||= result.status !== validation.status || result.reason !== validation.reason;
        results.push({
          connectionId: connection.id,
          kind: validation.kind,
          roleArn: validation.roleArn,
          status: result.status,
          reason: result.reason,
        });
      }
      if (differs) {
        changed.push(connection);
      }
    }
    // Only the ARN that was checked is written: an update racing this job keeps its PENDING.
    await this.connections.setValidationResults(tx, results, new Date());
    await this.outbox.record(
      tx,
      ...changed.map((connection) =>
        connectionEvent(
          'proton.connection.role-validation-changed',
          connection,
          { actor: 'system' },
          null,
        ),
      ),
    );
  }
}
