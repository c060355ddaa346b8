import { Logger } from '@nestjs/common';
import { once, Principal } from '@accountlink/common';
import { EventMessage, EventSubscription } from '@accountlink/events';
import type { RequestContext } from '@accountlink/tenancy';
import {
  createSourceEventStream,
  DocumentNode,
  execute,
  ExecutionArgs,
  ExecutionResult,
  GraphQLError,
  GraphQLSchema,
  parse,
  validate,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { subscriptionErrorsFormatted } from './format-error';
import { textFrame } from './ws-frame';

/**
 * What lets one event reach thousands of subscribers cheaply: graphql-ws parses and validates
 * each subscription, and executes the operation once per event for each of them. Here the parsed
 * document of a query text is shared (its AST held once, not once per connection), its validation
 * runs once, and an event's execution is shared by the subscriptions that would compute the same
 * result: the same document and variables, the same principal and region, the same event.
 */
const documents = new LRUCache<string, DocumentNode>({ max: 1_000 });
const validations = new WeakMap<DocumentNode, readonly GraphQLError[]>();

export function sharedParse(source: string, maxTokens: number): DocumentNode {
  let document = documents.get(source);
  if (!document) {
    document = parse(source, { maxTokens });
    documents.set(source, document);
  }
  return document;
}

export function sharedValidate(
  schema: GraphQLSchema,
  document: DocumentNode,
): readonly GraphQLError[] {
  let errors = validations.get(document);
  if (!errors) {
    errors = validate(schema, document);
    validations.set(document, errors);
  }
  return errors;
}

/**
 * Results of one event, per subscription shape, as the JSON (UTF-8) of a `next` message's
 * payload; an event is delivered within milliseconds.
 */
const payloads = new LRUCache<string, Buffer | Promise<Buffer>>({ max: 10_000, ttl: 10_000 });
const results = new LRUCache<string, Promise<ExecutionResult>>({ max: 10_000, ttl: 10_000 });
const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 0;

/**
 * A socket that holds more than this, not yet written, drops the events that come meanwhile
 * (counted in the subscription's `dropped`, as a full queue does): its reader has stopped, and
 * the resource's history says what it missed.
 */
export const MAX_BUFFERED_BYTES = 1_048_576;

/**
 * Where a subscription's `next` messages go (set by the gate): its WebSocket, the TCP socket under
 * it (its upgrade request's), and the subscription's id.
 */
export interface DirectDelivery {
  socket: WebSocket;
  stream: Duplex;
  id: string;
}

const CLOSING_BRACE = Buffer.from('}');

const logger = new Logger('SubscriptionFanout');

function documentId(document: DocumentNode): number {
  let id = documentIds.get(document);
  if (id === undefined) {
    id = nextDocumentId++;
    documentIds.set(document, id);
  }
  return id;
}

function principalKey(principal: Principal): string {
  switch (principal.kind) {
    case 'OPERATOR':
      return 'operator';
    case 'TENANT_ADMIN':
      return `admin:${principal.tenantId}`;
    case 'ACCOUNT':
      return `account:${principal.tenantId}:${principal.accountId}`;
    case 'USER':
      return `user:${principal.tenantId}:${principal.userId}`;
  }
}

/**
 * graphql-ws's `subscribe`: graphql-js's, with each event's execution shared (see above). An
 * event bus subscription with a socket to write to (every one the gate lets through) is delivered
 * directly: the bus offers the event to each subscription in one loop, each writes its `next`
 * frame, built from the shared payload, to its socket at once; graphql-ws keeps the subscription
 * (its completion, the socket's close) and no longer takes each event through its async
 * iteration and message validation (about half of what a delivery cost).
 */
export async function sharedSubscribe(
  args: ExecutionArgs,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const context = args.contextValue as {
    ctx: RequestContext;
    // Set by the gate when it counted this subscription against its key.
    release?: () => void;
    delivery?: DirectDelivery;
  };
  const release = once(context.release ?? (() => undefined));
  const source = await createSourceEventStream(args);
  if (!isAsyncIterable(source)) {
    release();
    return source;
  }
  // The subscription's resolver has resolved the principal (it checks access), so this is cached.
  const principal = await context.ctx.principal();
  const shape = `${documentId(args.document)}|${args.operationName ?? ''}|${JSON.stringify(
    args.variableValues ?? {},
  )}|${principalKey(principal)}|${context.ctx.regionHeader ?? ''}`;
  const payloadOf = (event: unknown): Buffer | Promise<Buffer> => {
    const id = (event as { id?: unknown }).id;
    if (typeof id !== 'string') {
      return executeToJson(args, event);
    }
    const key = `${id}|${shape}`;
    let payload = payloads.get(key);
    if (payload === undefined) {
      payload = executeToJson(args, event);
      payloads.set(key, payload);
    }
    return payload;
  };
  if (source instanceof EventSubscription && context.delivery) {
    return deliverDirectly(source, payloadOf, context.delivery, release);
  }
  // Any other source (none today): through graphql-ws's iteration, the execution still shared.
  const run = (event: unknown): Promise<ExecutionResult> => {
    const id = (event as { id?: unknown }).id;
    if (typeof id !== 'string') {
      return Promise.resolve(execute({ ...args, rootValue: event }));
    }
    const key = `${id}|${shape}`;
    let result = results.get(key);
    if (!result) {
      result = Promise.resolve(execute({ ...args, rootValue: event }));
      results.set(key, result);
    }
    return result;
  };
  const iterator = source[Symbol.asyncIterator]();
  const mapped: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const step = await iterator.next();
      if (step.done) {
        release();
        return step;
      }
      return { done: false, value: await run(step.value) };
    },
    // Ending the subscription ends the source (and with it the event bus subscription).
    async return() {
      release();
      await iterator.return?.();
      return { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      release();
      await iterator.return?.();
      throw error;
    },
    [Symbol.asyncIterator]: () => mapped,
  };
  return mapped;
}

/** One event's execution as the JSON of its payload (errors mapped as queries' are). */
function executeToJson(args: ExecutionArgs, event: unknown): Buffer | Promise<Buffer> {
  const toJson = (result: ExecutionResult): Buffer =>
    Buffer.from(JSON.stringify(subscriptionErrorsFormatted(result) ?? result));
  const result = execute({ ...args, rootValue: event });
  return isPromise(result) ? result.then(toJson) : toJson(result);
}

/**
 * Writes each event the subscription keeps to its socket as graphql-ws's `next` message, in the
 * order offered; the iterator handed to graphql-ws yields nothing and ends when the subscription
 * does (completed by the client, or its socket closed).
 *
 * The message is framed here and written to the TCP socket in one write: with 5000 subscribers
 * the kernel's work per write is most of a delivery, and `ws.send` writes a frame's header and
 * its data as two chunks (a writev): in a bare ws server here, 15–18 against 12–13 µs per socket. It is
 * safe because ws, without permessage-deflate (never negotiated by this server; checked per
 * socket), writes each of its own frames synchronously too: frames never interleave, and
 * ws's `bufferedAmount` counts what is written here.
 */
function deliverDirectly(
  source: EventSubscription,
  payloadOf: (event: EventMessage) => Buffer | Promise<Buffer>,
  { socket, stream, id }: DirectDelivery,
  release: () => void,
): AsyncIterableIterator<ExecutionResult> {
  const prefix = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
  const whole = socket.extensions === '';
  const send = (payload: Buffer): void => {
    // Ended (completed, or its socket closed) while a payload was still being computed.
    if (source.ended || socket.readyState !== WebSocket.OPEN) {
      return;
    }
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      source.dropped++;
      return;
    }
    if (whole) {
      stream.write(textFrame(prefix, payload, CLOSING_BRACE));
    } else {
      socket.send(Buffer.concat([prefix, payload, CLOSING_BRACE]), { binary: false });
    }
  };
  // Events whose payload is still being computed keep the ones after them waiting.
  let tail: Promise<void> | null = null;
  source.deliverTo((event) => {
    let payload: Buffer | Promise<Buffer>;
    try {
      payload = payloadOf(event);
    } catch (error) {
      logger.error(`an event could not be executed: ${(error as Error).message}`);
      return;
    }
    if (tail === null && !isPromise(payload)) {
      send(payload);
      return;
    }
    const queued = payload;
    const mine: Promise<void> = (tail ?? Promise.resolve())
      .then(() => queued)
      .then(send)
      .catch((error: unknown) =>
        logger.error(`an event could not be delivered: ${(error as Error).message}`),
      )
      .finally(() => {
        if (tail === mine) {
          tail = null;
        }
      });
    tail = mine;
  });
  let end: (result: IteratorResult<ExecutionResult>) => void = () => undefined;
  const ended = new Promise<IteratorResult<ExecutionResult>>((resolve) => (end = resolve));
  const finish = async (): Promise<IteratorResult<ExecutionResult>> => {
    release();
    await source.return();
    const done = { done: true, value: undefined } as const;
    end(done);
    return done;
  };
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    next: () => (source.ended ? finish() : ended),
    return: finish,
    async throw(error?: unknown) {
      await finish();
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T>)?.then === 'function';
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown>)?.[Symbol.asyncIterator] === 'function';
}
