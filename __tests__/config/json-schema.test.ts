import { readFileSync } from 'node:fs';
import { configJsonSchema, configJsonSchemaText } from '../../src/config/json-schema';
import { PUBLISHED_SCHEMA } from '../../src/config/publish-schema';

type Node = Record<string, unknown>;

/** Every object schema in the tree, with its JSON pointer. */
function* objects(node: unknown, at = '#'): Generator<[string, Node]> {
  if (Array.isArray(node)) {
    for (const [i, child] of node.entries()) yield* objects(child, `${at}/${i}`);
  } else if (node && typeof node === 'object') {
    yield [at, node as Node];
    for (const [key, child] of Object.entries(node)) yield* objects(child, `${at}/${key}`);
  }
}

describe('published JSON Schema', () => {
  test('schema/keyshare.schema.json is what the zod schema generates (run `npm run schema` after changing it)', () => {
    expect(readFileSync(PUBLISHED_SCHEMA, 'utf8')).toBe(configJsonSchemaText());
  });

  test('the examples point editors at it', () => {
    for (const example of ['keyshare.yaml', 'keyshare-org.yaml']) {
      const first = readFileSync(`${__dirname}/../../examples/${example}`, 'utf8').split('\n')[0];
      expect(first).toBe('# yaml-language-server: $schema=../schema/keyshare.schema.json');
    }
  });

  test('it requires the four top-level sections and lists the contract field names', () => {
    const schema = configJsonSchema() as { required: string[]; properties: Record<string, Node> };
    expect(schema.required).toEqual(['owner', 'key', 'amis', 'consumers']);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['owner', 'key', 'amis', 'consumers', 'organization', 'backend']));
    const consumer = (schema.properties.consumers.items as { properties: Node }).properties;
    expect(Object.keys(consumer)).toEqual([
      'account',
      'deployRoleArn',
      'serviceLinkedRoleSuffix',
      'createServiceLinkedRole',
      'attachPolicyToRoles',
      'region',
    ]);
  });

  test('fields with defaults are optional for editors, and show the default', () => {
    const key = (configJsonSchema() as { properties: { key: { required: string[]; properties: Record<string, Node> } } }).properties.key;
    expect(key.required).toEqual(['alias']);
    expect(key.properties.rotation.default).toBe(true);
    expect(key.properties.deletionWindowDays).toMatchObject({ default: 30, minimum: 7, maximum: 30 });
  });

  test('every object refuses unknown fields and every field is described', () => {
    for (const [at, node] of objects(configJsonSchema())) {
      if (node.type === 'object') expect([at, node.additionalProperties]).toEqual([at, false]);
      if (at.match(/\/properties\/[^/]+$/)) expect([at, typeof node.description]).toEqual([at, 'string']);
    }
  });

  test('every pattern is a valid ECMA-262 unicode regex, as JSON Schema 2020-12 requires', () => {
    const patterns = [...objects(configJsonSchema())].flatMap(([, node]) => (typeof node.pattern === 'string' ? [node.pattern] : []));
    expect(patterns.length).toBeGreaterThan(10);
    for (const pattern of patterns) expect(() => new RegExp(pattern, 'u')).not.toThrow();
  });

  test('an editor using the patterns refuses what the loader refuses', () => {
    const schema = configJsonSchema() as {
      properties: Record<string, { properties: Record<string, { pattern?: string; enum?: string[]; allOf?: { pattern: string }[] }> }>;
    };
    const matches = (field: { pattern?: string; enum?: string[]; allOf?: { pattern: string }[] }, value: string) =>
      (field.enum?.includes(value) ?? true) &&
      [field.pattern, ...(field.allOf ?? []).map((p) => p.pattern)].every((p) => p === undefined || new RegExp(p, 'u').test(value));
    const region = schema.properties.owner.properties.region;
    expect(matches(region, 'us-west-2')).toBe(true);
    expect(matches(region, 'us-west')).toBe(false);
    expect(matches(region, 'xx-north-9')).toBe(false);
    const alias = schema.properties.key.properties.alias;
    expect(matches(alias, 'golden-ami')).toBe(true);
    expect(matches(alias, 'alias/golden-ami')).toBe(true);
    expect(matches(alias, 'aws/ebs')).toBe(false);
    expect(matches(alias, 'alias/aws/ebs')).toBe(false);
  });
});
