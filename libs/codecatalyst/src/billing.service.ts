import { Injectable } from '@nestjs/common';
import { AppError, TenantPrincipal } from '@accountlink/common';
import { Database, ResourceTagRepository, Space, SpaceTier, Tx } from '@accountlink/db';
import { OutboxRepository } from '@accountlink/events';
import { findVisibleConnection } from './connection-access';
import {
  actorOf,
  billingEvent,
  CONNECTION_MANAGER_ROLES,
  connectionEvent,
} from './connection-events';
import { connectionArn } from './domain/connection-rules';
import { requireSpaceAdministrator } from './domain/space-rules';
import {
  AccountConnectionRepository,
  AccountConnectionRow,
} from './repositories/account-connection.repository';
import { SpaceRepository } from './repositories/space.repository';
import { UserCaller } from './space.service';

export interface BillingAuthorization {
  connectionId: string;
  paidTiersAuthorized: boolean;
  /** Whether this connection's account is the space's billing account. */
  isBillingConnection: boolean;
}

/**
 * Billing of a space: its billing connection (the first verified one, or one a Space administrator
 * designates), the paid-tier authorization each account gives, the tier, and removing connections.
 * Every change locks the space row first, so the "a space keeps its billing account" rules hold
 * under concurrency.
 */
@Injectable()
export class BillingService {
  constructor(
    private readonly db: Database,
    private readonly connections: AccountConnectionRepository,
    private readonly spaces: SpaceRepository,
    private readonly tags: ResourceTagRepository,
    private readonly outbox: OutboxRepository,
  ) {}

  /** GetBillingAuthorization: by principals of the connection's account. */
  async authorization(
    principal: TenantPrincipal,
    connectionId: string,
  ): Promise<BillingAuthorization> {
    const connection = await this.db.withTenant(principal.tenantId, (tx) =>
      this.ownConnection(tx, principal, connectionId),
    );
    return {
      connectionId,
      paidTiersAuthorized: connection.paidTiersAuthorized,
      isBillingConnection: connection.space.billingConnectionId === connection.id,
    };
  }

  /** PutBillingAuthorization: by principals of the connection's account, VERIFIED connections only. */
  async putAuthorization(
    principal: TenantPrincipal,
    connectionId: string,
    authorizePaidTiers: boolean,
  ): Promise<BillingAuthorization> {
    return this.db.withTenant(principal.tenantId, async (tx) => {
      const connection = await this.ownConnection(tx, principal, connectionId);
      const space = await this.requireSpace(tx, principal.tenantId, connection.spaceId);
      // Read again under the space lock: verifications and deletions take it too.
      const current = await this.connections.findInSpace(
        tx,
        principal.tenantId,
        space.id,
        connectionId,
      );
      if (!current || current.status !== 'VERIFIED') {
        throw AppError.conflict(
          `Billing authorization can be changed on VERIFIED connections only`,
        );
      }
      const isBilling = space.billingConnectionId === connectionId;
      if (!authorizePaidTiers && isBilling && space.tier !== 'FREE') {
        throw AppError.conflict(
          `Space ${space.name} is on the ${space.tier} tier paid by this account; move it to FREE first`,
        );
      }
      const updated = await this.connections.update(tx, connectionId, {
        paidTiersAuthorized: authorizePaidTiers,
        lastModifiedAt: new Date(),
      });
      const actor = `account:${current.accountId}`;
      const audience = await this.spaces.memberIdsWithRole(
        tx,
        principal.tenantId,
        space.id,
        CONNECTION_MANAGER_ROLES,
      );
      await this.outbox.record(
        tx,
        connectionEvent(
          'codecatalyst.connection.billing-authorization-changed',
          { ...updated, space },
          audience,
          actor,
        ),
        billingEvent(space, actor),
      );
      return {
        connectionId,
        paidTiersAuthorized: authorizePaidTiers,
        isBillingConnection: isBilling,
      };
    });
  }

  /** A Space administrator designates another verified connection of the space as its billing account. */
  async setBillingConnection(
    caller: UserCaller,
    spaceId: string,
    connectionId: string,
  ): Promise<Space> {
    return this.asSpaceAdministrator(caller, spaceId, async (tx, space) => {
      const connection = await this.connections.findInSpace(
        tx,
        caller.tenantId,
        spaceId,
        connectionId,
      );
      if (!connection) {
        throw AppError.notFound(
          `Account connection ${connectionId.slice(0, 36)} is not a connection of this space`,
        );
      }
      if (connection.status !== 'VERIFIED') {
        throw AppError.conflict('Only a VERIFIED connection can be the billing account');
      }
      if (space.tier !== 'FREE' && !connection.paidTiersAuthorized) {
        throw AppError.conflict(
          `Space ${space.name} is on the ${space.tier} tier; the new billing account must authorize paid tiers`,
        );
      }
      return this.spaces.update(tx, spaceId, { billingConnectionId: connectionId });
    });
  }

  /** STANDARD and ENTERPRISE need a billing connection that authorizes paid tiers; FREE is always allowed. */
  async updateTier(caller: UserCaller, spaceId: string, tier: SpaceTier): Promise<Space> {
    return this.asSpaceAdministrator(caller, spaceId, async (tx, space) => {
      if (tier !== 'FREE') {
        const billing = space.billingConnectionId
          ? await this.connections.findInSpace(
              tx,
              caller.tenantId,
              spaceId,
              space.billingConnectionId,
            )
          : null;
        if (!billing) {
          throw AppError.conflict(
            `Space ${space.name} has no billing account: connect and verify an AWS account first`,
          );
        }
        if (!billing.paidTiersAuthorized) {
          throw AppError.conflict(
            `The billing account ${billing.accountId} has not authorized paid tiers`,
          );
        }
      }
      return this.spaces.update(tx, spaceId, { tier });
    });
  }

  /**
   * Removes a connection (a Space administrator, or a principal of the account). Its roles go with
   * it. The billing connection cannot go while the space has other verified connections; when it
   * was the last one, the space has no billing account and falls back to the FREE tier.
   */
  async deleteConnection(
    principal: TenantPrincipal,
    connectionId: string,
  ): Promise<AccountConnectionRow> {
    return this.db.withTenant(principal.tenantId, async (tx) => {
      const found = await findVisibleConnection(this.connections, tx, principal, connectionId);
      if (!found) {
        throw AppError.notFound(`Account connection ${connectionId.slice(0, 36)} was not found`);
      }
      const { connection } = found;
      const space = await this.requireSpace(tx, principal.tenantId, connection.spaceId);
      if (principal.kind === 'USER') {
        // Read under the space lock: member changes take it too.
        requireSpaceAdministrator(
          await this.spaces.memberRole(tx, principal.tenantId, space.id, principal.userId),
          space.id,
        );
      } else if (principal.kind !== 'ACCOUNT' && principal.kind !== 'TENANT_ADMIN') {
        throw AppError.forbidden('Not allowed');
      }
      if (space.billingConnectionId === connectionId) {
        const others = await this.connections.existsInSpace(
          tx,
          principal.tenantId,
          space.id,
          'VERIFIED',
          connectionId,
        );
        if (others) {
          throw AppError.conflict(
            'This is the billing account of the space: designate another verified connection as billing account first',
          );
        }
        await this.spaces.update(tx, space.id, { billingConnectionId: null, tier: 'FREE' });
      }
      if (!(await this.connections.delete(tx, connectionId))) {
        throw AppError.notFound(`Account connection ${connectionId} was not found`);
      }
      await this.tags.drop(
        tx,
        space.tenantId,
        connectionArn(space.region, connection.accountId, connectionId),
      );
      const audience = await this.spaces.memberIdsWithRole(
        tx,
        principal.tenantId,
        space.id,
        CONNECTION_MANAGER_ROLES,
      );
      await this.outbox.record(
        tx,
        connectionEvent(
          'codecatalyst.connection.deleted',
          connection,
          audience,
          actorOf(principal),
        ),
      );
      return connection;
    });
  }

  /** The connection, for principals of its account; NOT_FOUND or FORBIDDEN for anyone else. */
  private async ownConnection(
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
        `Billing authorization is managed by principals of account ${found.connection.accountId}`,
      );
    }
    return found.connection;
  }

  private async asSpaceAdministrator(
    caller: UserCaller,
    spaceId: string,
    change: (tx: Tx, space: Space) => Promise<Space>,
  ): Promise<Space> {
    return this.db.withTenant(caller.tenantId, async (tx) => {
      const { space, role } = await this.spaces.lockWithMemberRole(
        tx,
        caller.tenantId,
        spaceId,
        caller.userId,
      );
      requireSpaceAdministrator(role, spaceId);
      const updated = await change(tx, space as Space);
      await this.outbox.record(tx, billingEvent(updated, `user:${caller.userId}`));
      return updated;
    });
  }

  /** Locks and returns the space row (every billing decision is taken under this lock). */
  private async requireSpace(tx: Tx, tenantId: string, spaceId: string): Promise<Space> {
    const space = await this.spaces.lock(tx, tenantId, spaceId);
    if (!space) {
      throw AppError.notFound(`Space ${spaceId} was not found`);
    }
    return space;
  }
}
