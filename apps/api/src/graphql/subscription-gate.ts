import { Logger } from '@nestjs/common';
import { AppConfig } from '@accountlink/config';
import { AppError, ErrorCode, once, Principal, sha256Hex } from '@accountlink/common';
import {
  AuthService,
  CacheInvalidations,
  principalInTenantPath,
  RequestContext,
  TenantSettingsService,
} from '@accountlink/tenancy';
import { ExecutionArgs, GraphQLError, GraphQLSchema } from 'graphql';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { tenantPathOf } from '../http/tenant-path';
import {
  exceededLimit,
  limitsOf,
  measureQuery,
  QueryLimits,
  variablesRefused,
} from './query-limits';
import { DirectDelivery, sharedParse, sharedValidate } from './subscription-fanout';

/** graphql-ws's view of one socket (the parts used here). */
interface SocketContext {
  connectionParams?: Readonly<Record<string, unknown>>;
  subscriptions: Record<string, unknown>;
  extra: { socket: WebSocket; request: IncomingMessage };
}

interface SubscribePayload {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/** What a socket was opened with, once its connection_init was accepted. */
interface Opened {
  authorization: string;
  keyHash: string;
  principal: Principal;
}

/** Close codes of the socket (graphql-ws keeps 4400–4499 for the client's faults). */
export const CLOSE_KEY_REVOKED = 4401;
export const CLOSE_FORBIDDEN = 4403;
export const CLOSE_INIT_TOO_LARGE = 4413;

/** The most a connection_init payload may hold, as JSON. */
export const MAX_CONNECTION_INIT_BYTES = 8_192;

/**
 * The gate of the subscription server (graphql-ws): the key is checked on connection_init (a
 * socket without a valid key is closed before it can send a document), each subscribe document is
 * parsed within the token limit, validated, and held to the tenant's depth, alias and cost limits
 * like queries; a socket holds at most `maxPerConnection` subscriptions and a key `maxPerKey` in
 * this process; and a socket whose key is revoked is closed as the revocation reaches this
 * process (within a second, through CacheInvalidations), with a periodic re-check as backstop.
 */
export class SubscriptionGate {
  private readonly logger = new Logger(SubscriptionGate.name);
  private schema: GraphQLSchema | null = null;
  private readonly opened = new Map<WebSocket, Opened>();
  private readonly perKey = new Map<string, number>();

  constructor(
    private readonly auth: AuthService,
    private readonly settings: TenantSettingsService,
    invalidations: CacheInvalidations,
    private readonly config: AppConfig,
    private readonly defaults: QueryLimits,
    private readonly makeContext: (headers: Record<string, unknown>) => { ctx: RequestContext },
  ) {
    invalidations.on('api-key', (keyHash) => this.closeKey(keyHash));
    const recheck = setInterval(() => void this.recheck(), Math.max(1_000, config.authCacheTtlMs));
    recheck.unref();
  }

  /** The schema the subscriptions run against, once the GraphQL module has built it. */
  useSchema(schema: GraphQLSchema): GraphQLSchema {
    this.schema = schema;
    return schema;
  }

  /** How many subscriptions a key holds in this process (tests, metrics). */
  subscriptionsOf(keyId: string): number {
    return this.perKey.get(keyId) ?? 0;
  }

  /** graphql-ws's onConnect: false closes the socket with 4403 Forbidden. */
  onConnect = async (socket: SocketContext): Promise<boolean> => {
    const params = socket.connectionParams ?? {};
    if (JSON.stringify(params).length > MAX_CONNECTION_INIT_BYTES) {
      socket.extra.socket.close(
        CLOSE_INIT_TOO_LARGE,
        `connection_init payload over ${MAX_CONNECTION_INIT_BYTES} bytes`,
      );
      return false;
    }
    const authorization = headerOf(params, 'authorization');
    try {
      const principal = principalInTenantPath(
        tenantPathOf(socket.extra.request),
        await this.auth.authenticate(authorization),
      );
      const keyHash = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1] ?? '';
      this.opened.set(socket.extra.socket, {
        authorization: authorization ?? '',
        keyHash: sha256Hex(keyHash),
        principal,
      });
      return true;
    } catch {
      socket.extra.socket.close(
        CLOSE_FORBIDDEN,
        'Forbidden: a valid API key is required in connection_init (authorization: Bearer <key>)',
      );
      return false;
    }
  };

  /** graphql-ws's onSubscribe: the execution arguments, or the errors that refuse it. */
  onSubscribe = async (
    socket: SocketContext,
    id: string,
    payload: SubscribePayload,
  ): Promise<ExecutionArgs | readonly GraphQLError[]> => {
    const schema = this.schema;
    const opened = this.opened.get(socket.extra.socket);
    if (!schema || !opened) {
      return [refusal(AppError.unavailable('The subscription server is not ready; retry'))];
    }
    if (
      Object.keys(socket.subscriptions).length > this.config.graphqlWsMaxSubscriptionsPerConnection
    ) {
      return [
        refusal(
          AppError.queryLimit(
            'subscriptionsPerConnection',
            this.config.graphqlWsMaxSubscriptionsPerConnection,
            Object.keys(socket.subscriptions).length,
            `A connection may hold ${this.config.graphqlWsMaxSubscriptionsPerConnection} subscriptions; complete one or open another connection`,
          ),
        ),
      ];
    }
    const keyId = opened.principal.kind === 'OPERATOR' ? 'operator' : opened.principal.keyId;
    const held = this.perKey.get(keyId) ?? 0;
    if (held >= this.config.graphqlWsMaxSubscriptionsPerKey) {
      return [
        refusal(
          AppError.queryLimit(
            'subscriptionsPerKey',
            this.config.graphqlWsMaxSubscriptionsPerKey,
            held + 1,
            `This key holds ${held} subscriptions on this server; at most ${this.config.graphqlWsMaxSubscriptionsPerKey} are allowed`,
          ),
        ),
      ];
    }
    let document;
    try {
      document = sharedParse(payload.query, this.config.graphqlMaxTokens);
    } catch (error) {
      // As on HTTP: the caller's mistake, with graphql-js's message (which names a token limit).
      return [badRequest(error, 'GRAPHQL_PARSE_FAILED')];
    }
    const invalid = sharedValidate(schema, document);
    if (invalid.length > 0) {
      return invalid.map((error) => badRequest(error, 'GRAPHQL_VALIDATION_FAILED'));
    }
    const limits =
      opened.principal.kind === 'OPERATOR'
        ? this.defaults
        : limitsOf(await this.settings.get(opened.principal.tenantId));
    const figures = measureQuery(
      schema,
      document,
      payload.operationName ?? undefined,
      payload.variables ?? {},
    );
    if (variablesRefused(figures)) {
      return [badRequest(figures.refused, 'BAD_USER_INPUT')];
    }
    const over = exceededLimit(figures, limits);
    if (over) {
      return [refusal(over)];
    }
    this.perKey.set(keyId, held + 1);
    const delivery: DirectDelivery = {
      socket: socket.extra.socket,
      stream: socket.extra.request.socket,
      id,
    };
    const contextValue = {
      ...this.makeContext({ ...socket.connectionParams, authorization: opened.authorization }),
      delivery,
      release: once(() => {
        const n = (this.perKey.get(keyId) ?? 1) - 1;
        if (n > 0) {
          this.perKey.set(keyId, n);
        } else {
          this.perKey.delete(keyId);
        }
      }),
    };
    return {
      schema,
      document,
      operationName: payload.operationName ?? undefined,
      variableValues: payload.variables ?? undefined,
      contextValue,
    };
  };

  /** graphql-ws's onClose: the socket's subscriptions have been ended (and released). */
  onClose = (socket: SocketContext): void => {
    this.opened.delete(socket.extra.socket);
  };

  private closeKey(keyHash: string): void {
    for (const [ws, opened] of this.opened) {
      if (opened.keyHash === keyHash) {
        ws.close(CLOSE_KEY_REVOKED, 'The API key was revoked');
      }
    }
  }

  /** The backstop if an invalidation message was lost: each open socket's key, looked up again. */
  private async recheck(): Promise<void> {
    for (const [ws, opened] of this.opened) {
      await this.auth.authenticate(opened.authorization).catch((error: unknown) => {
        if (error instanceof AppError) {
          ws.close(CLOSE_KEY_REVOKED, 'The API key was revoked');
        } else {
          this.logger.warn(`could not re-check a subscription's key: ${(error as Error).message}`);
        }
      });
    }
  }
}

function headerOf(params: Readonly<Record<string, unknown>>, name: string): string | undefined {
  for (const [key, value] of Object.entries(params)) {
    if (key.toLowerCase() === name && typeof value === 'string') {
      return value;
    }
  }
  return undefined;
}

function badRequest(error: unknown, reason: string): GraphQLError {
  const message = error instanceof Error ? error.message : String(error);
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, reason },
  });
}

function refusal(error: AppError): GraphQLError {
  return new GraphQLError(error.message, { extensions: { code: error.code, ...error.details } });
}
