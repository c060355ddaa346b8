import { Injectable, OnModuleInit } from '@nestjs/common';
import { PrismaService, Tx } from '@accountlink/db';
import { recordEvent } from '@accountlink/events';
import { parseRoleArn, roleNameKey, RoleChangeListeners } from '@accountlink/iam';
import { connectionEvent } from './connection.service';
import { checkConnectionRole } from './domain/role-check';

/**
 * Validates the roles a connection names, the way AWS would when assuming them, and records
 * PENDING → VALID | INVALID with the reason. Runs in the worker: after create, update and accept,
 * and whenever IAM changes a role that a connection names.
 */
@Injectable()
export class RoleValidationService implements OnModuleInit {
  constructor(
    private readonly prisma: PrismaService,
    private readonly listeners: RoleChangeListeners,
  ) {}

  onModuleInit(): void {
    this.listeners.register('proton-connections', async (tx, change) => {
      const named = await tx.connectionRoleValidation.findMany({
        where: { tenantId: change.tenantId, roleArn: change.roleArn },
        select: { connectionId: true },
        distinct: ['connectionId'],
        // One lock order for every transaction that revalidates several connections.
        orderBy: { connectionId: 'asc' },
      });
      for (const { connectionId } of named) {
        await this.revalidate(tx, change.tenantId, connectionId);
      }
    });
  }

  async validateConnection(tenantId: string, connectionId: string): Promise<void> {
    await this.prisma.withTenant(tenantId, (tx) => this.revalidate(tx, tenantId, connectionId));
  }

  /** Idempotent: re-checks every role and records an event only when a result changed. */
  async revalidate(tx: Tx, tenantId: string, connectionId: string): Promise<void> {
    // Lock the connection first: a validation job and an IAM change can re-check it at once, and
    // only the first of them may see a result change (one event per change).
    await tx.$executeRaw`SELECT 1 FROM "environment_account_connections" WHERE "id" = ${connectionId}::uuid FOR UPDATE`;
    const connection = await tx.environmentAccountConnection.findUnique({
      where: { id: connectionId },
      include: { validations: true },
    });
    if (!connection) {
      return; // deleted since the job was queued
    }
    const keys = connection.validations
      .map((v) => parseRoleArn(v.roleArn))
      .filter(
        (p): p is NonNullable<typeof p> =>
          p !== null && p.accountId === connection.environmentAccountId,
      )
      .map((p) => roleNameKey(p.roleName));
    const roles = await tx.role.findMany({
      where: { tenantId, accountId: connection.environmentAccountId, roleNameKey: { in: keys } },
    });
    const now = new Date();
    let changed = false;
    for (const validation of connection.validations) {
      const parsed = parseRoleArn(validation.roleArn);
      const role = parsed
        ? (roles.find((r) => r.roleNameKey === roleNameKey(parsed.roleName)) ?? null)
        : null;
      const result = checkConnectionRole(validation.kind, validation.roleArn, role, connection);
      const differs = result.status !== validation.status || result.reason !== validation.reason;
      changed ||= differs;
      // Only the ARN that was checked is written: an update racing this job keeps its PENDING.
      await tx.connectionRoleValidation.updateMany({
        where: { connectionId, kind: validation.kind, roleArn: validation.roleArn },
        data: { status: result.status, reason: result.reason, checkedAt: now },
      });
    }
    if (changed) {
      await recordEvent(
        tx,
        connectionEvent(
          'proton.connection.role-validation-changed',
          connection,
          { actor: 'system' },
          null,
        ),
      );
    }
  }
}
