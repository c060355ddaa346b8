#!/usr/bin/env node
// npm run world -- apply <world.yaml> [--out <credentials.ndjson>] [--url …] [--key <admin key>]
// npm run world -- export [--credentials <credentials.ndjson>] [--format ndjson|csv]
//
// Worlds kept in files. `apply` makes what the file describes through the public API (createWorld
// for the accounts, their roles and keys; createUser, createApiKey, createSpace and addSpaceMember
// for the CodeCatalyst side), leaving what exists as it is, and appends the credentials it minted
// to the credentials file (mode 600; the API hands each secret out once). `export` prints that
// file as NDJSON or CSV for other load tools. A file that does not parse or does not fit the
// schema is refused with its line, and nothing is applied.
//
// The key: --key, else ACCOUNTLINK_ADMIN_KEY, else the demo tenant's (.data/demo-credentials.json).
import { appendFileSync, chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const accountId = z.string().regex(/^\d{12}$/, 'must be exactly 12 digits');

/** The world file's schema (zod, as the product's configuration). */
export const WorldFile = z
  .object({
    managementAccountId: accountId.optional(),
    accounts: z
      .array(
        z.union([
          z.object({ accountIds: z.array(accountId).min(1) }).strict(),
          z
            .object({ firstAccountId: accountId, count: z.number().int().min(1).max(100_000) })
            .strict(),
        ]),
      )
      .default([]),
    roles: z
      .array(
        z
          .object({
            roleName: z.string().min(1),
            path: z.string().optional(),
            trustPolicy: z.record(z.string(), z.unknown()),
          })
          .strict(),
      )
      .max(10)
      .default([]),
    apiKeys: z.boolean().default(false),
    accessKeys: z.boolean().default(false),
    users: z
      .array(z.object({ name: z.string().min(1), email: z.string().email() }).strict())
      .default([]),
    spaces: z
      .array(
        z
          .object({
            name: z.string().min(1),
            region: z.enum(['us-west-2', 'eu-west-1']),
            owner: z.string().email(),
            members: z
              .array(
                z
                  .object({
                    email: z.string().email(),
                    role: z.enum(['LIMITED_ACCESS', 'POWER_USER', 'SPACE_ADMINISTRATOR']),
                  })
                  .strict(),
              )
              .default([]),
          })
          .strict(),
      )
      .default([]),
  })
  .strict()
  .superRefine((world, ctx) => {
    const emails = new Set(world.users.map((u) => u.email));
    world.spaces.forEach((space, i) => {
      for (const [where, email] of [
        [['spaces', i, 'owner'], space.owner],
        ...space.members.map((m, j) => [['spaces', i, 'members', j, 'email'], m.email]),
      ]) {
        if (!emails.has(email)) {
          ctx.addIssue({ code: 'custom', path: where, message: `${email} is not among users` });
        }
      }
    });
  });

/** The file parsed and checked, or the first problem as `file:line:column: message`. */
export function readWorld(file) {
  const text = readFileSync(file, 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (offset) => {
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    return { ok: false, problem: `${at(error.pos[0])}: ${error.message.split('\n')[0]}` };
  }
  const parsed = WorldFile.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // The deepest node of the issue's path that the file has: where the problem is.
    let node = null;
    for (let n = issue.path.length; n >= 0 && !node; n--) {
      node = n === 0 ? doc.contents : doc.getIn(issue.path.slice(0, n), true);
    }
    const offset = node?.range?.[0] ?? 0;
    const field = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return { ok: false, problem: `${at(offset)}: ${field}${issue.message}` };
  }
  return { ok: true, world: parsed.data };
}

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function adminKey() {
  const key = option('key', process.env.ACCOUNTLINK_ADMIN_KEY);
  if (key) return key;
  const demo = path.join(root, '.data', 'demo-credentials.json');
  if (existsSync(demo)) return JSON.parse(readFileSync(demo, 'utf8')).adminKey;
  throw new Error('no key: give --key or ACCOUNTLINK_ADMIN_KEY (a tenant administrator key)');
}

class ApiError extends Error {
  constructor(error) {
    super(`${error.extensions?.code ?? 'ERROR'}: ${error.message}`);
    this.code = error.extensions?.code;
    this.extensions = error.extensions ?? {};
  }
}

function client(url, defaultKey) {
  return async (query, variables = {}, key = defaultKey) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = await res.json();
    if (body.errors?.length) throw new ApiError(body.errors[0]);
    return body.data;
  };
}

/** Every page of a Relay list. */
async function all(gql, field, selection) {
  const nodes = [];
  let after = null;
  for (;;) {
    const data = await gql(
      `query($after: String) { ${field}(first: 100, after: $after) { edges { node { ${selection} } } pageInfo { hasNextPage endCursor } } }`,
      { after },
    );
    nodes.push(...data[field].edges.map((e) => e.node));
    if (!data[field].pageInfo.hasNextPage) return nodes;
    after = data[field].pageInfo.endCursor;
  }
}

async function apply(file) {
  const read = readWorld(file);
  if (!read.ok) {
    console.error(read.problem);
    process.exit(2);
  }
  const { world } = read;
  const url = option('url', 'http://127.0.0.1:3000').replace(/\/$/, '');
  const key = adminKey();
  const gql = client(url, key);
  const out = option('out', file.replace(/\.ya?ml$/, '') + '.credentials.ndjson');
  if (!existsSync(out)) writeFileSync(out, '', { mode: 0o600 });
  chmodSync(out, 0o600);
  const save = (lines) =>
    lines.length && appendFileSync(out, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  const summary = {
    accountsCreated: 0,
    accountsExisting: 0,
    rolesCreated: 0,
    keysMinted: 0,
    usersCreated: 0,
    spacesCreated: 0,
    membersAdded: 0,
  };

  const roles = world.roles.map((r) => ({
    roleName: r.roleName,
    path: r.path ?? null,
    assumeRolePolicyDocument: JSON.stringify(r.trustPolicy),
  }));
  // The one download of a world's credentials, straight into the credentials file.
  const download = async (worldId, downloadToken) => {
    const res = await fetch(`${url}/worlds/${worldId}/credentials`, {
      headers: { authorization: `Bearer ${key}`, 'x-download-token': downloadToken },
    });
    if (!res.ok) throw new Error(`credentials download: HTTP ${res.status} ${await res.text()}`);
    appendFileSync(
      out,
      (await res.text())
        .split('\n')
        .filter(Boolean)
        .map((l) => `${JSON.stringify({ kind: 'account', ...JSON.parse(l) })}\n`)
        .join(''),
    );
  };
  for (const accounts of world.accounts) {
    const { createWorld } = await gql(
      `mutation($input: CreateWorldInput!) { createWorld(input: $input) {
        accountsCreated accountsExisting rolesCreated apiKeysCreated accessKeysCreated
        credentials { worldId downloadToken } } }`,
      {
        input: {
          ...accounts,
          managementAccountId: world.managementAccountId ?? null,
          roles,
          apiKeys: world.apiKeys,
          accessKeys: world.accessKeys,
        },
      },
    ).catch(async (error) => {
      // Cut off after some batches committed: keep what they minted, then stop.
      const { worldId, downloadToken } = error.extensions ?? {};
      if (worldId && downloadToken) await download(worldId, downloadToken);
      throw error;
    });
    summary.accountsCreated += createWorld.accountsCreated;
    summary.accountsExisting += createWorld.accountsExisting;
    summary.rolesCreated += createWorld.rolesCreated;
    summary.keysMinted += createWorld.apiKeysCreated + createWorld.accessKeysCreated;
    if (createWorld.credentials) {
      await download(createWorld.credentials.worldId, createWorld.credentials.downloadToken);
    }
  }

  // Users, by email; a user created now gets an API key (saved), one that exists is left as is.
  const users = new Map(
    (world.users.length || world.spaces.length ? await all(gql, 'users', 'id email') : []).map(
      (u) => [u.email, { id: u.id }],
    ),
  );
  for (const user of world.users) {
    if (users.has(user.email)) continue;
    const { createUser } = await gql(
      'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }',
      { input: user },
    );
    const { createApiKey } = await gql(
      'mutation($id: ID) { createApiKey(input: { userId: $id }) { key } }',
      { id: createUser.id },
    );
    users.set(user.email, { id: createUser.id, key: createApiKey.key });
    save([{ kind: 'user', email: user.email, userId: createUser.id, apiKey: createApiKey.key }]);
    summary.usersCreated++;
  }
  const keyOf = async (email) => {
    const user = users.get(email);
    if (!user.key) {
      // An owner from an earlier run: a key to act as it (saved like the others).
      user.key = (
        await gql('mutation($id: ID) { createApiKey(input: { userId: $id }) { key } }', {
          id: user.id,
        })
      ).createApiKey.key;
      save([{ kind: 'user', email, userId: user.id, apiKey: user.key }]);
    }
    return user.key;
  };

  // Spaces, by name; members added by the owner (an administrator of the space).
  const spaces = new Map(
    (world.spaces.length ? await all(gql, 'spaces', 'id name members { user { id } }') : []).map(
      (s) => [s.name, s],
    ),
  );
  for (const space of world.spaces) {
    let existing = spaces.get(space.name);
    const present = new Set(existing?.members.map((m) => m.user.id) ?? []);
    // The owner is the space's administrator from its creation.
    const missing = space.members.filter(
      (m) => m.email !== space.owner && !present.has(users.get(m.email).id),
    );
    if (existing && missing.length === 0) continue;
    // Work to do as the owner: only then is a key needed to act as it.
    const ownerKey = await keyOf(space.owner);
    if (!existing) {
      existing = (
        await gql(
          'mutation($input: CreateSpaceInput!) { createSpace(input: $input) { id } }',
          { input: { name: space.name, region: space.region } },
          ownerKey,
        )
      ).createSpace;
      summary.spacesCreated++;
    }
    for (const member of missing) {
      await gql(
        'mutation($input: SpaceMemberInput!) { addSpaceMember(input: $input) { id } }',
        { input: { spaceId: existing.id, userId: users.get(member.email).id, role: member.role } },
        ownerKey,
      );
      summary.membersAdded++;
    }
  }
  console.log(JSON.stringify({ ...summary, credentials: out }));
}

const CSV_COLUMNS = [
  'kind',
  'accountId',
  'email',
  'userId',
  'apiKey',
  'accessKeyId',
  'secretAccessKey',
];

function exportCredentials() {
  const file = option('credentials', null);
  if (!file) {
    console.error(
      'usage: npm run world -- export --credentials <file.credentials.ndjson> [--format ndjson|csv]',
    );
    process.exit(2);
  }
  const format = option('format', 'ndjson');
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  if (format === 'ndjson') {
    process.stdout.write(lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  } else if (format === 'csv') {
    const cell = (v) =>
      v === undefined
        ? ''
        : /[",\n]/.test(String(v))
          ? `"${String(v).replaceAll('"', '""')}"`
          : String(v);
    process.stdout.write(
      [
        CSV_COLUMNS.join(','),
        ...lines.map((l) => CSV_COLUMNS.map((c) => cell(l[c])).join(',')),
      ].join('\n') + '\n',
    );
  } else {
    console.error(`unknown --format ${format}: ndjson or csv`);
    process.exit(2);
  }
}

if (
  import.meta.url === `file://${process.argv[1]}` ||
  process.argv[1]?.endsWith('tools/world.mjs')
) {
  const [command, file] = process.argv.slice(2);
  const run =
    command === 'apply' && file ? apply(file) : command === 'export' ? exportCredentials() : null;
  if (run === null) {
    console.error(
      'usage: npm run world -- apply <world.yaml> [--out file] [--url url] [--key key] | export --credentials <file> [--format ndjson|csv]',
    );
    process.exit(2);
  }
  Promise.resolve(run).catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
}
