import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ErrorCode, S3Error } from '@accountlink/common';
import {
  BundleObjectInfo,
  BundleService,
  S3Caller,
  S3_LIMITS,
  TEMPLATE_LIMITS,
} from '@accountlink/proton';
import {
  assertInTenantPath,
  AwsAuthService,
  ChunkSigning,
  decodeAwsChunked,
  payloadMode,
  ThrottleService,
} from '@accountlink/tenancy';
import type { NextFunction, Request, Response } from 'express';
import getRawBody from 'raw-body';
import { RequestShares } from '../http/request-shares';
import { tenantPathOf } from '../http/tenant-path';
import {
  errorDocument,
  listBucketsDocument,
  listObjectsDocument,
  locationConstraintOf,
  locationDocument,
  notImplemented,
  ownerOf,
  rangeOf,
  toS3Error,
} from './s3-wire';

/** A request signed for the service `s3` (its credential scope says so): S3's, not Proton's. */
const S3_SCOPE = /^AWS4-HMAC-SHA256\s+Credential=[^/\s]+\/\d{8}\/[^/\s]+\/s3\/aws4_request,/;

/** The encoded body read at most: the largest object, with room for aws-chunked framing. */
const MAX_ENCODED_BODY = TEMPLATE_LIMITS.bundleObject + 64 * 1024;

/** Subresources of S3 this endpoint does not serve: answered NotImplemented, never ignored. */
const UNSERVED = [
  'acl',
  'attributes',
  'cors',
  'delete',
  'encryption',
  'legal-hold',
  'lifecycle',
  'logging',
  'notification',
  'object-lock',
  'partNumber',
  'policy',
  'replication',
  'restore',
  'retention',
  'select',
  'tagging',
  'torrent',
  'uploadId',
  'uploads',
  'versionId',
  'versioning',
  'versions',
  'website',
];

interface S3Request {
  caller: S3Caller;
  tenantId: string;
  signing: ChunkSigning;
  method: string;
  bucket: string | null;
  key: string | null;
  query: URLSearchParams;
  req: Request;
  res: Response;
}

/**
 * A minimal S3 REST API on the API's own endpoint, path-style (`/bucket/key`), for template
 * bundles: CreateBucket, HeadBucket, GetBucketLocation, DeleteBucket, ListBuckets, PutObject
 * (plain, UNSIGNED-PAYLOAD and aws-chunked bodies, digests checked), GetObject (with a byte
 * range), HeadObject, ListObjectsV2 and DeleteObject, with SigV4 for the service `s3` and the
 * tenant's access keys, and S3's XML errors. Mounted before the body parsers: requests signed for
 * `s3` are answered here, every other request goes on to the API.
 */
@Injectable()
export class S3Edge {
  private readonly logger = new Logger('S3');

  constructor(
    private readonly auth: AwsAuthService,
    private readonly store: BundleService,
    private readonly throttle: ThrottleService,
    private readonly shares: RequestShares,
  ) {}

  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      if (!S3_SCOPE.test(String(req.headers.authorization ?? ''))) {
        next();
        return;
      }
      res.locals['metricsRoute'] = 's3';
      void this.handle(req, res);
    };
  }

  private async handle(req: Request, res: Response): Promise<void> {
    const requestId = req.id === undefined ? randomUUID() : String(req.id);
    const hostId = randomBytes(24).toString('base64');
    res.setHeader('x-amz-request-id', requestId);
    res.setHeader('x-amz-id-2', hostId);
    let bodyRead = false;
    try {
      // Routed by the path after a tenant path (/tenants/{id}/bucket/key), signed as sent.
      const [rawPath = '/', rawQuery = ''] = req.url.split('?', 2);
      // The signature covers the path and query as sent; the body is read after it is checked.
      const { identity, signing } = await this.auth.authenticateS3({
        method: req.method,
        url: req.originalUrl,
        headers: req.headers,
        body: Buffer.alloc(0),
      });
      assertInTenantPath(tenantPathOf(req), identity.tenantId);
      const { bucket, key } = pathOf(rawPath);
      const request: S3Request = {
        caller: identity,
        tenantId: identity.tenantId,
        signing,
        method: req.method,
        bucket,
        key,
        query: new URLSearchParams(rawQuery),
        req,
        res,
      };
      await this.throttle.check(identity.tenantId, identity.accountId);
      const release = await this.shares.acquire(identity.tenantId);
      try {
        const body = await readBody(req);
        bodyRead = true;
        await this.dispatch(request, body);
      } finally {
        release();
      }
    } catch (error) {
      const s3 = toS3Error(error);
      if (s3.status >= 500 && s3 !== error) {
        this.logger.error(
          `request ${requestId} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      }
      if (!bodyRead) {
        // The body was not read (refused before it): do not keep reading it on this connection.
        res.setHeader('connection', 'close');
      }
      res.status(s3.status);
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      res.type('application/xml').send(errorDocument(s3, requestId, hostId));
    }
  }

  private async dispatch(r: S3Request, encoded: Buffer): Promise<void> {
    const unserved = UNSERVED.find((name) => r.query.has(name));
    if (unserved || r.req.headers['x-amz-copy-source'] !== undefined) {
      throw notImplemented(unserved ? `?${unserved}` : 'x-amz-copy-source (CopyObject)');
    }
    if (r.bucket === null) {
      return r.method === 'GET' ? this.listBuckets(r) : methodNotAllowed(r.method);
    }
    if (r.key === null) {
      switch (r.method) {
        case 'PUT':
          return this.createBucket(r, encoded);
        case 'HEAD': {
          const bucket = await this.store.bucket(r.caller, r.bucket);
          r.res.setHeader('x-amz-bucket-region', bucket.region);
          r.res.status(200).end();
          return;
        }
        case 'GET':
          return r.query.has('location')
            ? this.getBucketLocation(r)
            : r.query.get('list-type') === '2'
              ? this.listObjects(r)
              : Promise.reject(notImplemented('ListObjects (version 1): use list-type=2'));
        case 'DELETE':
          await this.store.deleteBucket(r.caller, r.bucket);
          r.res.status(204).end();
          return;
        default:
          return methodNotAllowed(r.method);
      }
    }
    switch (r.method) {
      case 'PUT':
        return this.putObject(r, r.bucket, r.key, encoded);
      case 'GET': {
        const object = await this.store.getObject(r.caller, r.bucket, r.key);
        return sendObject(r, object, object.body);
      }
      case 'HEAD': {
        const object = await this.store.headObject(r.caller, r.bucket, r.key);
        return sendObject(r, object, null);
      }
      case 'DELETE':
        await this.store.deleteObject(r.caller, r.bucket, r.key);
        r.res.status(204).end();
        return;
      default:
        return methodNotAllowed(r.method);
    }
  }

  private async listBuckets(r: S3Request): Promise<void> {
    const maxBuckets = integerParam(r.query, 'max-buckets', 1, S3_LIMITS.maxKeys, 10_000);
    const prefix = r.query.get('prefix');
    const listing = await this.store.listBuckets(r.caller, {
      prefix: prefix ?? '',
      maxBuckets: Math.min(maxBuckets, S3_LIMITS.maxKeys),
      token: r.query.get('continuation-token'),
      region: r.query.get('bucket-region'),
    });
    sendXml(r, listBucketsDocument(listing, ownerOf(r.tenantId, r.caller.accountId), prefix));
  }

  private async createBucket(r: S3Request, body: Buffer): Promise<void> {
    const bucket = await this.store.createBucket(r.caller, r.bucket!, locationConstraintOf(body));
    r.res.setHeader('location', `/${bucket.name}`);
    r.res.status(200).end();
  }

  private async getBucketLocation(r: S3Request): Promise<void> {
    sendXml(r, locationDocument(await this.store.bucket(r.caller, r.bucket!)));
  }

  private async listObjects(r: S3Request): Promise<void> {
    const encoding = r.query.get('encoding-type');
    if (encoding !== null && encoding !== 'url') {
      throw new S3Error(
        'InvalidArgument',
        'Invalid Encoding Method specified in Request',
        400,
        ErrorCode.BAD_USER_INPUT,
        {
          ArgumentName: 'encoding-type',
          ArgumentValue: encoding.slice(0, 100),
        },
      );
    }
    const request = {
      bucket: r.bucket!,
      prefix: r.query.get('prefix') ?? '',
      delimiter: r.query.get('delimiter') ?? '',
      maxKeys: Math.min(
        integerParam(r.query, 'max-keys', 0, Number.MAX_SAFE_INTEGER, 1000),
        S3_LIMITS.maxKeys,
      ),
      token: r.query.get('continuation-token'),
      startAfter: r.query.get('start-after'),
      urlEncoded: encoding === 'url',
      owner: r.query.get('fetch-owner') === 'true' ? ownerOf(r.tenantId, r.caller.accountId) : null,
    };
    const listing = await this.store.listObjects(r.caller, request.bucket, request);
    sendXml(r, listObjectsDocument(request, listing));
  }

  private async putObject(
    r: S3Request,
    bucket: string,
    key: string,
    encoded: Buffer,
  ): Promise<void> {
    const headers = r.req.headers;
    const mode = payloadMode(header(headers['x-amz-content-sha256']));
    let body = encoded;
    const digests: Record<string, string> = {};
    if (mode.kind === 'hash') {
      if (createHash('sha256').update(encoded).digest('hex') !== mode.sha256) {
        throw new S3Error(
          'XAmzContentSHA256Mismatch',
          "The provided 'x-amz-content-sha256' header does not match what was computed.",
          400,
          ErrorCode.BAD_USER_INPUT,
        );
      }
    } else if (mode.kind === 'chunked') {
      const decoded = decodeAwsChunked(encoded, mode, mode.signedChunks ? r.signing : null);
      const declaredLength = header(headers['x-amz-decoded-content-length']);
      if (declaredLength !== undefined && Number(declaredLength) !== decoded.body.length) {
        throw new S3Error(
          'IncompleteBody',
          'You did not provide the number of bytes specified by the x-amz-decoded-content-length HTTP header',
          400,
          ErrorCode.BAD_USER_INPUT,
        );
      }
      body = decoded.body;
      Object.assign(digests, decoded.trailers);
    }
    for (const [name, value] of Object.entries(headers)) {
      if (
        (name === 'content-md5' || name.startsWith('x-amz-checksum-')) &&
        typeof value === 'string'
      ) {
        digests[name] = value;
      }
    }
    const contentType = header(headers['content-type']) ?? 'binary/octet-stream';
    const stored = await this.store.putObject(r.caller, bucket, key, body, {
      contentType: contentType.slice(0, 256),
      digests,
    });
    r.res.setHeader('etag', `"${stored.etag}"`);
    for (const [name, value] of Object.entries(digests)) {
      if (name.startsWith('x-amz-checksum-') && name !== 'x-amz-checksum-type') {
        r.res.setHeader(name, value);
      }
    }
    r.res.status(200).end();
  }
}

/** `/bucket/key...` as sent (each segment percent-encoded once): the bucket and the key, decoded. */
function pathOf(rawPath: string): { bucket: string | null; key: string | null } {
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw new S3Error(
        'InvalidURI',
        "Couldn't parse the specified URI.",
        400,
        ErrorCode.BAD_USER_INPUT,
      );
    }
  };
  const path = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
  if (!path) {
    return { bucket: null, key: null };
  }
  const slash = path.indexOf('/');
  if (slash < 0 || slash === path.length - 1) {
    return { bucket: decode(slash < 0 ? path : path.slice(0, slash)), key: null };
  }
  return { bucket: decode(path.slice(0, slash)), key: decode(path.slice(slash + 1)) };
}

async function readBody(req: Request): Promise<Buffer> {
  const length = header(req.headers['content-length']);
  if (length === undefined && req.headers['transfer-encoding'] === undefined) {
    return Buffer.alloc(0);
  }
  if (length !== undefined && Number(length) > MAX_ENCODED_BODY) {
    throw entityTooLarge(Number(length));
  }
  try {
    return await getRawBody(req, { length: length ?? null, limit: MAX_ENCODED_BODY });
  } catch (error) {
    if ((error as { type?: string }).type === 'entity.too.large') {
      throw entityTooLarge(MAX_ENCODED_BODY + 1);
    }
    throw new S3Error(
      'IncompleteBody',
      'You did not provide the number of bytes specified by the Content-Length HTTP header',
      400,
      ErrorCode.BAD_USER_INPUT,
    );
  }
}

function entityTooLarge(size: number): S3Error {
  return new S3Error(
    'EntityTooLarge',
    'Your proposed upload exceeds the maximum allowed size',
    400,
    ErrorCode.BAD_USER_INPUT,
    {
      ProposedSize: String(size),
      MaxSizeAllowed: String(TEMPLATE_LIMITS.bundleObject),
    },
  );
}

function methodNotAllowed(method: string): Promise<void> {
  return Promise.reject(
    new S3Error(
      'MethodNotAllowed',
      'The specified method is not allowed against this resource.',
      405,
      ErrorCode.BAD_USER_INPUT,
      {
        Method: method.slice(0, 16),
        ResourceType: 'OBJECT',
      },
    ),
  );
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/** A whole-number query parameter within its range, or InvalidArgument; `fallback` when absent. */
function integerParam(
  query: URLSearchParams,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  const text = query.get(name);
  if (text === null) {
    return fallback;
  }
  const value = /^\d{1,16}$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) {
    throw new S3Error(
      'InvalidArgument',
      `Provided ${name} not an integer or within integer range`,
      400,
      ErrorCode.BAD_USER_INPUT,
      {
        ArgumentName: name,
        ArgumentValue: text.slice(0, 100),
      },
    );
  }
  return value;
}

function sendXml(r: S3Request, xml: string): void {
  r.res.status(200).type('application/xml').send(xml);
}

/** GetObject and HeadObject: the object's headers, and its bytes (or the range asked for). */
function sendObject(r: S3Request, object: BundleObjectInfo, body: Buffer | null): void {
  const res = r.res;
  res.setHeader('etag', `"${object.etag}"`);
  res.setHeader('last-modified', object.createdAt.toUTCString());
  res.setHeader('content-type', object.contentType);
  res.setHeader('accept-ranges', 'bytes');
  const range = rangeOf(header(r.req.headers.range), object.size);
  if (range) {
    res.status(206);
    res.setHeader('content-range', `bytes ${range.start}-${range.end}/${object.size}`);
    res.setHeader('content-length', String(range.end - range.start + 1));
    res.end(body ? body.subarray(range.start, range.end + 1) : undefined);
    return;
  }
  res.status(200);
  res.setHeader('content-length', String(object.size));
  res.end(body ?? undefined);
}
