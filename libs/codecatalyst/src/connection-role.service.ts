import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppError, TenantPrincipal } from '@accountlink/common';
import { Prisma, PrismaService, Tx } from '@accountlink/db';
import { DomainEventType } from '@accountlink/events';
import { parseRoleArn, roleNameKey, RoleChangeListeners } from '@accountlink/iam';
import { AccountConnectionRow, AccountConnectionService } from './account-connection.service';
import { recordConnectionEvent } from './connection-events';
import { checkCodeCatalystRole } from './domain/role-check';

const ROLE_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role\/([\w+=,.@-]{1,512}[/:])*([\w+=,.@-]{1,64})$/;

export type ConnectionRoleRow = Prisma.ConnectionIamRoleGetPayload<object>;

/**
 * IAM roles of a connection's account, associated with the connection by a principal of that
 * account, and validated by the worker for use by the space.
 */
@Injectable()
export class ConnectionRoleService implements OnModuleInit {
  constructor(
    private readonly prisma: PrismaService,
    private readonly connections: AccountConnectionService,
    private readonly listeners: RoleChangeListeners,
  ) {}

  onModuleInit(): void {
    this.listeners.register('codecatalyst-connections', async (tx, change) => {
      const uses = await tx.connectionIamRole.findMany({
        where: { tenantId: change.tenantId, roleArn: change.roleArn },
        // One lock order for every transaction that revalidates several associations.
        orderBy: [{ connectionId: 'asc' }, { roleArn: 'asc' }],
      });
      for (const use of uses) {
        await this.revalidate(tx, use.tenantId, use.connectionId, use.roleArn);
      }
    });
  }

  /** AssociateIamRoleToConnection, with the iam:PassRole check: the role must be in the account. */
  async associate(
    principal: TenantPrincipal,
    connectionId: string,
    roleArn: string,
  ): Promise<ConnectionRoleRow> {
    const connection = await this.accountSide(principal, connectionId);
    if (roleArn.length > 2048 || !ROLE_ARN.test(roleArn)) {
      throw AppError.badInput('roleArn', 'roleArn must be an IAM role ARN');
    }
    if (roleArn.split(':')[4] !== connection.accountId) {
      throw AppError.forbidden(
        `iam:PassRole denied: ${roleArn} is not a role of account ${connection.accountId}`,
      );
    }
    if (connection.status !== 'VERIFIED') {
      throw AppError.conflict(
        `Roles can be associated with VERIFIED connections only; this one is ${connection.status}`,
      );
    }
    return this.prisma.withTenant(principal.tenantId, async (tx) => {
      const [created] = await tx.connectionIamRole.createManyAndReturn({
        data: [{ tenantId: principal.tenantId, connectionId, roleArn }],
        skipDuplicates: true,
      });
      if (!created) {
        // Associating the same role again is idempotent.
        return tx.connectionIamRole.findUniqueOrThrow({
          where: { connectionId_roleArn: { connectionId, roleArn } },
        });
      }
      await this.event(
        tx,
        'codecatalyst.connection.role-associated',
        created,
        connection,
        `account:${connection.accountId}`,
      );
      return created;
    });
  }

  async disassociate(
    principal: TenantPrincipal,
    connectionId: string,
    roleArn: string,
  ): Promise<ConnectionRoleRow> {
    const connection = await this.accountSide(principal, connectionId);
    return this.prisma.withTenant(principal.tenantId, async (tx) => {
      const existing = await tx.connectionIamRole.findUnique({
        where: { connectionId_roleArn: { connectionId, roleArn } },
      });
      if (!existing) {
        throw AppError.notFound(
          `${roleArn.slice(0, 200)} is not associated with connection ${connectionId}`,
        );
      }
      await tx.connectionIamRole.delete({
        where: { connectionId_roleArn: { connectionId, roleArn } },
      });
      await this.event(
        tx,
        'codecatalyst.connection.role-disassociated',
        existing,
        connection,
        `account:${connection.accountId}`,
      );
      return existing;
    });
  }

  /** ListIamRolesForConnection: for whoever may see the connection. */
  async list(principal: TenantPrincipal, connectionId: string): Promise<ConnectionRoleRow[]> {
    const connection = await this.connections.get(principal, connectionId);
    if (!connection) {
      throw AppError.notFound(`Account connection ${connectionId.slice(0, 36)} was not found`);
    }
    return (await this.rolesOf(principal.tenantId, [connectionId]))[0] ?? [];
  }

  /** Roles of many connections in one query (GraphQL field batching). */
  async rolesOf(
    tenantId: string,
    connectionIds: readonly string[],
  ): Promise<ConnectionRoleRow[][]> {
    const rows = await this.prisma.withTenant(tenantId, (tx) =>
      tx.connectionIamRole.findMany({
        where: { tenantId, connectionId: { in: [...connectionIds] } },
        orderBy: [{ createdAt: 'asc' }, { roleArn: 'asc' }],
      }),
    );
    return connectionIds.map((id) => rows.filter((r) => r.connectionId === id));
  }

  async validate(tenantId: string, connectionId: string, roleArn: string): Promise<void> {
    await this.prisma.withTenant(tenantId, (tx) =>
      this.revalidate(tx, tenantId, connectionId, roleArn),
    );
  }

  /** Idempotent: checks the role as it is now and records an event only when the result changed. */
  private async revalidate(
    tx: Tx,
    tenantId: string,
    connectionId: string,
    roleArn: string,
  ): Promise<void> {
    // Lock the association first: a validation job and an IAM change can check it at once, and
    // only the first of them may see the result change (one event per change).
    await tx.$executeRaw`SELECT 1 FROM "connection_iam_roles" WHERE "connectionId" = ${connectionId}::uuid AND "roleArn" = ${roleArn} FOR UPDATE`;
    const association = await tx.connectionIamRole.findUnique({
      where: { connectionId_roleArn: { connectionId, roleArn } },
      include: { connection: { include: { space: true } } },
    });
    if (!association) {
      return; // disassociated or deleted since the job was queued
    }
    const parsed = parseRoleArn(roleArn);
    const role = parsed
      ? await tx.role.findUnique({
          where: {
            tenantId_accountId_roleNameKey: {
              tenantId,
              accountId: association.connection.accountId,
              roleNameKey: roleNameKey(parsed.roleName),
            },
          },
        })
      : null;
    const result = checkCodeCatalystRole(roleArn, role, {
      accountId: association.connection.accountId,
      spaceId: association.connection.spaceId,
    });
    const updated = await tx.connectionIamRole.update({
      where: { connectionId_roleArn: { connectionId, roleArn } },
      data: { status: result.status, reason: result.reason, checkedAt: new Date() },
    });
    if (result.status !== association.status || result.reason !== association.reason) {
      await this.event(
        tx,
        'codecatalyst.connection.role-validation-changed',
        updated,
        association.connection,
        'system',
      );
    }
  }

  /** The connection, for a principal of its account; NOT_FOUND for anyone else who cannot see it. */
  private async accountSide(principal: TenantPrincipal, connectionId: string) {
    const connection = await this.connections.get(principal, connectionId);
    if (!connection) {
      throw AppError.notFound(`Account connection ${connectionId.slice(0, 36)} was not found`);
    }
    if (principal.kind !== 'ACCOUNT') {
      throw AppError.forbidden(
        `Roles are associated by a principal of account ${connection.accountId}`,
      );
    }
    return connection;
  }

  private event(
    tx: Tx,
    type: DomainEventType,
    association: ConnectionRoleRow,
    connection: AccountConnectionRow,
    actor: string,
  ): Promise<void> {
    return recordConnectionEvent(tx, type, connection, actor, {
      roleArn: association.roleArn,
      validation: association.status,
    });
  }
}
