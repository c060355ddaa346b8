import { Injectable } from '@nestjs/common';
import { AppError, TenantPrincipal } from '@accountlink/common';
import { dropResourceTags, PrismaService, Space, SpaceTier, Tx } from '@accountlink/db';
import { recordEvent } from '@accountlink/events';
import { AccountConnectionRow, AccountConnectionService } from './account-connection.service';
import { actorOf, recordConnectionEvent } from './connection-events';
import { connectionArn } from './domain/connection-rules';
import { requireSpaceAdministrator } from './domain/space-rules';
import { lockSpaceAndRole, roleInSpace } from './space-access';
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
    private readonly prisma: PrismaService,
    private readonly connections: AccountConnectionService,
  ) {}

  /** GetBillingAuthorization: by principals of the connection's account. */
  async authorization(
    principal: TenantPrincipal,
    connectionId: string,
  ): Promise<BillingAuthorization> {
    const connection = await this.ownConnection(principal, connectionId);
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
    const connection = await this.ownConnection(principal, connectionId);
    return this.prisma.withTenant(principal.tenantId, async (tx) => {
      const space = await lockSpace(tx, connection.spaceId);
      const current = await tx.accountConnection.findUnique({ where: { id: connectionId } });
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
      const updated = await tx.accountConnection.update({
        where: { id: connectionId },
        data: { paidTiersAuthorized: authorizePaidTiers, lastModifiedAt: new Date() },
        include: { space: true },
      });
      await recordConnectionEvent(
        tx,
        'codecatalyst.connection.billing-authorization-changed',
        updated,
        `account:${current.accountId}`,
      );
      await this.event(
        tx,
        space,
        'codecatalyst.space.billing-changed',
        `account:${current.accountId}`,
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
      const connection = await tx.accountConnection.findFirst({
        where: { id: connectionId, spaceId },
      });
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
      return tx.space.update({
        where: { id: spaceId },
        data: { billingConnectionId: connectionId },
      });
    });
  }

  /** STANDARD and ENTERPRISE need a billing connection that authorizes paid tiers; FREE is always allowed. */
  async updateTier(caller: UserCaller, spaceId: string, tier: SpaceTier): Promise<Space> {
    return this.asSpaceAdministrator(caller, spaceId, async (tx, space) => {
      if (tier !== 'FREE') {
        const billing = space.billingConnectionId
          ? await tx.accountConnection.findUnique({ where: { id: space.billingConnectionId } })
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
      return tx.space.update({ where: { id: spaceId }, data: { tier } });
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
    const connection = await this.connections.get(principal, connectionId);
    if (!connection) {
      throw AppError.notFound(`Account connection ${connectionId.slice(0, 36)} was not found`);
    }
    return this.prisma.withTenant(principal.tenantId, async (tx) => {
      const space = await lockSpace(tx, connection.spaceId);
      if (principal.kind === 'USER') {
        requireSpaceAdministrator(
          await roleInSpace(tx, principal.tenantId, principal.userId, space.id),
          space.id,
        );
      } else if (principal.kind !== 'ACCOUNT' && principal.kind !== 'TENANT_ADMIN') {
        throw AppError.forbidden('Not allowed');
      }
      if (space.billingConnectionId === connectionId) {
        const others = await tx.accountConnection.count({
          where: { spaceId: space.id, status: 'VERIFIED', id: { not: connectionId } },
        });
        if (others > 0) {
          throw AppError.conflict(
            'This is the billing account of the space: designate another verified connection as billing account first',
          );
        }
        await tx.space.update({
          where: { id: space.id },
          data: { billingConnectionId: null, tier: 'FREE' },
        });
      }
      const { count } = await tx.accountConnection.deleteMany({ where: { id: connectionId } });
      if (count === 0) {
        throw AppError.notFound(`Account connection ${connectionId} was not found`);
      }
      await dropResourceTags(
        tx,
        space.tenantId,
        connectionArn(space.region, connection.accountId, connectionId),
      );
      await recordConnectionEvent(
        tx,
        'codecatalyst.connection.deleted',
        connection,
        actorOf(principal),
      );
      return connection;
    });
  }

  private async ownConnection(
    principal: TenantPrincipal,
    connectionId: string,
  ): Promise<AccountConnectionRow> {
    const connection = await this.connections.get(principal, connectionId);
    if (!connection) {
      throw AppError.notFound(`Account connection ${connectionId.slice(0, 36)} was not found`);
    }
    if (principal.kind !== 'ACCOUNT') {
      throw AppError.forbidden(
        `Billing authorization is managed by principals of account ${connection.accountId}`,
      );
    }
    return connection;
  }

  private async asSpaceAdministrator(
    caller: UserCaller,
    spaceId: string,
    change: (tx: Tx, space: Space) => Promise<Space>,
  ): Promise<Space> {
    return this.prisma.withTenant(caller.tenantId, async (tx) => {
      requireSpaceAdministrator(
        await lockSpaceAndRole(tx, caller.tenantId, caller.userId, spaceId),
        spaceId,
      );
      const locked = await lockSpace(tx, spaceId);
      const updated = await change(tx, locked);
      await this.event(tx, updated, 'codecatalyst.space.billing-changed', `user:${caller.userId}`);
      return updated;
    });
  }

  private event(
    tx: Tx,
    space: Space,
    type: 'codecatalyst.space.billing-changed',
    actor: string,
  ): Promise<void> {
    return recordEvent(tx, {
      tenantId: space.tenantId,
      type,
      aggregateType: 'Space',
      aggregateId: space.id,
      accountIds: [],
      payload: {
        spaceId: space.id,
        tier: space.tier,
        billingConnectionId: space.billingConnectionId,
        actor,
      },
    });
  }
}

/** Locks and returns the space row (every billing decision is taken under this lock). */
export async function lockSpace(tx: Tx, spaceId: string): Promise<Space> {
  const [row] = await tx.$queryRaw<
    { id: string }[]
  >`SELECT "id"::text FROM "spaces" WHERE "id" = ${spaceId}::uuid FOR UPDATE`;
  if (!row) {
    throw AppError.notFound(`Space ${spaceId} was not found`);
  }
  return tx.space.findUniqueOrThrow({ where: { id: spaceId } });
}
