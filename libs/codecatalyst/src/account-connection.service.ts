import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  AppError,
  constantTimeEqual,
  CursorCodec,
  decodeTimeKey,
  encodeTimeKey,
  ErrorCode,
  Page,
  pageSize,
  sha256Hex,
  TenantPrincipal,
  TimeKey,
  toPage,
} from '@accountlink/common';
import { APP_CONFIG, AppConfig } from '@accountlink/config';
import { AccountConnection, Database, Space, Tables, Tx } from '@accountlink/db';
import { OutboxRepository } from '@accountlink/events';
import { TenantSettingsService } from '@accountlink/tenancy';
import type { Updateable } from 'kysely';
import { findVisibleConnection } from './connection-access';
import { CONNECTION_MANAGER_ROLES, connectionEvent } from './connection-events';
import {
  accountKnowsOf,
  AccountConnectionStatus,
  checkRequest,
  isVerifiable,
  listedStatuses,
  liveKey,
  newConnectionToken,
  noPendingConnection,
  requireConnectionManager,
} from './domain/connection-rules';
import { isUuid } from './domain/ids';
import {
  AccountConnectionRepository,
  AccountConnectionRow,
  AccountConnectionTransitionRow,
} from './repositories/account-connection.repository';
import { SpaceRepository } from './repositories/space.repository';
import { UserCaller } from './space.service';

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

/** A status transition to record: its history row and its event. */
interface Transition {
  connection: AccountConnectionRow;
  from: AccountConnectionStatus | null;
  reason: string;
  type:
    | 'codecatalyst.connection.requested'
    | 'codecatalyst.connection.verified'
    | 'codecatalyst.connection.rejected'
    | 'codecatalyst.connection.expired';
}

/** Which connections a list reads: every connection of the tenant, or filtered by status. */
type ListScope =
  | { kind: 'TENANT' }
  | {
      kind: 'FILTERED';
      spaceId: string | null;
      accountId: string | null;
      statuses: AccountConnectionStatus[];
    };

/** The scope of `Space.accountConnections` cursors: one space's list. */
function spacePageScope(tenantId: string, spaceId: string): string {
  return `ccs:${tenantId}:${spaceId}`;
}

/**
 * CodeCatalyst account connections: a space requests one for an account (a connection token is
 * shown once), a principal of that account verifies or rejects it with the token.
 */
@Injectable()
export class AccountConnectionService {
  private readonly cursors: CursorCodec;

  constructor(
    private readonly db: Database,
    private readonly connections: AccountConnectionRepository,
    private readonly spaces: SpaceRepository,
    private readonly outbox: OutboxRepository,
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
    const { connectionTokenTtlSeconds, accountConnectionQuota } = await this.settings.get(
      caller.tenantId,
    );
    const token = newConnectionToken();
    return this.db.withTenant(caller.tenantId, async (tx) => {
      // The space lock first, then everything the request decides on in one statement of its own.
      const space = await this.spaces.lock(tx, caller.tenantId, input.spaceId);
      if (!space) {
        requireConnectionManager(null, input.spaceId);
      }
      const locked = space as Space;
      const key = liveKey(input.spaceId, input.accountId);
      const check = await this.connections.requestPreconditions(tx, {
        tenantId: caller.tenantId,
        spaceId: input.spaceId,
        userId: caller.userId,
        accountId: input.accountId,
        liveKey: key,
        audienceRoles: CONNECTION_MANAGER_ROLES,
      });
      requireConnectionManager(check.role, input.spaceId);
      if (!check.accountExists) {
        throw AppError.notFound(`Account ${input.accountId} does not exist`);
      }
      if (check.liveStatus === 'VERIFIED') {
        throw AppError.conflict(
          `Account ${input.accountId} is already connected to this space (connection ${check.liveId})`,
        );
      }
      // Under the space lock, so the count holds until commit. A replaced request keeps its row.
      const held = await this.connections.countInSpace(
        tx,
        caller.tenantId,
        input.spaceId,
        accountConnectionQuota,
      );
      if (held >= accountConnectionQuota) {
        throw new AppError(
          ErrorCode.QUOTA_EXCEEDED,
          `The space holds ${accountConnectionQuota} connections, its quota: remove expired or rejected ones first`,
        );
      }
      const actor = `user:${caller.userId}`;
      const transitions: Transition[] = [];
      if (check.liveId) {
        const replaced = await this.connections.transition(tx, check.liveId, {
          status: 'EXPIRED',
          tokenHash: null,
          liveKey: null,
        });
        transitions.push({
          connection: { ...replaced, space: locked },
          from: 'PENDING_VERIFICATION',
          reason: 'replaced by a new request',
          type: 'codecatalyst.connection.expired',
        });
      }
      const now = new Date();
      const created = await this.connections.insert(tx, {
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
      });
      const connection = { ...created, space: locked };
      transitions.push({
        connection,
        from: null,
        reason: 'space requested the connection',
        type: 'codecatalyst.connection.requested',
      });
      await this.record(tx, transitions, actor, check.audience);
      return { connection, token };
    });
  }

  /** GetPendingConnection: what the account is asked to verify. Every non-match: the same NOT_FOUND. */
  async pending(caller: AccountCaller, token: string): Promise<PendingConnectionView> {
    return this.db.withTenant(caller.tenantId, async (tx) => {
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

  /** GetConnection: the connection if this principal may see it, else null. */
  async get(principal: TenantPrincipal, id: string): Promise<AccountConnectionRow | null> {
    if (!isUuid(id)) {
      return null;
    }
    const found = await this.db.withTenant(principal.tenantId, (tx) =>
      findVisibleConnection(this.connections, tx, principal, id),
    );
    return found?.connection ?? null;
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
    const rows = await this.db.withTenant(principal.tenantId, async (tx) => {
      const filter = await this.listScope(
        tx,
        principal,
        query.spaceId ?? null,
        query.pending ?? false,
      );
      return this.page(tx, principal.tenantId, filter, after, limit);
    });
    return toPage(rows, limit, (row) => encodeTimeKey(this.cursors, scope, row.createdAt, row.id));
  }

  /** Refuses users who do not manage the space's connections (administrators and power users do). */
  async requireManager(caller: UserCaller, spaceId: string): Promise<void> {
    const role = await this.db.withTenant(caller.tenantId, (tx) =>
      this.spaces.memberRole(tx, caller.tenantId, spaceId, caller.userId),
    );
    requireConnectionManager(role, spaceId);
  }

  /** Connections by id (GraphQL batching: billing connections of a page of spaces). */
  async byIds(tenantId: string, ids: readonly string[]): Promise<(AccountConnectionRow | null)[]> {
    return this.db.withTenant(tenantId, (tx) => this.connections.byIds(tx, tenantId, ids));
  }

  /**
   * Where a page of a space's connections (`Space.accountConnections`) starts: null for the first
   * page; BAD_USER_INPUT for a cursor of another list, space or tenant.
   */
  spacePageStart(
    tenantId: string,
    spaceId: string,
    after: string | null | undefined,
  ): TimeKey | null {
    return decodeTimeKey(this.cursors, spacePageScope(tenantId, spaceId), after);
  }

  /**
   * One page of the non-pending connections of each of many spaces, in one query (GraphQL
   * batching); `after` is where each page starts (a cursor names a position in one space).
   */
  async pagesOfSpaces(
    tenantId: string,
    spaceIds: readonly string[],
    first: number | null | undefined,
    after: TimeKey | null,
  ): Promise<Page<AccountConnectionRow>[]> {
    const limit = pageSize(first);
    const pages = await this.db.withTenant(tenantId, (tx) =>
      this.connections.pagesOfSpaces(tx, tenantId, spaceIds, listedStatuses(false), after, limit),
    );
    return pages.map((rows, i) =>
      toPage(rows, limit, (row) =>
        encodeTimeKey(this.cursors, spacePageScope(tenantId, spaceIds[i]), row.createdAt, row.id),
      ),
    );
  }

  /** History of many connections in one query (GraphQL field batching). */
  async historyOf(
    tenantId: string,
    ids: readonly string[],
  ): Promise<AccountConnectionTransitionRow[][]> {
    return this.db.withTenant(tenantId, (tx) => this.connections.historyOf(tx, tenantId, ids));
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
  ): Promise<ListScope> {
    const statuses = listedStatuses(pending);
    switch (principal.kind) {
      case 'ACCOUNT':
        // Its own, and of those only the ones it has answered (a pending list is empty).
        return {
          kind: 'FILTERED',
          spaceId,
          accountId: principal.accountId,
          statuses: statuses.filter(accountKnowsOf),
        };
      case 'TENANT_ADMIN':
        return spaceId
          ? { kind: 'FILTERED', spaceId, accountId: null, statuses }
          : { kind: 'TENANT' };
      case 'USER': {
        if (!spaceId) {
          throw AppError.badInput('spaceId', 'spaceId is required for users');
        }
        const role = await this.spaces.memberRole(
          tx,
          principal.tenantId,
          spaceId,
          principal.userId,
        );
        if (pending) {
          requireConnectionManager(role, spaceId);
        } else if (!role) {
          throw AppError.notFound(`Space ${spaceId} was not found`);
        }
        return { kind: 'FILTERED', spaceId, accountId: null, statuses };
      }
    }
  }

  private page(
    tx: Tx,
    tenantId: string,
    filter: ListScope,
    after: TimeKey | null,
    limit: number,
  ): Promise<AccountConnectionRow[]> {
    switch (filter.kind) {
      case 'TENANT':
        return this.connections.pageOfTenant(tx, tenantId, after, limit);
      case 'FILTERED':
        if (filter.statuses.length === 0) {
          return Promise.resolve([]);
        }
        return this.connections.page(tx, {
          tenantId,
          spaceId: filter.spaceId,
          accountId: filter.accountId,
          statuses: filter.statuses,
          after,
          limit,
        });
    }
  }

  private async verify(
    caller: AccountCaller,
    token: string,
    to: 'VERIFIED' | 'REJECTED',
    reason: string,
    patch: Updateable<Tables.AccountConnection>,
  ): Promise<AccountConnectionRow> {
    return this.db.withTenant(caller.tenantId, async (tx) => {
      const connection = await this.findVerifiable(tx, caller, token);
      // The space first (billing is decided under its lock, as deletions are): no lock-order cycle.
      const space =
        (await this.spaces.lock(tx, caller.tenantId, connection.spaceId)) ?? connection.space;
      // Compare-and-set: of two concurrent verifications of one token, exactly one succeeds.
      const updated = await this.connections.compareAndSet(
        tx,
        connection.id,
        { version: connection.version, status: 'PENDING_VERIFICATION' },
        { ...patch, status: to, tokenHash: null },
      );
      if (!updated) {
        throw noPendingConnection();
      }
      // The first verified connection becomes the space's billing account (the locked row tells
      // whether the space already has one).
      const result = { ...updated, space: await this.billFirstVerified(tx, space, updated) };
      const audience = await this.spaces.memberIdsWithRole(
        tx,
        caller.tenantId,
        space.id,
        CONNECTION_MANAGER_ROLES,
      );
      await this.record(
        tx,
        [
          {
            connection: result,
            from: 'PENDING_VERIFICATION',
            reason,
            type:
              to === 'VERIFIED'
                ? 'codecatalyst.connection.verified'
                : 'codecatalyst.connection.rejected',
          },
        ],
        `account:${caller.accountId}`,
        audience,
      );
      return result;
    });
  }

  private async billFirstVerified(
    tx: Tx,
    space: Space,
    connection: AccountConnection,
  ): Promise<Space> {
    if (connection.status !== 'VERIFIED' || space.billingConnectionId !== null) {
      return space;
    }
    return this.spaces.update(tx, space.id, { billingConnectionId: connection.id });
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
    const connection = await this.connections.findByTokenHash(tx, caller.tenantId, hash);
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

  /** Status transitions: their history rows and their events, two statements for all of them. */
  private async record(
    tx: Tx,
    transitions: readonly Transition[],
    actor: string,
    audience: readonly string[],
  ): Promise<void> {
    await this.connections.insertTransitions(
      tx,
      transitions.map((t) => ({
        tenantId: t.connection.tenantId,
        connectionId: t.connection.id,
        actor,
        fromStatus: t.from,
        toStatus: t.connection.status,
        reason: t.reason,
      })),
    );
    await this.outbox.record(
      tx,
      ...transitions.map((t) =>
        connectionEvent(t.type, t.connection, audience, actor, {
          from: t.from,
          to: t.connection.status,
          reason: t.reason,
        }),
      ),
    );
  }
}
