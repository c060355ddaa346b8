import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  AppError,
  CursorCodec,
  decodeNameKey,
  ErrorCode,
  Page,
  pageSize,
  toPage,
} from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { Database, Role, Tx } from '@accountlink/db';
import { DomainEvent, DomainEventType, OutboxRepository } from '@accountlink/events';
import { AccountRepository, requireAccount, TenantSettingsService } from '@accountlink/tenancy';
import { RoleRepository } from './repositories/role.repository';
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
    private readonly db: Database,
    private readonly roles: RoleRepository,
    private readonly accounts: AccountRepository,
    private readonly outbox: OutboxRepository,
    private readonly settings: TenantSettingsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cursors = new CursorCodec(config.cursorSecret);
  }

  async createRole(tenantId: string, command: CreateRoleCommand): Promise<Role> {
    const path = command.path ?? '/';
    check('roleName', validateRoleName(command.roleName));
    check('path', validateRolePath(path));
    checkPolicy('assumeRolePolicyDocument', command.assumeRolePolicyDocument);
    const { roleQuota } = await this.settings.get(tenantId);
    // The account's creates one at a time (the advisory lock), so the count holds until commit.
    const lockKey = `role|${tenantId}|${command.accountId}`;
    return this.db.withTenant(
      tenantId,
      async (tx) => {
        await requireAccount(this.accounts, tx, tenantId, command.accountId);
        if (
          (await this.roles.countInAccount(tx, tenantId, command.accountId, roleQuota)) >= roleQuota
        ) {
          throw new AppError(
            ErrorCode.QUOTA_EXCEEDED,
            `Account ${command.accountId} has reached its quota of ${roleQuota} roles`,
          );
        }
        const role = await this.roles.insert(tx, {
          id: randomUUID(),
          tenantId,
          accountId: command.accountId,
          roleName: command.roleName,
          roleNameKey: roleNameKey(command.roleName),
          path,
          assumeRolePolicyDocument: command.assumeRolePolicyDocument,
        });
        if (!role) {
          throw AppError.conflict(
            `Role with name ${command.roleName} already exists in account ${command.accountId}`,
          );
        }
        await this.outbox.record(tx, roleEvent('iam.role.created', role));
        return role;
      },
      { lockKey },
    );
  }

  async updateAssumeRolePolicy(
    tenantId: string,
    accountId: string,
    roleName: string,
    policyDocument: string,
  ): Promise<Role> {
    checkPolicy('policyDocument', policyDocument);
    return this.db.withTenant(tenantId, async (tx) => {
      await requireAccount(this.accounts, tx, tenantId, accountId);
      const existing = await this.requireRole(tx, tenantId, accountId, roleName);
      const role = await this.roles.updatePolicy(tx, existing.id, policyDocument, new Date());
      await this.outbox.record(tx, roleEvent('iam.role.updated', role));
      return role;
    });
  }

  async deleteRole(tenantId: string, accountId: string, roleName: string): Promise<Role> {
    return this.db.withTenant(tenantId, async (tx) => {
      await requireAccount(this.accounts, tx, tenantId, accountId);
      const role = await this.requireRole(tx, tenantId, accountId, roleName);
      await this.roles.delete(tx, role.id);
      await this.outbox.record(tx, roleEvent('iam.role.deleted', role));
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
    const rows = await this.db.withTenant(tenantId, async (tx) => {
      await requireAccount(this.accounts, tx, tenantId, accountId);
      return this.roles.page(tx, tenantId, accountId, afterKey, limit);
    });
    return toPage(rows, limit, (row) => this.cursors.encode(scope, [row.roleNameKey]));
  }

  async getRole(tenantId: string, accountId: string, roleName: string): Promise<Role | null> {
    return this.db.withTenant(tenantId, (tx) =>
      this.roles.findByNameKey(tx, tenantId, accountId, roleNameKey(roleName)),
    );
  }

  private async requireRole(
    tx: Tx,
    tenantId: string,
    accountId: string,
    roleName: string,
  ): Promise<Role> {
    check('roleName', validateRoleName(roleName));
    const role = await this.roles.findByNameKey(tx, tenantId, accountId, roleNameKey(roleName));
    if (!role) {
      throw AppError.notFound(
        `The role with name ${roleName} cannot be found in account ${accountId}`,
      );
    }
    return role;
  }
}

export function arnOf(role: Pick<Role, 'accountId' | 'path' | 'roleName'>): string {
  return roleArn(role.accountId, role.path, role.roleName);
}

function roleEvent(type: DomainEventType, role: Role): DomainEvent {
  return {
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
  };
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
