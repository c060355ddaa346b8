import { AppError } from '@accountlink/common';
import {
  highestVersion,
  outputsOf,
  parseTemplateSchema,
  parseVersionNumber,
  recommendedMinors,
  validateSpec,
} from './template-rules';

const STANDARD = `schema:
  format:
    openapi: "3.0.0"
  environment_input_type: "Input"
  types:
    Input:
      type: object
      properties:
        cidr:
          type: string
          default: 10.0.0.0/16
        count:
          type: integer
        flags:
          type: array
      required: [count]
`;

const IMPORTED = `schema:
  format:
    openapi: "3.0.0"
  environment_input_type: "Out"
  types:
    Out:
      type: object
      properties:
        VpcId:
          type: string
        ClusterName:
          type: string
`;

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as AppError).message;
  }
  throw new Error('expected an error');
}

describe('parseTemplateSchema', () => {
  it('registers a standard schema, YAML or JSON, with its defaults and required inputs', () => {
    const yaml = parseTemplateSchema(STANDARD, false);
    expect(yaml).toEqual({
      ok: true,
      schema: {
        inputType: 'Input',
        properties: {
          cidr: { type: 'string', default: '10.0.0.0/16' },
          count: { type: 'integer' },
          flags: { type: 'array' },
        },
        required: ['count'],
      },
    });
    const json = JSON.stringify({
      schema: {
        format: { openapi: '3.0.0' },
        environment_input_type: 'Input',
        types: { Input: { type: 'object', properties: { a: { type: 'boolean' } } } },
      },
    });
    expect(parseTemplateSchema(json, false).ok).toBe(true);
  });

  it('says what is wrong with a schema', () => {
    const fails = (text: string, customerManaged = false) => {
      const result = parseTemplateSchema(text, customerManaged);
      return result.ok ? 'ok' : result.message;
    };
    expect(fails('')).toBe('The schema file is empty');
    expect(fails('x'.repeat(51_201))).toMatch(/at most 51200/);
    expect(fails('schema: [')).toMatch(/not valid YAML or JSON/);
    expect(fails('other: 1')).toMatch(/top-level "schema" object/);
    expect(fails(STANDARD.replace('"3.0.0"', '"2.0"'))).toMatch(/OpenAPI 3/);
    expect(
      fails(STANDARD.replace('environment_input_type: "Input"', 'environment_input_type: "X"')),
    ).toMatch(/names "X", which is not in schema.types/);
    expect(fails(STANDARD.replace('type: integer', 'type: date'))).toMatch(
      /count.type must be one of/,
    );
    expect(fails(STANDARD.replace('default: 10.0.0.0/16', 'default: 3'))).toMatch(
      /cidr.default is not a string/,
    );
    expect(fails(STANDARD.replace('required: [count]', 'required: [nope]'))).toMatch(
      /required must list/,
    );
  });

  it('holds CUSTOMER_MANAGED schemas to string outputs without defaults and nothing else', () => {
    expect(parseTemplateSchema(IMPORTED, true).ok).toBe(true);
    const fails = (text: string) => {
      const result = parseTemplateSchema(text, true);
      return result.ok ? 'ok' : result.message;
    };
    expect(
      fails(IMPORTED.replace('VpcId:\n          type: string', 'VpcId:\n          type: integer')),
    ).toMatch(/VpcId is integer: a CUSTOMER_MANAGED schema allows only string outputs/);
    expect(
      fails(
        IMPORTED.replace(
          'VpcId:\n          type: string',
          'VpcId:\n          type: string\n          default: vpc-1',
        ),
      ),
    ).toMatch(/VpcId has a default value/);
    expect(fails(`${IMPORTED}infrastructure: {}\n`)).toMatch(/remove "infrastructure"/);
    expect(fails(IMPORTED.replace('  types:\n', '  service_input_type: "S"\n  types:\n'))).toMatch(
      /remove service_input_type/,
    );
    expect(fails(`${IMPORTED}    Other:\n      type: object\n      properties: {}\n`)).toMatch(
      /types.Other/,
    );
    expect(parseTemplateSchema(STANDARD, true).ok).toBe(false);
  });
});

describe('validateSpec', () => {
  const standard = parseTemplateSchema(STANDARD, false);
  const imported = parseTemplateSchema(IMPORTED, true);
  if (!standard.ok || !imported.ok) {
    throw new Error('fixtures must parse');
  }

  it('applies defaults and checks required inputs, types and unknown inputs', () => {
    expect(
      validateSpec('proton: EnvironmentSpec\nspec:\n  count: 2\n', standard.schema, false),
    ).toEqual({
      cidr: '10.0.0.0/16',
      count: 2,
    });
    expect(
      message(() => validateSpec('proton: EnvironmentSpec\nspec: {}\n', standard.schema, false)),
    ).toMatch(/missing required inputs: count/);
    expect(
      message(() =>
        validateSpec('proton: EnvironmentSpec\nspec:\n  count: 1.5\n', standard.schema, false),
      ),
    ).toMatch(/count must be a integer/);
    expect(
      message(() =>
        validateSpec(
          'proton: EnvironmentSpec\nspec:\n  count: 1\n  zz: 1\n',
          standard.schema,
          false,
        ),
      ),
    ).toMatch(/does not define: zz/);
    expect(message(() => validateSpec('spec:\n  count: 1\n', standard.schema, false))).toMatch(
      /proton: EnvironmentSpec/,
    );
    expect(message(() => validateSpec('', standard.schema, false))).toMatch(/between 1 and 51200/);
  });

  it('needs every output of a customer-managed environment', () => {
    expect(
      message(() =>
        validateSpec('proton: EnvironmentSpec\nspec:\n  VpcId: v\n', imported.schema, true),
      ),
    ).toMatch(/missing required inputs: ClusterName/);
    expect(
      validateSpec(
        'proton: EnvironmentSpec\nspec:\n  VpcId: v\n  ClusterName: c\n',
        imported.schema,
        true,
      ),
    ).toEqual({ VpcId: 'v', ClusterName: 'c' });
  });

  it('turns inputs into sorted string outputs', () => {
    expect(outputsOf({ b: 2, a: 'x', c: [1] })).toEqual([
      { key: 'a', valueString: 'x' },
      { key: 'b', valueString: '2' },
      { key: 'c', valueString: '[1]' },
    ]);
  });
});

describe('versions', () => {
  it('compares numerically and parses the wire form', () => {
    expect(
      highestVersion([
        { major: 1, minor: 10 },
        { major: 1, minor: 9 },
        { major: 0, minor: 99 },
      ]),
    ).toEqual({
      major: 1,
      minor: 10,
    });
    expect(highestVersion([])).toBeNull();
    expect([
      ...recommendedMinors([
        { major: 1, minor: 0 },
        { major: 1, minor: 3 },
        { major: 2, minor: 0 },
      ]),
    ]).toEqual([
      [1, 3],
      [2, 0],
    ]);
    expect(parseVersionNumber('majorVersion', '12')).toBe(12);
    // AWS's wording: the member and the model's TemplateVersionPart pattern.
    const pattern =
      /at 'majorVersion' failed to satisfy constraint: Member must satisfy regular expression pattern/;
    expect(message(() => parseVersionNumber('majorVersion', '1.0'))).toMatch(pattern);
    expect(message(() => parseVersionNumber('majorVersion', '01'))).toMatch(pattern);
  });
});

describe('inputs named like Object members', () => {
  it('are ordinary inputs, never inherited ones', () => {
    const schema = parseTemplateSchema(
      `schema:
  format: { openapi: "3.0.0" }
  environment_input_type: I
  types:
    I:
      type: object
      properties:
        __proto__: { type: string }
        constructor: { type: string }
      required: [__proto__, constructor]
`,
      false,
    );
    if (!schema.ok) {
      throw new Error(schema.message);
    }
    expect(Object.keys(schema.schema.properties).sort()).toEqual(['__proto__', 'constructor']);
    expect(
      message(() =>
        validateSpec('proton: EnvironmentSpec\nspec:\n  constructor: c\n', schema.schema, false),
      ),
    ).toMatch(/missing required inputs: __proto__/);
    const ok = parseTemplateSchema(STANDARD, false);
    if (!ok.ok) {
      throw new Error(ok.message);
    }
    expect(
      message(() =>
        validateSpec(
          'proton: EnvironmentSpec\nspec:\n  count: 1\n  toString: x\n',
          ok.schema,
          false,
        ),
      ),
    ).toMatch(/does not define: toString/);
  });
});
