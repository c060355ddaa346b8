import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  afterTimeKey,
  AppError,
  constantTimeEqual,
  CursorCodec,
  decodeTimeKey,
  encodeTimeKey,
  Page,
  pageSize,
  sha256Hex,
  TenantPrincipal,
  toPage,
} from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { Prisma, PrismaService, Tx } from '@accountlink/db';
import { DomainEventType } from '@accountlink/events';
import { recordConnectionEvent } from './connection-events';
import { findAccount, TenantSettingsService } from '@accountlink/tenancy';
import {
  AccountConnectionStatus,
  checkRequest,
  isVerifiable,
  liveKey,
  newConnectionToken,
  noPendingConnection,
  requireConnectionManager,
} from './domain/connection-rules';
import { isUuid, lockSpaceAndRole, roleInSpace } from './space-access';
import { UserCaller } from './space.service';

export type AccountConnectionRow = Prisma.AccountConnectionGetPayload<{ include: { space: true } }>;

/** An account principal verifying a token, in the region of its request. */
export interface AccountCaller {
  tenantId: string;
  accountId: string;
  region: string;
  keyId: string;
}

export interface PendingConnectionView {
  spaceName: string;
  displayName: string;
  description: string | null;
  accountId: string;
  expiresAt: Date;
}

/**
 * CodeCatalyst account connections: a space requests one for an account (a connection token is
 * shown once), a principal of that account verifies or rejects it with the token.
 */
@Injectable()
export class AccountConnectionService {
  private readonly cursors: CursorCodec;

  constructor(
    private readonly prisma: PrismaService,
    private readonly settings: TenantSettingsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cursors = new CursorCodec(config.cursorSecret);
  }

  /** Replaces a pending request of the same space and account (its token dies with it). */
  async request(
    caller: UserCaller,
    input: { spaceId: string; accountId: string; displayName: string; description?: string | null },
  ): Promise<{ connection: AccountConnectionRow; token: string }> {
    checkRequest(input);
    const { connectionTokenTtlSeconds } = await this.settings.get(caller.tenantId);
    const token = newConnectionToken();
    return this.prisma.withTenant(caller.tenantId, async (tx) => {
      const role = await lockSpaceAndRole(tx, caller.tenantId, caller.userId, input.spaceId);
      requireConnectionManager(role, input.spaceId);
      if (!(await findAccount(tx, caller.tenantId, input.accountId))) {
        throw AppError.notFound(`Account ${input.accountId} does not exist`);
      }
      const key = liveKey(input.spaceId, input.accountId);
      const live = await tx.accountConnection.findUnique({
        where: { tenantId_liveKey: { tenantId: caller.tenantId, liveKey: key } },
      });
      if (live?.status === 'VERIFIED') {
        throw AppError.conflict(
          `Account ${input.accountId} is already connected to this space (connection ${live.id})`,
        );
      }
      if (live) {
        const replaced = await tx.accountConnection.update({
          where: { id: live.id },
          data: {
            status: 'EXPIRED',
            tokenHash: null,
            liveKey: null,
            version: { increment: 1 },
            lastModifiedAt: new Date(),
          },
          include: { space: true },
        });
        await this.record(
          tx,
          replaced,
          `user:${caller.userId}`,
          'PENDING_VERIFICATION',
          'EXPIRED',
          'replaced by a new request',
          'codecatalyst.connection.expired',
        );
      }
      const now = new Date();
      const connection = await tx.accountConnection.create({
        data: {
          id: randomUUID(),
          tenantId: caller.tenantId,
          spaceId: input.spaceId,
          accountId: input.accountId,
          displayName: input.displayName,
          description: input.description ?? null,
          status: 'PENDING_VERIFICATION',
          tokenHash: sha256Hex(token),
          expiresAt: new Date(now.getTime() + connectionTokenTtlSeconds * 1000),
          liveKey: key,
          requestedBy: caller.userId,
          createdAt: now,
          lastModifiedAt: now,
        },
        include: { space: true },
      });
      await this.record(
        tx,
        connection,
        `user:${caller.userId}`,
        null,
        'PENDING_VERIFICATION',
        'space requested the connection',
        'codecatalyst.connection.requested',
      );
      return { connection, token };
    });
  }

  /** GetPendingConnection: what the account is asked to verify. Every non-match: the same NOT_FOUND. */
  async pending(caller: AccountCaller, token: string): Promise<PendingConnectionView> {
    return this.prisma.withTenant(caller.tenantId, async (tx) => {
      const connection = await this.findVerifiable(tx, caller, token);
      return {
        spaceName: connection.space.name,
        displayName: connection.displayName,
        description: connection.description,
        accountId: connection.accountId,
        expiresAt: connection.expiresAt,
      };
    });
  }

  /** AcceptConnection: VERIFIED, billing authorization recorded, token spent. */
  async accept(
    caller: AccountCaller,
    token: string,
    authorizePaidTiers: boolean,
  ): Promise<AccountConnectionRow> {
    return this.verify(caller, token, 'VERIFIED', 'account verified the connection', {
      paidTiersAuthorized: authorizePaidTiers,
      verifiedAt: new Date(),
    });
  }

  /** RejectConnection: REJECTED, token spent. */
  async reject(caller: AccountCaller, token: string): Promise<AccountConnectionRow> {
    return this.verify(caller, token, 'REJECTED', 'account rejected the connection', {
      liveKey: null,
    });
  }

  async get(principal: TenantPrincipal, id: string): Promise<AccountConnectionRow | null> {
    if (!isUuid(id)) {
      return null;
    }
    return this.prisma.withTenant(principal.tenantId, (tx) => this.visibleIn(tx, principal, id));
  }

  /** The connection if this principal may see it, in the caller's transaction; else null. */
  async visibleIn(
    tx: Tx,
    principal: TenantPrincipal,
    id: string,
  ): Promise<AccountConnectionRow | null> {
    if (!isUuid(id)) {
      return null;
    }
    const connection = await tx.accountConnection.findFirst({
      where: { id, tenantId: principal.tenantId },
      include: { space: true },
    });
    if (!connection || !(await this.canSee(tx, principal, connection))) {
      return null;
    }
    return connection;
  }

  /**
   * ListConnections: a space's connections that are not pending (`pending: true` lists the pending
   * ones, for administrators and power users), or an account principal's connections.
   */
  async list(
    principal: TenantPrincipal,
    query: {
      spaceId?: string | null;
      pending?: boolean;
      first?: number | null;
      after?: string | null;
    },
  ): Promise<Page<AccountConnectionRow>> {
    const limit = pageSize(query.first);
    const scope = [
      'cc',
      principal.tenantId,
      principal.kind === 'ACCOUNT' ? principal.accountId : '',
      query.spaceId ?? '',
      query.pending ? 'p' : '',
    ].join(':');
    const after = decodeTimeKey(this.cursors, scope, query.after);
    const rows = await this.prisma.withTenant(principal.tenantId, async (tx) => {
      const where: Prisma.AccountConnectionWhereInput = {
        tenantId: principal.tenantId,
        ...(await this.listScope(tx, principal, query.spaceId ?? null, query.pending ?? false)),
        ...afterTimeKey(after, 'createdAt'),
      };
      return tx.accountConnection.findMany({
        where,
        include: { space: true },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: limit + 1,
      });
    });
    return toPage(rows, limit, (row) => encodeTimeKey(this.cursors, scope, row.createdAt, row.id));
  }

  /**
   * Which connections a principal lists. With a space: its members see those not pending, its
   * administrators and power users the pending ones, an account its own there, a tenant
   * administrator all. Without: an account its own (not pending), a tenant administrator every
   * connection of the tenant; a user must name the space.
   */
  private async listScope(
    tx: Tx,
    principal: TenantPrincipal,
    spaceId: string | null,
    pending: boolean,
  ): Promise<Prisma.AccountConnectionWhereInput> {
    const status: Prisma.AccountConnectionWhereInput['status'] = pending
      ? 'PENDING_VERIFICATION'
      : { not: 'PENDING_VERIFICATION' };
    switch (principal.kind) {
      case 'ACCOUNT':
        return { accountId: principal.accountId, status, ...(spaceId ? { spaceId } : {}) };
      case 'TENANT_ADMIN':
        return spaceId ? { spaceId, status } : {};
      case 'USER': {
        if (!spaceId) {
          throw AppError.badInput('spaceId', 'spaceId is required for users');
        }
        const role = await roleInSpace(tx, principal.tenantId, principal.userId, spaceId);
        if (pending) {
          requireConnectionManager(role, spaceId);
        } else if (!role) {
          throw AppError.notFound(`Space ${spaceId} was not found`);
        }
        return { spaceId, status };
      }
    }
  }

  /** Refuses users who do not manage the space's connections (administrators and power users do). */
  async requireManager(caller: UserCaller, spaceId: string): Promise<void> {
    const role = await this.prisma.withTenant(caller.tenantId, (tx) =>
      roleInSpace(tx, caller.tenantId, caller.userId, spaceId),
    );
    requireConnectionManager(role, spaceId);
  }

  /** Connections by id (GraphQL batching: billing connections of a page of spaces). */
  async byIds(tenantId: string, ids: readonly string[]): Promise<(AccountConnectionRow | null)[]> {
    const rows = await this.prisma.withTenant(tenantId, (tx) =>
      tx.accountConnection.findMany({
        where: { tenantId, id: { in: [...ids] } },
        include: { space: true },
      }),
    );
    return ids.map((id) => rows.find((r) => r.id === id) ?? null);
  }

  /** The non-pending connections of many spaces in one query (GraphQL batching). */
  async ofSpaces(tenantId: string, spaceIds: readonly string[]): Promise<AccountConnectionRow[][]> {
    const rows = await this.prisma.withTenant(tenantId, (tx) =>
      tx.accountConnection.findMany({
        where: {
          tenantId,
          spaceId: { in: [...spaceIds] },
          status: { not: 'PENDING_VERIFICATION' },
        },
        include: { space: true },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
    );
    return spaceIds.map((id) => rows.filter((r) => r.spaceId === id));
  }

  /** History of many connections in one query (GraphQL field batching). */
  async historyOf(tenantId: string, ids: readonly string[]) {
    const rows = await this.prisma.withTenant(tenantId, (tx) =>
      tx.accountConnectionTransition.findMany({
        where: { tenantId, connectionId: { in: [...ids] } },
        orderBy: { id: 'asc' },
      }),
    );
    return ids.map((id) => rows.filter((r) => r.connectionId === id));
  }

  private async verify(
    caller: AccountCaller,
    token: string,
    to: AccountConnectionStatus,
    reason: string,
    data: Prisma.AccountConnectionUpdateManyMutationInput,
  ): Promise<AccountConnectionRow> {
    return this.prisma.withTenant(caller.tenantId, async (tx) => {
      const connection = await this.findVerifiable(tx, caller, token);
      // The space first (billing is decided under its lock, as deletions are): no lock-order cycle.
      await tx.$executeRaw`SELECT 1 FROM "spaces" WHERE "id" = ${connection.spaceId}::uuid FOR UPDATE`;
      // Compare-and-set: of two concurrent verifications of one token, exactly one succeeds.
      const [updated] = await tx.accountConnection.updateManyAndReturn({
        where: { id: connection.id, version: connection.version, status: 'PENDING_VERIFICATION' },
        data: {
          ...data,
          status: to,
          tokenHash: null,
          version: { increment: 1 },
          lastModifiedAt: new Date(),
        },
      });
      if (!updated) {
        throw noPendingConnection();
      }
      if (to === 'VERIFIED') {
        // The first verified connection becomes the space's billing account.
        await tx.space.updateMany({
          where: { id: connection.spaceId, billingConnectionId: null },
          data: { billingConnectionId: connection.id },
        });
      }
      const result = { ...updated, space: connection.space };
      await this.record(
        tx,
        result,
        `account:${caller.accountId}`,
        'PENDING_VERIFICATION',
        to,
        reason,
        to === 'VERIFIED' ? 'codecatalyst.connection.verified' : 'codecatalyst.connection.rejected',
      );
      return result;
    });
  }

  /**
   * The connection a token designates, if this caller may verify it now: the token's account, in
   * the space's region, pending and unexpired. Anything else, the same NOT_FOUND.
   */
  private async findVerifiable(
    tx: Tx,
    caller: AccountCaller,
    token: string,
  ): Promise<AccountConnectionRow> {
    const hash = sha256Hex(token);
    const connection = await tx.accountConnection.findUnique({
      where: { tenantId_tokenHash: { tenantId: caller.tenantId, tokenHash: hash } },
      include: { space: true },
    });
    if (!connection?.tokenHash || !constantTimeEqual(connection.tokenHash, hash)) {
      throw noPendingConnection();
    }
    if (
      !isVerifiable(connection, caller.accountId, new Date()) ||
      connection.space.region !== caller.region
    ) {
      throw noPendingConnection();
    }
    return connection;
  }

  private async canSee(
    tx: Tx,
    principal: TenantPrincipal,
    connection: AccountConnectionRow,
  ): Promise<boolean> {
    switch (principal.kind) {
      case 'TENANT_ADMIN':
        return true;
      case 'ACCOUNT':
        return principal.accountId === connection.accountId;
      case 'USER': {
        const role = await roleInSpace(
          tx,
          principal.tenantId,
          principal.userId,
          connection.spaceId,
        );
        return (
          role !== null &&
          (connection.status !== 'PENDING_VERIFICATION' || role !== 'LIMITED_ACCESS')
        );
      }
    }
  }

  /** A status transition: its history row and its event. */
  private async record(
    tx: Tx,
    connection: AccountConnectionRow,
    actor: string,
    from: AccountConnectionStatus | null,
    to: AccountConnectionStatus,
    reason: string,
    type: DomainEventType,
  ): Promise<void> {
    await tx.accountConnectionTransition.create({
      data: {
        tenantId: connection.tenantId,
        connectionId: connection.id,
        actor,
        fromStatus: from,
        toStatus: to,
        reason,
      },
    });
    await recordConnectionEvent(tx, type, connection, actor, { from, to, reason });
  }
}
