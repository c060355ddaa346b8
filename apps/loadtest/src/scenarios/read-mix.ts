import { ListEnvironmentAccountConnectionsCommand } from '@aws-sdk/client-proton';
import { Client } from 'graphql-ws';
import { AuditCheck, countCheck } from '../audit';
import { subscribe, subscriptionClient } from '../client/subscriptions';
import { Scenario, ScenarioContext } from '../scenario';
import { REGION } from './proton-common';

interface Readers {
  clients: Client[];
  stops: (() => void)[];
  /** Per subscribed account: deliveries per connection id (duplicates dropped by event id… none carry one here, so all counted). */
  delivered: Map<string, Map<string, number>>;
  loops: Promise<void>[];
}

const PROTON_WRITERS = new Set(['proton-connections', 'proton-environments']);

/**
 * Reads beside a writing scenario: S accounts subscribed to their connections' changes
 * (graphql-ws), and reader loops (half the concurrency) doing first pages of lists through both
 * edges, gets of live connections, and `me`. Its audit adds, to the writer's, that every
 * subscriber received each change of its connections.
 */
export function readMix(writer: Scenario, subscribers: number | null): Scenario {
  if (!PROTON_WRITERS.has(writer.name)) {
    throw new Error(
      `read-mix writes with a Proton scenario (${[...PROTON_WRITERS].join(', ')}), not ${writer.name}`,
    );
  }
  const state = new WeakMap<ScenarioContext, Readers>();
  return {
    name: 'read-mix',
    description: `lists, gets and subscriptions while ${writer.name} writes`,
    role: writer.role,
    settings: writer.settings,
    repeatable: writer.repeatable,

    async prepare(ctx) {
      await writer.prepare?.(ctx);
      const readers: Readers = { clients: [], stops: [], delivered: new Map(), loops: [] };
      state.set(ctx, readers);
      const count = Math.min(ctx.world.accounts.length, subscribers ?? 100);
      for (const account of ctx.world.accounts.slice(0, count)) {
        const client = subscriptionClient(ctx.url, { key: account.apiKey, region: REGION });
        const perConnection = new Map<string, number>();
        readers.delivered.set(account.accountId, perConnection);
        readers.clients.push(client);
        readers.stops.push(
          await subscribe<{ environmentAccountConnectionChanged: { id: string } }>(
            client,
            'subscription { environmentAccountConnectionChanged { id status } }',
            {},
            (data) => {
              const id = data.environmentAccountConnectionChanged.id;
              perConnection.set(id, (perConnection.get(id) ?? 0) + 1);
            },
            () => undefined,
          ),
        );
      }
      const loops = Math.max(1, Math.floor(ctx.concurrency / 2));
      for (let i = 0; i < loops; i++) {
        readers.loops.push(readLoop(ctx, i));
      }
    },

    flow: (ctx, account, iteration) => writer.flow(ctx, account, iteration),
    readBack: (ctx, flows) => writer.readBack(ctx, flows),

    async extraChecks(ctx, flows): Promise<AuditCheck[]> {
      const readers = state.get(ctx) as Readers;
      await Promise.all(readers.loops);
      const own = (await writer.extraChecks?.(ctx, flows)) ?? [];
      const items = [];
      for (const flow of flows) {
        const perConnection = readers.delivered.get(flow.accountId);
        if (
          !perConnection ||
          flow.resourceType !== 'EnvironmentAccountConnection' ||
          !flow.resourceId ||
          flow.failure
        ) {
          continue;
        }
        // Every connection event of the resource is one change its subscribers receive.
        const expected = Object.entries(flow.expected.events)
          .filter(([type]) => type.startsWith('proton.connection.'))
          .reduce((n, [, c]) => n + c, 0);
        items.push({
          label: `subscriber ${flow.accountId} connection ${flow.resourceId}`,
          expected,
          actual: perConnection.get(flow.resourceId) ?? 0,
        });
      }
      return [...own, countCheck('subscribers received every change of their connections', items)];
    },

    async finish(ctx) {
      const readers = state.get(ctx) as Readers;
      readers.stops.forEach((stop) => stop());
      await Promise.all(readers.clients.map((c) => c.dispose()));
      await writer.finish?.(ctx);
    },
  };
}

/** One reader: until the writer is done, a list, a get or `me`, in turn. */
async function readLoop(ctx: ScenarioContext, n: number): Promise<void> {
  const { accounts, managementAccounts } = ctx.world;
  let i = n;
  while (ctx.running()) {
    const account = accounts[i % accounts.length];
    const management = managementAccounts[i % managementAccounts.length];
    const kind = i % 4;
    i += 7;
    try {
      if (kind === 0) {
        await ctx.op('read-list-aws', () =>
          ctx.proton(management).send(
            new ListEnvironmentAccountConnectionsCommand({
              requestedBy: 'MANAGEMENT_ACCOUNT',
              statuses: ['CONNECTED'],
              maxResults: 20,
            }),
          ),
        );
      } else if (kind === 1) {
        await ctx.op('read-list-graphql', () =>
          ctx.gql.request(
            `{ environmentAccountConnections(requestedBy: ENVIRONMENT_ACCOUNT, first: 20) { edges { node { id status } } } }`,
            {},
            { key: account.apiKey, region: REGION },
          ),
        );
      } else if (kind === 2) {
        const live = ctx.events.latestOf('proton.connection.created');
        await ctx.op('read-get-graphql', () =>
          ctx.gql.request(
            'query($id: ID!) { environmentAccountConnection(id: $id) { id status } }',
            { id: live ?? '00000000-0000-0000-0000-000000000000' },
            { key: management.apiKey, region: REGION },
          ),
        );
      } else {
        await ctx.op('read-me', () =>
          ctx.gql.request('{ me { kind } }', {}, { key: account.apiKey }),
        );
      }
    } catch {
      // Counted by op() under its code; a reader goes on.
    }
  }
}
