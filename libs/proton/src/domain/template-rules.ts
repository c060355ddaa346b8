import { AppError, badLength, invalid } from '@accountlink/common';
import { parse as parseYaml } from 'yaml';

/** TemplateVersionStatus of the model. */
export const TEMPLATE_VERSION_STATUSES: readonly string[] = [
  'REGISTRATION_IN_PROGRESS',
  'REGISTRATION_FAILED',
  'DRAFT',
  'PUBLISHED',
];

/** Size limits of the reference: spec and template schema 1–51,200 characters; bundle objects 2 MB. */
export const TEMPLATE_LIMITS = {
  schema: 51_200,
  spec: 51_200,
  bundleObject: 2 * 1024 * 1024,
  description: 500,
  displayName: 100,
} as const;

export type InputType = 'string' | 'number' | 'integer' | 'boolean' | 'array';
const INPUT_TYPES: readonly InputType[] = ['string', 'number', 'integer', 'boolean', 'array'];

export interface SchemaProperty {
  type: InputType;
  default?: unknown;
}

/** The registered form of an environment template schema: what specs are validated against. */
export interface EnvironmentSchema {
  inputType: string;
  properties: Record<string, SchemaProperty>;
  required: string[];
}

export type SchemaResult = { ok: true; schema: EnvironmentSchema } | { ok: false; message: string };

type Doc = Record<string, unknown>;

function isObject(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseDocument(text: string): { ok: true; doc: unknown } | { ok: false; message: string } {
  try {
    // JSON is YAML; the YAML parser reads both, with line numbers in its errors.
    return { ok: true, doc: parseYaml(text, { prettyErrors: true, maxAliasCount: 100 }) };
  } catch (error) {
    return { ok: false, message: (error as Error).message.split('\n')[0] ?? 'unreadable' };
  }
}

/**
 * Checks a template bundle's schema file as Proton does at registration: OpenAPI 3 (YAML or JSON)
 * with `environment_input_type` naming an object type in `types`. A CUSTOMER_MANAGED template's
 * bundle is only that schema: no other content, no other types, string properties only, and no
 * default values. The result is what the version keeps to validate specs.
 */
export function parseTemplateSchema(text: string, customerManaged: boolean): SchemaResult {
  const fail = (message: string): SchemaResult => ({ ok: false, message });
  if (text.trim().length === 0) {
    return fail('The schema file is empty');
  }
  if (text.length > TEMPLATE_LIMITS.schema) {
    return fail(`The schema file has ${text.length} characters; at most ${TEMPLATE_LIMITS.schema}`);
  }
  const parsed = parseDocument(text);
  if (!parsed.ok) {
    return fail(`The schema file is not valid YAML or JSON: ${parsed.message}`);
  }
  const doc = parsed.doc;
  if (!isObject(doc) || !isObject(doc.schema)) {
    return fail('The schema file must have a top-level "schema" object');
  }
  if (customerManaged) {
    const extra = Object.keys(doc).filter((k) => k !== 'schema');
    if (extra.length > 0) {
      return fail(
        `A CUSTOMER_MANAGED template bundle holds only the schema; remove ${extra.map((k) => `"${k}"`).join(', ')}`,
      );
    }
  }
  const schema = doc.schema;
  const openapi = isObject(schema.format) ? schema.format.openapi : undefined;
  if (typeof openapi !== 'string' || !/^3\.\d+(\.\d+)?$/.test(openapi)) {
    return fail('schema.format.openapi must be an OpenAPI 3 version such as "3.0.0"');
  }
  const inputType = schema.environment_input_type;
  if (typeof inputType !== 'string' || inputType.length === 0) {
    return fail('schema.environment_input_type must name a type in schema.types');
  }
  if (!isObject(schema.types)) {
    return fail('schema.types must be an object of named types');
  }
  const type = schema.types[inputType];
  if (!isObject(type)) {
    return fail(`schema.environment_input_type names "${inputType}", which is not in schema.types`);
  }
  if (customerManaged) {
    const otherKeys = Object.keys(schema).filter(
      (k) => !['format', 'environment_input_type', 'types'].includes(k),
    );
    const otherTypes = Object.keys(schema.types).filter((k) => k !== inputType);
    if (otherKeys.length > 0 || otherTypes.length > 0) {
      return fail(
        `A CUSTOMER_MANAGED schema has only environment_input_type and its type; remove ${[...otherKeys, ...otherTypes.map((t) => `types.${t}`)].join(', ')}`,
      );
    }
  }
  if (type.type !== 'object' || !isObject(type.properties)) {
    return fail(`schema.types.${inputType} must be "type: object" with "properties"`);
  }
  // No prototype: a property may be named like an Object member (__proto__, constructor).
  const properties = Object.create(null) as Record<string, SchemaProperty>;
  for (const [name, raw] of Object.entries(type.properties)) {
    const where = `schema.types.${inputType}.properties.${name}`;
    if (!isObject(raw) || !INPUT_TYPES.includes(raw.type as InputType)) {
      return fail(`${where}.type must be one of ${INPUT_TYPES.join(', ')}`);
    }
    const property: SchemaProperty = { type: raw.type as InputType };
    if (customerManaged && property.type !== 'string') {
      return fail(
        `${where} is ${property.type}: a CUSTOMER_MANAGED schema allows only string outputs`,
      );
    }
    if ('default' in raw) {
      if (customerManaged) {
        return fail(`${where} has a default value: a CUSTOMER_MANAGED schema allows no defaults`);
      }
      if (typeError(property.type, raw.default) !== null) {
        return fail(`${where}.default is not a ${property.type}`);
      }
      property.default = raw.default;
    }
    properties[name] = property;
  }
  if (Object.keys(properties).length === 0 && customerManaged) {
    return fail(`schema.types.${inputType} must declare the outputs as properties`);
  }
  const required = type.required ?? [];
  if (
    !Array.isArray(required) ||
    required.some((r) => typeof r !== 'string' || !Object.hasOwn(properties, r))
  ) {
    return fail(`schema.types.${inputType}.required must list properties of the type`);
  }
  return { ok: true, schema: { inputType, properties, required: required as string[] } };
}

function typeError(type: InputType, value: unknown): string | null {
  const ok =
    (type === 'string' && typeof value === 'string') ||
    (type === 'number' && typeof value === 'number' && Number.isFinite(value)) ||
    (type === 'integer' && typeof value === 'number' && Number.isInteger(value)) ||
    (type === 'boolean' && typeof value === 'boolean') ||
    (type === 'array' && Array.isArray(value));
  return ok ? null : `must be a ${type}`;
}

/**
 * Validates an environment spec (`proton: EnvironmentSpec` and `spec:` inputs, YAML or JSON)
 * against a registered schema: required inputs present, types right, no unknown inputs. Returns
 * the inputs with the schema's defaults applied. A customer-managed environment must give every
 * output its template declares.
 */
export function validateSpec(
  text: string,
  schema: EnvironmentSchema,
  customerManaged: boolean,
): Record<string, unknown> {
  const bad = (message: string) => AppError.badInput('spec', message);
  if (text.length < 1 || text.length > TEMPLATE_LIMITS.spec) {
    throw badLength('spec', 1, TEMPLATE_LIMITS.spec);
  }
  const parsed = parseDocument(text);
  if (!parsed.ok) {
    throw bad(`spec is not valid YAML or JSON: ${parsed.message}`);
  }
  const doc = parsed.doc;
  if (!isObject(doc) || doc.proton !== 'EnvironmentSpec') {
    throw bad('spec must start with "proton: EnvironmentSpec"');
  }
  const inputs = doc.spec ?? {};
  if (!isObject(inputs)) {
    throw bad('spec.spec must be an object of inputs');
  }
  const unknown = Object.keys(inputs).filter((k) => !Object.hasOwn(schema.properties, k));
  if (unknown.length > 0) {
    throw bad(
      `spec has inputs the template does not define: ${unknown.join(', ')} (it defines ${Object.keys(schema.properties).sort().join(', ') || 'none'})`,
    );
  }
  const required = customerManaged ? Object.keys(schema.properties) : schema.required;
  // Sorted: the stored schema (jsonb) does not keep the order of its properties.
  const missing = required
    .filter((k) => !Object.hasOwn(inputs, k) || inputs[k] === undefined || inputs[k] === null)
    .sort();
  if (missing.length > 0) {
    throw bad(`spec is missing required inputs: ${missing.join(', ')}`);
  }
  const result = Object.create(null) as Record<string, unknown>;
  for (const [name, property] of Object.entries(schema.properties)) {
    const value = (Object.hasOwn(inputs, name) ? inputs[name] : undefined) ?? property.default;
    if (value === undefined) {
      continue;
    }
    const problem = typeError(property.type, value);
    if (problem) {
      throw bad(`spec input ${name} ${problem}`);
    }
    result[name] = value;
  }
  return result;
}

/** Stack or environment outputs from the validated inputs: every value as a string. */
export function outputsOf(inputs: Record<string, unknown>): { key: string; valueString: string }[] {
  return Object.entries(inputs)
    .map(([key, value]) => ({
      key,
      valueString: typeof value === 'string' ? value : JSON.stringify(value),
    }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

export interface VersionNumber {
  major: number;
  minor: number;
}

/** The highest version, comparing major then minor numerically. */
export function highestVersion<T extends VersionNumber>(versions: readonly T[]): T | null {
  let best: T | null = null;
  for (const v of versions) {
    if (!best || v.major > best.major || (v.major === best.major && v.minor > best.minor)) {
      best = v;
    }
  }
  return best;
}

/** The highest minor version of each major version (a template's recommendedMinorVersion per major). */
export function recommendedMinors(versions: readonly VersionNumber[]): Map<number, number> {
  const byMajor = new Map<number, number>();
  for (const v of versions) {
    byMajor.set(v.major, Math.max(byMajor.get(v.major) ?? -1, v.minor));
  }
  return byMajor;
}

/** TemplateVersionPart of the model. */
const VERSION_PART = /^(0|([1-9]{1}\d{0,4}))$/;

/** The wire's string version numbers ("1", "0") as integers, or a ValidationException. */
export function parseVersionNumber(field: string, value: string): number {
  if (!VERSION_PART.test(value)) {
    throw invalid(field, `Member must satisfy regular expression pattern: ${VERSION_PART.source}`);
  }
  return Number(value);
}
