import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { checkBundleLayout, isGzip, readArchive, safePath } from './bundle-archive';

type Entry = {
  name: string;
  body?: string;
  type?: 'file' | 'directory' | 'symlink';
  size?: number;
};

/** A .tar.gz of the entries, made with the same tar library. */
async function archive(entries: Entry[]): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((resolve) => tar.on('end', () => resolve()));
  for (const e of entries) {
    if (e.type === 'symlink') {
      tar.entry({ name: e.name, type: 'symlink', linkname: '/etc/passwd' });
    } else if (e.type === 'directory') {
      tar.entry({ name: e.name, type: 'directory' });
    } else {
      tar.entry({ name: e.name }, e.body ?? '');
    }
  }
  tar.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

const SCHEMA = 'schema:\n  format:\n    openapi: "3.0.0"\n';
const MANIFEST =
  'infrastructure:\n  templates:\n    - file: "cloudformation.yaml"\n      rendering_engine: jinja\n      template_language: cloudformation\n';

describe('template bundle archives', () => {
  it('reads the files of a .tar.gz by normalized path', async () => {
    const bytes = await archive([
      { name: 'schema/', type: 'directory' },
      { name: './schema/schema.yaml', body: SCHEMA },
      { name: 'infrastructure/manifest.yaml', body: MANIFEST },
      { name: 'infrastructure/cloudformation.yaml', body: 'Resources: {}\n' },
    ]);
    expect(isGzip(bytes)).toBe(true);
    expect(isGzip(Buffer.from(SCHEMA))).toBe(false);
    const read = await readArchive(bytes);
    expect(read.ok && [...read.files.keys()].sort()).toEqual([
      'infrastructure/cloudformation.yaml',
      'infrastructure/manifest.yaml',
      'schema/schema.yaml',
    ]);
    expect(read.ok && checkBundleLayout(read.files, false)).toEqual({ ok: true, schema: SCHEMA });
  });

  it('refuses archives that escape their folder, hold links, or are not archives', async () => {
    expect(safePath('../etc/passwd')).toBeNull();
    expect(safePath('schema/../../x')).toBeNull();
    expect(safePath('/abs')).toBeNull();
    expect(safePath('a//b/./c')).toBe('a/b/c');
    expect(await readArchive(await archive([{ name: '../escape.yaml', body: 'x' }]))).toEqual({
      ok: false,
      message: 'The bundle entry "../escape.yaml" is outside the bundle\'s folder',
    });
    expect(await readArchive(await archive([{ name: 'schema/link', type: 'symlink' }]))).toEqual({
      ok: false,
      message: 'The bundle entry schema/link is a symlink: a bundle holds only files and folders',
    });
    expect(await readArchive(gzipSync(Buffer.from('not a tar at all')))).toMatchObject({
      ok: false,
    });
    expect(await readArchive(Buffer.from([0x1f, 0x8b, 1, 2, 3]))).toEqual({
      ok: false,
      message: 'The bundle is not a valid .tar.gz archive',
    });
  });

  it('refuses an archive that unpacks past the limits (a gzip bomb, too many entries)', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(100_000);
    expect(await readArchive(bomb)).toEqual({
      ok: false,
      message: 'The bundle unpacks to more than 10485760 bytes',
    });
    const many = await archive(
      Array.from({ length: 201 }, (_, i) => ({ name: `f${i}`, body: 'x' })),
    );
    expect(await readArchive(many)).toEqual({
      ok: false,
      message: 'The bundle has more than 200 entries',
    });
  });

  it('checks the layout: the schema always, the manifest and its files for standard templates only', () => {
    const files = (entries: Record<string, string>) =>
      new Map(Object.entries(entries).map(([k, v]) => [k, Buffer.from(v)]));
    expect(checkBundleLayout(files({}), false)).toEqual({
      ok: false,
      message: 'The bundle has no schema/schema.yaml',
    });
    expect(checkBundleLayout(files({ 'schema/schema.yaml': SCHEMA }), false)).toEqual({
      ok: false,
      message: 'The bundle has no infrastructure/manifest.yaml',
    });
    expect(
      checkBundleLayout(
        files({ 'schema/schema.yaml': SCHEMA, 'infrastructure/manifest.yaml': MANIFEST }),
        false,
      ),
    ).toEqual({
      ok: false,
      message: 'The manifest names infrastructure/cloudformation.yaml, which is not in the bundle',
    });
    const terraform =
      'infrastructure:\n  templates:\n    - file: "*"\n      rendering_engine: hcl\n      template_language: terraform\n';
    expect(
      checkBundleLayout(
        files({
          'schema/schema.yaml': SCHEMA,
          'infrastructure/manifest.yaml': terraform,
          'infrastructure/main.tf': 'resource "x" "y" {}\n',
        }),
        false,
      ),
    ).toEqual({ ok: true, schema: SCHEMA });
    expect(checkBundleLayout(files({ 'schema/schema.yaml': SCHEMA }), true)).toEqual({
      ok: true,
      schema: SCHEMA,
    });
    expect(
      checkBundleLayout(
        files({ 'schema/schema.yaml': SCHEMA, 'infrastructure/manifest.yaml': MANIFEST }),
        true,
      ),
    ).toEqual({
      ok: false,
      message:
        'A CUSTOMER_MANAGED template bundle holds only its schema; remove infrastructure/manifest.yaml',
    });
  });
});
