import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { AppError } from '@accountlink/common';
import type { TenantSettings } from '@accountlink/tenancy';
import {
  DocumentNode,
  GraphQLError,
  getNamedType,
  GraphQLSchema,
  isListType,
  getNullableType,
  validate,
} from 'graphql';
import { ComplexityEstimator, getComplexity } from 'graphql-query-complexity';

/** The limits of one operation that a tenant may raise (its settings). */
export interface QueryLimits {
  depth: number;
  aliases: number;
  cost: number;
}

/** A tenant's limits, from its settings. */
export function limitsOf(settings: TenantSettings): QueryLimits {
  return {
    depth: settings.graphqlMaxDepth,
    aliases: settings.graphqlMaxAliases,
    cost: settings.graphqlMaxCost,
  };
}

/** What a list field is assumed to return when the query does not say (the lists' default page). */
export const DEFAULT_PAGE = 50;

/** What a list without `first` is assumed to hold (a resource's history, tags, outputs, environments). */
export const ASSUMED_LIST_LENGTH = 10;

/**
 * The cost of a field: nothing for a scalar, one for an object field plus what it selects. A
 * field with a `first` argument (the Relay lists) costs one plus `first` (default 50) times what
 * it selects; any other list of objects one plus 10 times (each item and what it selects), so
 * nested lists multiply and the schema's cycle (Environment → environmentAccountConnection →
 * environments) cannot grow unnoticed. A Relay connection's own `edges` and `nodes` are not
 * multiplied again: `first` counted them. A list of scalars costs one. Introspection costs
 * nothing: it reads the schema in memory.
 */
const costEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  if (field.name.startsWith('__')) {
    return 0;
  }
  const isObject = 'getFields' in getNamedType(field.type);
  const isList = isListType(getNullableType(field.type));
  if (field.args.some((arg) => arg.name === 'first')) {
    const first = typeof args.first === 'number' && args.first > 0 ? args.first : DEFAULT_PAGE;
    return 1 + first * childComplexity;
  }
  if (!isObject) {
    return isList ? 1 : 0;
  }
  const inRelayConnection = 'getFields' in type && 'pageInfo' in type.getFields();
  return isList && !inRelayConnection
    ? 1 + ASSUMED_LIST_LENGTH * (1 + childComplexity)
    : 1 + childComplexity;
};

/** What an operation has: its depth, its aliases and its cost. */
export interface QueryFigures {
  depth: number;
  aliases: number;
  cost: number;
}

/**
 * Depth and aliases depend on the document alone: measured once per parsed document (Apollo and
 * the subscription server keep one DocumentNode per query text). The cost depends on the
 * variables (`first`), so it is measured for every request (a walk of the document).
 */
const shapes = new WeakMap<DocumentNode, { depth: number; aliases: number }>();

function shapeOf(
  schema: GraphQLSchema,
  document: DocumentNode,
): { depth: number; aliases: number } {
  let shape = shapes.get(document);
  if (!shape) {
    const measured = { depth: 0, aliases: 0 };
    const keep =
      (key: 'depth' | 'aliases') =>
      (_context: unknown, { n }: { n: number }) => {
        measured[key] = Math.max(measured[key], n);
      };
    // Limits no operation reaches, so that the rules report every operation's figure.
    validate(schema, document, [
      maxDepthRule({
        n: Number.MAX_SAFE_INTEGER,
        ignoreIntrospection: true,
        onAccept: [keep('depth')],
      }),
      maxAliasesRule({ n: Number.MAX_SAFE_INTEGER, onAccept: [keep('aliases')] }),
    ]);
    shape = measured;
    shapes.set(document, shape);
  }
  return shape;
}

/**
 * Depth, aliases and cost of an operation, by well-kept analyses (graphql-armor's depth and
 * alias rules, graphql-query-complexity). Introspection's depth is not counted (the standard
 * introspection query is deep, and cheap).
 */
export function measureQuery(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown> | undefined,
): QueryFigures | VariablesRefused {
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      query: document,
      operationName,
      variables: variables ?? {},
      estimators: [costEstimator],
    });
  } catch (error) {
    // The cost reads `first` from the variables, so it coerces them; variables that do not
    // coerce are the caller's mistake, which graphql-js words (found by the fuzz test: this was
    // an internal error).
    if (error instanceof GraphQLError) {
      return { refused: error };
    }
    throw error;
  }
  return { ...shapeOf(schema, document), cost };
}

/** Variables that do not fit the operation, as graphql-js explains. */
export interface VariablesRefused {
  refused: GraphQLError;
}

export function variablesRefused(
  figures: QueryFigures | VariablesRefused,
): figures is VariablesRefused {
  return 'refused' in figures;
}

/** The refusal of the first limit an operation's figures exceed, naming it; null when within. */
export function exceededLimit(figures: QueryFigures, limits: QueryLimits): AppError | null {
  if (figures.depth > limits.depth) {
    return AppError.queryLimit(
      'depth',
      limits.depth,
      figures.depth,
      `The operation is ${figures.depth} levels deep; at most ${limits.depth} are allowed (the tenant setting graphqlMaxDepth)`,
    );
  }
  if (figures.aliases > limits.aliases) {
    return AppError.queryLimit(
      'aliases',
      limits.aliases,
      figures.aliases,
      `The operation uses ${figures.aliases} aliases; at most ${limits.aliases} are allowed (the tenant setting graphqlMaxAliases)`,
    );
  }
  if (figures.cost > limits.cost) {
    return AppError.queryLimit(
      'cost',
      limits.cost,
      figures.cost,
      `The operation costs ${figures.cost}; at most ${limits.cost} is allowed (the tenant setting graphqlMaxCost: one per object field, a list field its \`first\` times what it selects)`,
    );
  }
  return null;
}
