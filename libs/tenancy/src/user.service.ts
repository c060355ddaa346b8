import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  afterTimeKey,
  AppError,
  CursorCodec,
  decodeTimeKey,
  encodeTimeKey,
  Page,
  pageSize,
  toPage,
} from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { PrismaService, Tx, User } from '@accountlink/db';

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
    private readonly prisma: PrismaService,
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
    return this.prisma.withTenant(tenantId, async (tx) => {
      const [user] = await tx.user.createManyAndReturn({
        data: [
          {
            id,
            tenantId,
            name: input.name,
            email: input.email,
            emailKey: input.email.toLowerCase(),
          },
        ],
        skipDuplicates: true,
      });
      if (!user) {
        throw AppError.conflict(`A user with email ${input.email} already exists`);
      }
      return user;
    });
  }

  async listUsers(
    tenantId: string,
    first?: number | null,
    after?: string | null,
  ): Promise<Page<User>> {
    const limit = pageSize(first);
    const scope = `${tenantId}:users`;
    const afterKey = decodeTimeKey(this.cursors, scope, after);
    const rows = await this.prisma.withTenant(tenantId, (tx) =>
      tx.user.findMany({
        where: {
          tenantId,
          ...afterTimeKey(afterKey, 'createdAt'),
        },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: limit + 1,
      }),
    );
    return toPage(rows, limit, (row) => encodeTimeKey(this.cursors, scope, row.createdAt, row.id));
  }

  async getUser(tenantId: string, userId: string): Promise<User | null> {
    return this.prisma.withTenant(tenantId, (tx) => findUser(tx, tenantId, userId));
  }
}

export function findUser(tx: Tx, tenantId: string, userId: string): Promise<User | null> {
  if (!/^[0-9a-f-]{36}$/i.test(userId)) {
    return Promise.resolve(null);
  }
  return tx.user.findFirst({ where: { id: userId, tenantId } });
}
