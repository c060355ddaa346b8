import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { parse as parseYaml } from 'yaml';

/**
 * A Proton template bundle as users upload it: a .tar.gz holding `schema/schema.yaml` and, for
 * standard provisioning, `infrastructure/manifest.yaml` and the infrastructure files it names.
 * Read with limits, so that an archive can neither escape its folder nor exhaust the worker.
 */
export const ARCHIVE_LIMITS = {
  /** Entries (files and folders). */
  entries: 200,
  /** All files together, unpacked. */
  totalBytes: 10 * 1024 * 1024,
  /** One file, unpacked. */
  fileBytes: 2 * 1024 * 1024,
  path: 512,
} as const;

export type ArchiveResult =
  { ok: true; files: Map<string, Buffer> } | { ok: false; message: string };

export type BundleResult = { ok: true; schema: string } | { ok: false; message: string };

/** Whether the bytes are gzip (a .tar.gz) rather than a plain schema file. */
export function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** A relative path inside the archive, normalized (`./a//b` → `a/b`), or null if it escapes. */
export function safePath(name: string): string | null {
  if (name.length === 0 || name.length > ARCHIVE_LIMITS.path || name.includes('\0')) {
    return null;
  }
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.includes('\\')) {
    return null;
  }
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..') || parts.length === 0) {
    return null;
  }
  return parts.join('/');
}

/** The regular files of a .tar.gz, by normalized path; refused whole if any limit is crossed. */
export async function readArchive(gz: Buffer): Promise<ArchiveResult> {
  let tarBytes: Buffer;
  try {
    // Unpacking stops at the limit instead of inflating a small bomb to gigabytes.
    tarBytes = gunzipSync(gz, { maxOutputLength: ARCHIVE_LIMITS.totalBytes + 1024 * 1024 });
  } catch (error) {
    const tooLarge = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    return {
      ok: false,
      message: tooLarge
        ? `The bundle unpacks to more than ${ARCHIVE_LIMITS.totalBytes} bytes`
        : 'The bundle is not a valid .tar.gz archive',
    };
  }
  const files = new Map<string, Buffer>();
  let entries = 0;
  let total = 0;
  const parser = extract();
  const refusal = await new Promise<string | null>((resolve) => {
    parser.on('entry', (header, stream, next) => {
      entries++;
      const path = safePath(header.name);
      const problem =
        entries > ARCHIVE_LIMITS.entries
          ? `The bundle has more than ${ARCHIVE_LIMITS.entries} entries`
          : path === null
            ? `The bundle entry ${JSON.stringify(header.name.slice(0, 100))} is outside the bundle's folder`
            : header.type !== 'file' && header.type !== 'directory'
              ? `The bundle entry ${path} is a ${header.type}: a bundle holds only files and folders`
              : (header.size ?? 0) > ARCHIVE_LIMITS.fileBytes
                ? `The bundle file ${path} has ${header.size} bytes; at most ${ARCHIVE_LIMITS.fileBytes}`
                : null;
      if (problem) {
        parser.destroy();
        resolve(problem);
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => {
        const bytes = chunk as Buffer;
        total += bytes.length;
        chunks.push(bytes);
      });
      stream.on('end', () => {
        if (total > ARCHIVE_LIMITS.totalBytes) {
          parser.destroy();
          resolve(`The bundle unpacks to more than ${ARCHIVE_LIMITS.totalBytes} bytes`);
          return;
        }
        if (header.type === 'file' && path) {
          files.set(path, Buffer.concat(chunks));
        }
        next();
      });
      stream.resume();
    });
    parser.on('finish', () => resolve(null));
    parser.on('error', () => resolve('The bundle is not a valid .tar.gz archive'));
    Readable.from([tarBytes]).pipe(parser);
  });
  return refusal ? { ok: false, message: refusal } : { ok: true, files };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The bundle's layout: `schema/schema.yaml` always; a CUSTOMER_MANAGED bundle holds nothing else
 * (the seed: only the schema); a standard one has `infrastructure/manifest.yaml` whose
 * `infrastructure.templates[].file` each name a file of `infrastructure/` (or `*`: every file
 * there, of which there must be one). Returns the schema file's text.
 */
export function checkBundleLayout(
  files: Map<string, Buffer>,
  customerManaged: boolean,
): BundleResult {
  const schema = files.get('schema/schema.yaml') ?? files.get('schema/schema.yml');
  if (!schema) {
    return { ok: false, message: 'The bundle has no schema/schema.yaml' };
  }
  if (customerManaged) {
    const others = [...files.keys()].filter((p) => !p.startsWith('schema/'));
    if (others.length > 0) {
      return {
        ok: false,
        message: `A CUSTOMER_MANAGED template bundle holds only its schema; remove ${others.slice(0, 5).join(', ')}`,
      };
    }
    return { ok: true, schema: schema.toString('utf8') };
  }
  const manifest =
    files.get('infrastructure/manifest.yaml') ?? files.get('infrastructure/manifest.yml');
  if (!manifest) {
    return { ok: false, message: 'The bundle has no infrastructure/manifest.yaml' };
  }
  let doc: unknown;
  try {
    doc = parseYaml(manifest.toString('utf8'), { maxAliasCount: 10 });
  } catch (error) {
    return {
      ok: false,
      message: `infrastructure/manifest.yaml is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
    };
  }
  const templates =
    isObject(doc) && isObject(doc.infrastructure) ? doc.infrastructure.templates : undefined;
  if (!Array.isArray(templates) || templates.length === 0) {
    return {
      ok: false,
      message: 'infrastructure/manifest.yaml must list infrastructure.templates (each with a file)',
    };
  }
  const infrastructure = [...files.keys()].filter(
    (p) => p.startsWith('infrastructure/') && !/^infrastructure\/manifest\.ya?ml$/.test(p),
  );
  for (const [i, template] of templates.entries()) {
    const file = isObject(template) ? template.file : undefined;
    if (typeof file !== 'string' || file.length === 0) {
      return { ok: false, message: `infrastructure.templates[${i}] must name its file` };
    }
    if (file === '*') {
      if (infrastructure.length === 0) {
        return {
          ok: false,
          message: 'The manifest names every file of infrastructure/, and there is none',
        };
      }
      continue;
    }
    const path = safePath(`infrastructure/${file}`);
    if (!path || !files.has(path)) {
      return {
        ok: false,
        message: `The manifest names infrastructure/${file}, which is not in the bundle`,
      };
    }
  }
  return { ok: true, schema: schema.toString('utf8') };
}
