import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppError, CursorCodec, decodeNameKey, Page, pageSize, toPage } from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { PrismaService, Role, Tx } from '@accountlink/db';
import { DomainEventType, recordEvent } from '@accountlink/events';
import { requireAccount } from '@accountlink/tenancy';
import {
  roleArn,
  roleNameKey,
  validatePolicyDocumentSize,
  validateRoleName,
  validateRolePath,
} from './domain/iam-rules';
import { parseTrustPolicy } from './domain/trust-policy';

export interface CreateRoleCommand {
  accountId: string;
  roleName: string;
  path?: string | null;
  assumeRolePolicyDocument: string;
}

@Injectable()
export class RoleService {
  private readonly cursors: CursorCodec;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cursors = new CursorCodec(config.cursorSecret);
  }

  async createRole(tenantId: string, command: CreateRoleCommand): Promise<Role> {
    const path = command.path ?? '/';
    check('roleName', validateRoleName(command.roleName));
    check('path', validateRolePath(path));
    checkPolicy('assumeRolePolicyDocument', command.assumeRolePolicyDocument);
    return this.prisma.withTenant(tenantId, async (tx) => {
      await requireAccount(tx, tenantId, command.accountId);
      const key = roleNameKey(command.roleName);
      const { count } = await tx.role.createMany({
        data: [
          {
            id: randomUUID(),
            tenantId,
            accountId: command.accountId,
            roleName: command.roleName,
            roleNameKey: key,
            path,
            assumeRolePolicyDocument: command.assumeRolePolicyDocument,
          },
        ],
        skipDuplicates: true,
      });
      if (count === 0) {
        throw AppError.conflict(
          `Role with name ${command.roleName} already exists in account ${command.accountId}`,
        );
      }
      const role = await findRoleOrThrow(tx, tenantId, command.accountId, command.roleName);
      await recordRoleEvent(tx, 'iam.role.created', role);
      return role;
    });
  }

  async updateAssumeRolePolicy(
    tenantId: string,
    accountId: string,
    roleName: string,
    policyDocument: string,
  ): Promise<Role> {
    checkPolicy('policyDocument', policyDocument);
    return this.prisma.withTenant(tenantId, async (tx) => {
      await requireAccount(tx, tenantId, accountId);
      const existing = await findRoleOrThrow(tx, tenantId, accountId, roleName);
      const role = await tx.role.update({
        where: { id: existing.id },
        data: { assumeRolePolicyDocument: policyDocument, updatedAt: new Date() },
      });
      await recordRoleEvent(tx, 'iam.role.updated', role);
      return role;
    });
  }

  async deleteRole(tenantId: string, accountId: string, roleName: string): Promise<Role> {
    return this.prisma.withTenant(tenantId, async (tx) => {
      await requireAccount(tx, tenantId, accountId);
      const role = await findRoleOrThrow(tx, tenantId, accountId, roleName);
      await tx.role.delete({ where: { id: role.id } });
      await recordRoleEvent(tx, 'iam.role.deleted', role);
      return role;
    });
  }

  async listRoles(
    tenantId: string,
    accountId: string,
    first?: number | null,
    after?: string | null,
  ): Promise<Page<Role>> {
    const limit = pageSize(first);
    const scope = `${tenantId}:roles:${accountId}`;
    const afterKey = decodeNameKey(this.cursors, scope, after);
    const rows = await this.prisma.withTenant(tenantId, async (tx) => {
      await requireAccount(tx, tenantId, accountId);
      return tx.role.findMany({
        where: { tenantId, accountId, ...(afterKey ? { roleNameKey: { gt: afterKey } } : {}) },
        orderBy: { roleNameKey: 'asc' },
        take: limit + 1,
      });
    });
    return toPage(rows, limit, (row) => this.cursors.encode(scope, [row.roleNameKey]));
  }

  async getRole(tenantId: string, accountId: string, roleName: string): Promise<Role | null> {
    return this.prisma.withTenant(tenantId, (tx) => findRole(tx, tenantId, accountId, roleName));
  }
}

export function arnOf(role: Pick<Role, 'accountId' | 'path' | 'roleName'>): string {
  return roleArn(role.accountId, role.path, role.roleName);
}

export function findRole(
  tx: Tx,
  tenantId: string,
  accountId: string,
  roleName: string,
): Promise<Role | null> {
  return tx.role.findUnique({
    where: {
      tenantId_accountId_roleNameKey: { tenantId, accountId, roleNameKey: roleNameKey(roleName) },
    },
  });
}

async function findRoleOrThrow(
  tx: Tx,
  tenantId: string,
  accountId: string,
  roleName: string,
): Promise<Role> {
  check('roleName', validateRoleName(roleName));
  const role = await findRole(tx, tenantId, accountId, roleName);
  if (!role) {
    throw AppError.notFound(
      `The role with name ${roleName} cannot be found in account ${accountId}`,
    );
  }
  return role;
}

function recordRoleEvent(tx: Tx, type: DomainEventType, role: Role): Promise<void> {
  return recordEvent(tx, {
    tenantId: role.tenantId,
    type,
    aggregateType: 'Role',
    aggregateId: role.id,
    accountIds: [role.accountId],
    payload: {
      accountId: role.accountId,
      roleName: role.roleName,
      roleNameKey: role.roleNameKey,
      arn: arnOf(role),
    },
  });
}

function check(field: string, problem: string | null): void {
  if (problem) {
    throw AppError.badInput(field, problem);
  }
}

function checkPolicy(field: string, document: string): void {
  check(field, validatePolicyDocumentSize(document));
  const parsed = parseTrustPolicy(document);
  if (!parsed.ok) {
    throw AppError.badInput(field, `${field} is not a valid trust policy: ${parsed.message}`);
  }
}
