import { Injectable } from '@nestjs/common';
import { AppError } from '@accountlink/common';
import type { Tx } from '@accountlink/db';
import { ConnectionRepository, ConnectionRow } from './repositories/connection.repository';
import { EnvironmentRepository } from './repositories/environment.repository';

/**
 * "Is an environment using this connection?" Rejecting such a connection is refused. The
 * connection row is locked first: an environment being created through it holds a share lock,
 * so the rejection waits for it and then counts it.
 */
@Injectable()
export class ConnectionUsage {
  constructor(
    private readonly connections: ConnectionRepository,
    private readonly environments: EnvironmentRepository,
  ) {}

  async assertNotInUse(tx: Tx, connection: ConnectionRow): Promise<void> {
    await this.connections.lock(tx, connection.id, 'update');
    const users = await this.environments.namesUsing(
      tx,
      connection.tenantId,
      'environmentAccountConnectionId',
      connection.id,
      5,
    );
    if (users.length > 0) {
      throw AppError.conflict(
        `Environment account connection ${connection.id} is used by environment ${users.join(', ')}; delete the environment first`,
      );
    }
  }
}
