import { Principal } from '@accountlink/common';
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

/** Results of one event, per subscription shape; an event is delivered within milliseconds. */
const results = new LRUCache<string, Promise<ExecutionResult>>({ max: 10_000, ttl: 10_000 });
const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 0;

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

/** graphql-ws's `subscribe`: graphql-js's, with each event's execution shared (see above). */
export async function sharedSubscribe(
  args: ExecutionArgs,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  // Set by the gate when it counted this subscription against its key.
  const release = (args.contextValue as { release?: () => void }).release ?? (() => undefined);
  const source = await createSourceEventStream(args);
  if (!isAsyncIterable(source)) {
    release();
    return source;
  }
  const { ctx } = args.contextValue as { ctx: RequestContext };
  // The subscription's resolver has resolved the principal (it checks access), so this is cached.
  const principal = await ctx.principal();
  const shape = `${documentId(args.document)}|${args.operationName ?? ''}|${JSON.stringify(
    args.variableValues ?? {},
  )}|${principalKey(principal)}|${ctx.regionHeader ?? ''}`;
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

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown>)?.[Symbol.asyncIterator] === 'function';
}
