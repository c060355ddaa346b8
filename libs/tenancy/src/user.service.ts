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
import { Database, User } from '@accountlink/db';
import { UserRepository } from './repositories/user.repository';
import { TenantSettingsService } from './tenant-settings.service';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,63}$/;

export function validateUserName(name: string): string | null {
  return name.trim() === name && name.length >= 1 && name.length <= 100
    ? null
    : 'name must be 1-100 characters without surrounding spaces';
}

export function validateEmail(email: string): string | null {
  return EMAIL.test(email) && email.length <= 320 ? null : 'email must be an email address';
}

/** Users of a tenant: the people who create and administer CodeCatalyst spaces. */
@Injectable()
export class UserService {
  private readonly cursors: CursorCodec;

  constructor(
    private readonly db: Database,
    private readonly users: UserRepository,
    private readonly settings: TenantSettingsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cursors = new CursorCodec(config.cursorSecret);
  }

  async createUser(tenantId: string, input: { name: string; email: string }): Promise<User> {
    const nameProblem = validateUserName(input.name);
    if (nameProblem) {
      throw AppError.badInput('name', nameProblem);
    }
    const emailProblem = validateEmail(input.email);
    if (emailProblem) {
      throw AppError.badInput('email', emailProblem);
    }
    const id = randomUUID();
    const { userQuota } = await this.settings.get(tenantId);
    return this.db.withTenant(
      tenantId,
      async (tx) => {
        if ((await this.users.countInTenant(tx, tenantId, userQuota)) >= userQuota) {
          throw new AppError(
            ErrorCode.QUOTA_EXCEEDED,
            `The tenant has reached its quota of ${userQuota} users`,
          );
        }
        const user = await this.users.insert(tx, {
          id,
          tenantId,
          name: input.name,
          email: input.email,
          emailKey: input.email.toLowerCase(),
        });
        if (!user) {
          throw AppError.conflict(`A user with email ${input.email} already exists`);
        }
        return user;
      },
      // The tenant's user creates one at a time, so the count holds until commit.
      { lockKey: `user|${tenantId}` },
    );
  }

  async listUsers(
    tenantId: string,
    first?: number | null,
    after?: string | null,
  ): Promise<Page<User>> {
    const limit = pageSize(first);
    const scope = `${tenantId}:users`;
    const afterKey = decodeTimeKey(this.cursors, scope, after);
    const rows = await this.db.withTenant(tenantId, (tx) =>
      this.users.page(tx, tenantId, afterKey, limit),
    );
    return toPage(rows, limit, (row) => encodeTimeKey(this.cursors, scope, row.createdAt, row.id));
  }

  async getUser(tenantId: string, userId: string): Promise<User | null> {
    return this.db.withTenant(tenantId, (tx) => this.users.find(tx, tenantId, userId));
  }
}
