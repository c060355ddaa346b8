import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
  S3ClientConfig,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import {
  CreateEnvironmentTemplateCommand,
  CreateEnvironmentTemplateVersionCommand,
  UpdateEnvironmentTemplateVersionCommand,
  waitUntilEnvironmentDeployed,
  waitUntilEnvironmentTemplateVersionRegistered,
} from '@aws-sdk/client-proton';
import { apiUrl, ok } from './test/client';
import { CLOUDFORMATION_MANIFEST, CLOUDFORMATION_TEMPLATE, tarGz } from './test/bundles';
import {
  createEnvironment,
  environmentWorld,
  ENV,
  MGMT,
  STANDARD_SCHEMA,
  WAIT,
} from './test/environments';
import { AccessKey, protonWorld } from './test/proton';

function s3(key: AccessKey, config: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint: apiUrl(),
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: key,
    maxAttempts: 1,
    ...config,
  });
}

/** The S3 error a call ended with: its code (the SDK's exception name) and HTTP status. */
async function refusal(call: Promise<unknown>): Promise<{ code: string; status?: number }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof S3ServiceException) {
      return { code: error.name, status: error.$metadata.httpStatusCode };
    }
    throw error;
  }
  throw new Error('the call succeeded');
}

async function text(body: unknown): Promise<string> {
  return (body as { transformToString(): Promise<string> }).transformToString();
}

describe('the S3 endpoint (path-style, SigV4 for s3, the tenant access keys)', () => {
  it('serves the bucket and object lifecycle to @aws-sdk/client-s3', async () => {
    const w = await protonWorld();
    const client = s3(w.keys[MGMT]);
    const created = await client.send(new CreateBucketCommand({ Bucket: 'sdk-bundles' }));
    expect(created.Location).toBe('/sdk-bundles');
    const head = await client.send(new HeadBucketCommand({ Bucket: 'sdk-bundles' }));
    expect(head.BucketRegion).toBe('us-east-1');
    const location = await client.send(new GetBucketLocationCommand({ Bucket: 'sdk-bundles' }));
    // S3 answers an empty LocationConstraint for us-east-1.
    expect(location.LocationConstraint ?? '').toBe('');

    const put = await client.send(
      new PutObjectCommand({
        Bucket: 'sdk-bundles',
        Key: 'a/hello.txt',
        Body: Buffer.from('hello world'),
        ContentType: 'text/plain',
      }),
    );
    expect(put.ETag).toBe('"5eb63bbbe01eeed093cb22bb8f5acdc3"');
    // A stream of known length: the SDK sends it aws-chunked with a trailing checksum.
    const streamed = await client.send(
      new PutObjectCommand({
        Bucket: 'sdk-bundles',
        Key: 'a/b/streamed.bin',
        Body: Readable.from([Buffer.alloc(70_000, 7), Buffer.alloc(30_000, 9)]),
        ContentLength: 100_000,
      }),
    );
    expect(streamed.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(streamed.ChecksumCRC32).toBeDefined();

    const got = await client.send(
      new GetObjectCommand({ Bucket: 'sdk-bundles', Key: 'a/hello.txt' }),
    );
    expect(got).toMatchObject({
      ContentType: 'text/plain',
      ContentLength: 11,
      ETag: '"5eb63bbbe01eeed093cb22bb8f5acdc3"',
    });
    expect(await text(got.Body)).toBe('hello world');
    const ranged = await client.send(
      new GetObjectCommand({ Bucket: 'sdk-bundles', Key: 'a/hello.txt', Range: 'bytes=6-' }),
    );
    expect(ranged.ContentRange).toBe('bytes 6-10/11');
    expect(await text(ranged.Body)).toBe('world');
    const bin = await client.send(
      new GetObjectCommand({ Bucket: 'sdk-bundles', Key: 'a/b/streamed.bin' }),
    );
    const bytes = Buffer.from(
      await (bin.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    );
    expect(bytes.length).toBe(100_000);
    expect([bytes[0], bytes[69_999], bytes[70_000], bytes[99_999]]).toEqual([7, 7, 9, 9]);
    const headObject = await client.send(
      new HeadObjectCommand({ Bucket: 'sdk-bundles', Key: 'a/b/streamed.bin' }),
    );
    expect(headObject.ContentLength).toBe(100_000);
    // The type the SDK sent for a stream is kept.
    expect(headObject.ContentType).toBe('application/octet-stream');

    const listed = await client.send(
      new ListObjectsV2Command({ Bucket: 'sdk-bundles', Prefix: 'a/', Delimiter: '/' }),
    );
    expect(listed.Contents?.map((o) => [o.Key, o.Size])).toEqual([['a/hello.txt', 11]]);
    expect(listed.CommonPrefixes).toEqual([{ Prefix: 'a/b/' }]);
    expect(listed).toMatchObject({ KeyCount: 2, IsTruncated: false, Prefix: 'a/', Delimiter: '/' });

    const buckets = await client.send(new ListBucketsCommand({}));
    expect(buckets.Buckets?.map((b) => [b.Name, b.BucketRegion])).toEqual([
      ['sdk-bundles', 'us-east-1'],
    ]);
    expect(buckets.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);

    expect(await refusal(client.send(new DeleteBucketCommand({ Bucket: 'sdk-bundles' })))).toEqual({
      code: 'BucketNotEmpty',
      status: 409,
    });
    await client.send(new DeleteObjectCommand({ Bucket: 'sdk-bundles', Key: 'a/hello.txt' }));
    await client.send(new DeleteObjectCommand({ Bucket: 'sdk-bundles', Key: 'a/b/streamed.bin' }));
    // Deleting a key that is not there succeeds, as in S3.
    await client.send(new DeleteObjectCommand({ Bucket: 'sdk-bundles', Key: 'a/hello.txt' }));
    expect(
      await refusal(
        client.send(new GetObjectCommand({ Bucket: 'sdk-bundles', Key: 'a/hello.txt' })),
      ),
    ).toEqual({ code: 'NoSuchKey', status: 404 });
    await client.send(new DeleteBucketCommand({ Bucket: 'sdk-bundles' }));
    expect(await refusal(client.send(new HeadBucketCommand({ Bucket: 'sdk-bundles' })))).toEqual({
      code: 'NotFound',
      status: 404,
    });
    expect(await refusal(client.send(new ListObjectsV2Command({ Bucket: 'sdk-bundles' })))).toEqual(
      { code: 'NoSuchBucket', status: 404 },
    );
  });

  it('is one store with the GraphQL putBundleObject, which creates its bucket on first use', async () => {
    const w = await protonWorld();
    await ok(
      'mutation($input: PutBundleObjectInput!) { putBundleObject(input: $input) { size } }',
      {
        input: { accountId: MGMT, bucket: 'from-graphql', key: 'schema.yaml', body: 'schema: {}' },
      },
      w.tenant.admin,
    );
    const client = s3(w.keys[MGMT]);
    const got = await client.send(
      new GetObjectCommand({ Bucket: 'from-graphql', Key: 'schema.yaml' }),
    );
    expect(await text(got.Body)).toBe('schema: {}');
    expect(
      (await client.send(new HeadBucketCommand({ Bucket: 'from-graphql' }))).BucketRegion,
    ).toBe('us-east-1');
    // Another account's put of that bucket name goes to a bucket of its own.
    await ok(
      'mutation($input: PutBundleObjectInput!) { putBundleObject(input: $input) { size } }',
      { input: { accountId: ENV, bucket: 'from-graphql', key: 'x', body: 'x' } },
      w.tenant.admin,
    );
    const own = await s3(w.keys[ENV]).send(new ListObjectsV2Command({ Bucket: 'from-graphql' }));
    expect(own.Contents?.map((o) => o.Key)).toEqual(['x']);
    const kept = await client.send(new ListObjectsV2Command({ Bucket: 'from-graphql' }));
    expect(kept.Contents?.map((o) => o.Key)).toEqual(['schema.yaml']);
  });

  it('pages ListObjectsV2 in byte order with continuation tokens bound to their listing', async () => {
    const w = await protonWorld();
    const client = s3(w.keys[MGMT]);
    await client.send(new CreateBucketCommand({ Bucket: 'paged' }));
    const keys = ['b', 'a', 'B', 'a/x', 'a b', 'é', 'a&<c>', 'z/1', 'z/2'];
    for (const key of keys) {
      await client.send(new PutObjectCommand({ Bucket: 'paged', Key: key, Body: key }));
    }
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListObjectsV2({ client, pageSize: 2 }, { Bucket: 'paged' })) {
      pages += 1;
      seen.push(...(page.Contents ?? []).map((o) => o.Key as string));
    }
    expect(seen).toEqual([...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
    expect(pages).toBe(5);
    const first = await client.send(
      new ListObjectsV2Command({ Bucket: 'paged', MaxKeys: 1, Prefix: 'a' }),
    );
    expect(first.NextContinuationToken).toBeDefined();
    // A token from one listing does not continue another (another prefix here).
    expect(
      await refusal(
        client.send(
          new ListObjectsV2Command({
            Bucket: 'paged',
            Prefix: 'z',
            ContinuationToken: first.NextContinuationToken,
          }),
        ),
      ),
    ).toEqual({ code: 'InvalidArgument', status: 400 });
    const after = await client.send(
      new ListObjectsV2Command({ Bucket: 'paged', StartAfter: 'b', Delimiter: '/' }),
    );
    expect(after.Contents?.map((o) => o.Key)).toEqual(['é']);
    expect(after.CommonPrefixes).toEqual([{ Prefix: 'z/' }]);
  });

  it('keeps buckets to their account and tenant, with S3 errors', async () => {
    const w = await protonWorld();
    const other = await protonWorld();
    const owner = s3(w.keys[MGMT]);
    await owner.send(new CreateBucketCommand({ Bucket: 'private-bundles' }));
    await owner.send(new PutObjectCommand({ Bucket: 'private-bundles', Key: 'k', Body: 'secret' }));
    // Another account of the same tenant: its namespace is its own, where the bucket is not.
    const sibling = s3(w.keys[ENV]);
    expect(
      await refusal(sibling.send(new GetObjectCommand({ Bucket: 'private-bundles', Key: 'k' }))),
    ).toEqual({ code: 'NoSuchBucket', status: 404 });
    expect(
      await refusal(sibling.send(new ListObjectsV2Command({ Bucket: 'private-bundles' }))),
    ).toEqual({ code: 'NoSuchBucket', status: 404 });
    expect((await sibling.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
    // ... where it may create a bucket of that name, which stays apart from the owner's.
    await sibling.send(new CreateBucketCommand({ Bucket: 'private-bundles' }));
    expect(
      (await sibling.send(new ListObjectsV2Command({ Bucket: 'private-bundles' }))).KeyCount,
    ).toBe(0);
    // Another tenant, same account id: its own namespace, where the bucket does not exist.
    const stranger = s3(other.keys[MGMT]);
    expect(
      await refusal(stranger.send(new GetObjectCommand({ Bucket: 'private-bundles', Key: 'k' }))),
    ).toEqual({ code: 'NoSuchBucket', status: 404 });
    expect(
      await refusal(
        stranger.send(new PutObjectCommand({ Bucket: 'private-bundles', Key: 'k', Body: 'x' })),
      ),
    ).toEqual({ code: 'NoSuchBucket', status: 404 });
    // The owner again: its own bucket in us-east-1 is created again without error, as in S3.
    await owner.send(new CreateBucketCommand({ Bucket: 'private-bundles' }));
    expect(
      await refusal(owner.send(new GetObjectCommand({ Bucket: 'private-bundles', Key: 'nope' }))),
    ).toEqual({ code: 'NoSuchKey', status: 404 });
    expect(await refusal(owner.send(new CreateBucketCommand({ Bucket: 'Not_A_Bucket' })))).toEqual({
      code: 'InvalidBucketName',
      status: 400,
    });
    expect(
      await refusal(
        owner.send(
          new CreateBucketCommand({
            Bucket: 'elsewhere',
            CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
          }),
        ),
      ),
    ).toEqual({ code: 'IllegalLocationConstraintException', status: 400 });
    expect(
      await refusal(
        owner.send(
          new PutObjectCommand({
            Bucket: 'private-bundles',
            Key: 'k2',
            Body: 'hello world',
            ContentMD5: '1B2M2Y8AsgTpgAEY7i9+Kw==',
          }),
        ),
      ),
    ).toEqual({ code: 'BadDigest', status: 400 });
    const forged = s3({ ...w.keys[MGMT], secretAccessKey: 'x'.repeat(40) });
    expect(await refusal(forged.send(new ListBucketsCommand({})))).toEqual({
      code: 'SignatureDoesNotMatch',
      status: 403,
    });
    const unknown = s3({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x'.repeat(40) });
    expect(await refusal(unknown.send(new ListBucketsCommand({})))).toEqual({
      code: 'InvalidAccessKeyId',
      status: 403,
    });
    // Nothing of the refused writes was stored.
    const listed = await owner.send(new ListObjectsV2Command({ Bucket: 'private-bundles' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['k']);
  });

  it('refuses what it does not serve, rather than ignoring it', async () => {
    const w = await protonWorld();
    const client = s3(w.keys[MGMT]);
    await client.send(new CreateBucketCommand({ Bucket: 'plain' }));
    const { CopyObjectCommand, PutObjectTaggingCommand } = await import('@aws-sdk/client-s3');
    await client.send(new PutObjectCommand({ Bucket: 'plain', Key: 'k', Body: 'x' }));
    expect(
      await refusal(
        client.send(new CopyObjectCommand({ Bucket: 'plain', Key: 'k2', CopySource: 'plain/k' })),
      ),
    ).toEqual({ code: 'NotImplemented', status: 501 });
    expect(
      await refusal(
        client.send(
          new PutObjectTaggingCommand({
            Bucket: 'plain',
            Key: 'k',
            Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] },
          }),
        ),
      ),
    ).toEqual({ code: 'NotImplemented', status: 501 });
    expect(
      await refusal(
        client.send(
          new PutObjectCommand({
            Bucket: 'plain',
            Key: 'big',
            Body: Buffer.alloc(2 * 1024 * 1024 + 1),
          }),
        ),
      ),
    ).toEqual({ code: 'EntityTooLarge', status: 400 });
  });

  it('registers and deploys a real .tar.gz bundle uploaded through the S3 endpoint', async () => {
    const w = await environmentWorld();
    const client = s3(w.keys[MGMT]);
    await client.send(new CreateBucketCommand({ Bucket: 'team-templates' }));
    await client.send(
      new PutObjectCommand({
        Bucket: 'team-templates',
        Key: 'web/v1.tar.gz',
        Body: await tarGz({
          'schema/schema.yaml': STANDARD_SCHEMA,
          'infrastructure/manifest.yaml': CLOUDFORMATION_MANIFEST,
          'infrastructure/cloudformation.yaml': CLOUDFORMATION_TEMPLATE,
        }),
      }),
    );
    await w.mgmt.send(new CreateEnvironmentTemplateCommand({ name: 'web' }));
    await w.mgmt.send(
      new CreateEnvironmentTemplateVersionCommand({
        templateName: 'web',
        source: { s3: { bucket: 'team-templates', key: 'web/v1.tar.gz' } },
      }),
    );
    const registered = await waitUntilEnvironmentTemplateVersionRegistered(
      { client: w.mgmt, ...WAIT },
      { templateName: 'web', majorVersion: '1', minorVersion: '0' },
    );
    expect(registered.state).toBe('SUCCESS');
    await w.mgmt.send(
      new UpdateEnvironmentTemplateVersionCommand({
        templateName: 'web',
        majorVersion: '1',
        minorVersion: '0',
        status: 'PUBLISHED',
      }),
    );
    await createEnvironment(w, 'from-s3');
    const deployed = await waitUntilEnvironmentDeployed(
      { client: w.mgmt, ...WAIT },
      { name: 'from-s3' },
    );
    expect(deployed.state).toBe('SUCCESS');
  });
});
