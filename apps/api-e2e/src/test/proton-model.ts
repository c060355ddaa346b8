import { Readable } from 'node:stream';
import * as sdk from '@aws-sdk/client-proton';
import type { ProtonClient } from '@aws-sdk/client-proton';

/**
 * Proton's service model as the SDK ships it (@aws-sdk/client-proton's static schemas), read to
 * check what the product answers against what the model declares. A structure schema is
 * [3, namespace, name, traits, memberNames, memberSchemas, requiredCount]: its first
 * `requiredCount` members are the required ones. Simple types are sentinel numbers (smithy's
 * schema sentinels): 0 string, 1 number, 2 boolean, 4-7 timestamps, 15 document, 17/19 big
 * numbers, 21/42 blobs, with 64 (list of) and 128 (map of) as modifiers.
 */

type Schema = unknown;

const MODEL = sdk as unknown as Record<string, Schema>;
const STRUCTURE = 3;
const ERROR = -3;
const LIST = 1;
const MAP = 2;
const SIMPLE = 0;
const UNION = 4;
const OPERATION = 9;

function deref(ref: Schema): Schema {
  let schema = ref;
  while (typeof schema === 'function') {
    schema = (schema as () => Schema)();
  }
  return schema;
}

/** A member schema is the schema itself or [schema, memberTraits]. */
function memberSchema(ref: Schema): Schema {
  const schema = deref(ref);
  if (Array.isArray(schema) && schema.length === 2 && typeof schema[1] !== 'string') {
    return deref(schema[0]);
  }
  return schema;
}

export interface ModelOperation {
  name: string;
  input: Schema;
  output: Schema;
}

/** Every operation of Proton's model, by name. */
export function modelOperations(): Map<string, ModelOperation> {
  const operations = new Map<string, ModelOperation>();
  for (const value of Object.values(MODEL)) {
    if (Array.isArray(value) && value[0] === OPERATION) {
      operations.set(value[2] as string, {
        name: value[2] as string,
        input: deref(value[4]),
        output: deref(value[5]),
      });
    }
  }
  return operations;
}

/** The modelled errors: name → the httpError trait. */
export function modelErrors(): Map<string, number> {
  const errors = new Map<string, number>();
  for (const value of Object.values(MODEL)) {
    if (Array.isArray(value) && value[0] === ERROR) {
      // The SDK's base class (ProtonServiceException) has an error schema but no error trait.
      const traits = value[3] as { error?: string; httpError?: number };
      if (traits.error) {
        errors.set(value[2] as string, traits.httpError ?? 400);
      }
    }
  }
  return errors;
}

/** The names of a structure's required members. */
export function requiredMembers(structure: Schema): string[] {
  const s = deref(structure) as unknown[];
  return (s[4] as string[]).slice(0, (s[6] as number | undefined) ?? 0);
}

function simpleProblem(sentinel: number, value: unknown, path: string): string[] {
  if (sentinel & 128) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return [`${path}: expected a map, got ${JSON.stringify(value)}`];
    }
    return Object.entries(value).flatMap(([k, v]) =>
      simpleProblem(sentinel & ~128, v, `${path}.${k}`),
    );
  }
  if (sentinel & 64) {
    if (!Array.isArray(value)) {
      return [`${path}: expected a list, got ${JSON.stringify(value)}`];
    }
    return value.flatMap((v, i) => simpleProblem(sentinel & ~64, v, `${path}[${i}]`));
  }
  const expected: Record<number, string> = {
    0: 'string',
    1: 'number',
    2: 'boolean',
    4: 'number',
    5: 'number',
    6: 'number',
    7: 'number',
    17: 'number',
    19: 'number',
    21: 'string',
    42: 'string',
  };
  if (sentinel === 15) {
    return [];
  }
  const type = expected[sentinel];
  if (!type) {
    return [`${path}: the model's sentinel ${sentinel} is not known to this checker`];
  }
  return typeof value === type ? [] : [`${path}: expected a ${type}, got ${JSON.stringify(value)}`];
}

/**
 * What is wrong with `value` as an instance of `schema` in awsJson1_0: a required member missing
 * or null, a member the model does not have, or a value of the wrong type (timestamps are epoch
 * seconds). Empty when it conforms.
 */
export function shapeProblems(schemaRef: Schema, value: unknown, path = '$'): string[] {
  const schema = memberSchema(schemaRef);
  if (typeof schema === 'number') {
    return simpleProblem(schema, value, path);
  }
  if (!Array.isArray(schema)) {
    return schema === 'unit' ? [] : [`${path}: the schema ${String(schema)} is not known`];
  }
  switch (schema[0]) {
    case SIMPLE:
      return shapeProblems(schema[4], value, path);
    case LIST:
      if (!Array.isArray(value)) {
        return [`${path}: expected a list, got ${JSON.stringify(value)}`];
      }
      return value.flatMap((v, i) => shapeProblems(schema[4], v, `${path}[${i}]`));
    case MAP:
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return [`${path}: expected a map, got ${JSON.stringify(value)}`];
      }
      return Object.entries(value).flatMap(([k, v]) => shapeProblems(schema[5], v, `${path}.${k}`));
    case STRUCTURE:
    case ERROR:
    case UNION: {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return [`${path}: expected a structure ${schema[2]}, got ${JSON.stringify(value)}`];
      }
      const record = value as Record<string, unknown>;
      const names = schema[4] as string[];
      const members = schema[5] as Schema[];
      const problems: string[] = [];
      for (const name of schema[0] === UNION ? [] : requiredMembers(schema)) {
        if (record[name] === undefined || record[name] === null) {
          problems.push(`${path}.${name}: required by ${schema[2]}, missing`);
        }
      }
      for (const [name, member] of Object.entries(record)) {
        const index = names.indexOf(name);
        if (index < 0) {
          problems.push(`${path}.${name}: not a member of ${schema[2]}`);
        } else if (member !== null && member !== undefined) {
          problems.push(...shapeProblems(members[index], member, `${path}.${name}`));
        }
      }
      if (schema[0] === UNION && Object.keys(record).length !== 1) {
        problems.push(`${path}: a union ${schema[2]} holds exactly one member`);
      }
      return problems;
    }
    default:
      return [`${path}: the schema kind ${String(schema[0])} is not known to this checker`];
  }
}

/** The kind of a member's schema: what a value of it is in awsJson1_0. */
export type MemberKind = 'string' | 'number' | 'boolean' | 'list' | 'map' | 'structure' | 'other';

function kindOf(ref: Schema): MemberKind {
  const schema = memberSchema(ref);
  if (typeof schema === 'number') {
    if (schema & 128) {
      return 'map';
    }
    if (schema & 64) {
      return 'list';
    }
    if (schema === 0 || schema === 21) {
      return 'string';
    }
    if (schema === 2) {
      return 'boolean';
    }
    if ([1, 4, 5, 6, 7, 17, 19].includes(schema)) {
      return 'number';
    }
    return 'other';
  }
  if (!Array.isArray(schema)) {
    return 'other';
  }
  switch (schema[0]) {
    case SIMPLE:
      return kindOf(schema[4]);
    case LIST:
      return 'list';
    case MAP:
      return 'map';
    case STRUCTURE:
    case UNION:
      return 'structure';
    default:
      return 'other';
  }
}

/** A structure's members: name, kind and schema. */
export function membersOf(structure: Schema): { name: string; kind: MemberKind; schema: Schema }[] {
  const s = deref(structure) as unknown[];
  const names = s[4] as string[];
  const refs = s[5] as Schema[];
  return names.map((name, i) => ({ name, kind: kindOf(refs[i]), schema: memberSchema(refs[i]) }));
}

/** A value of the right type for a member (structures get their required members, recursively). */
export function placeholder(kind: MemberKind, schema: Schema): unknown {
  switch (kind) {
    case 'string':
      // Fits the patterns checked as a request is read (names, version numbers).
      return '1';
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'list':
      return [];
    case 'map':
      return {};
    case 'structure':
      return requiredValues(schema);
    case 'other':
      return null;
  }
}

/**
 * The required members of a structure, each with a placeholder of its type; a union gets its
 * first member.
 */
export function requiredValues(structure: Schema): Record<string, unknown> {
  const s = deref(structure) as unknown[];
  const required = new Set(s[0] === UNION ? [(s[4] as string[])[0]] : requiredMembers(structure));
  return Object.fromEntries(
    membersOf(structure)
      .filter((m) => required.has(m.name))
      .map((m) => [m.name, placeholder(m.kind, m.schema)]),
  );
}

/** A value of the wrong type for a member of this kind. */
export function wrongType(kind: MemberKind): unknown {
  return kind === 'string' ? 7 : 'x';
}

export interface RecordedResponse {
  operation: string;
  status: number;
  body: unknown;
}

/**
 * Makes `client` keep every raw response it receives (operation, status, parsed JSON body) in
 * `records`, before the SDK deserializes it (which drops what it does not know and fills in
 * nothing that is missing). The SDK then reads the same bytes as before.
 */
export function recording(client: ProtonClient, records: RecordedResponse[]): ProtonClient {
  type Handle = (
    request: { headers: Record<string, string> },
    options?: unknown,
  ) => Promise<{ response: { statusCode: number; body: unknown } }>;
  const handler = client.config.requestHandler as unknown as { handle: Handle };
  const handle = handler.handle.bind(handler);
  handler.handle = async (request, options) => {
    const result = await handle(request, options);
    const chunks: Buffer[] = [];
    for await (const chunk of result.response.body as AsyncIterable<Buffer>) {
      chunks.push(Buffer.from(chunk));
    }
    const bytes = Buffer.concat(chunks);
    records.push({
      operation: String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '',
      status: result.response.statusCode,
      body: bytes.length ? (JSON.parse(bytes.toString('utf8')) as unknown) : {},
    });
    result.response.body = Readable.from([bytes]);
    return result;
  };
  return client;
}
