-- The simulated S3 endpoint: buckets, each account with a namespace of its own.
CREATE TABLE "s3_buckets" (
    "tenantId" UUID NOT NULL,
    "name" TEXT COLLATE "C" NOT NULL,
    "accountId" CHAR(12) NOT NULL,
    "region" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "s3_buckets_pkey" PRIMARY KEY ("tenantId","accountId","name")
);

ALTER TABLE "s3_buckets" ADD CONSTRAINT "s3_buckets_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "s3_buckets" ADD CONSTRAINT "s3_buckets_tenantId_accountId_fkey" FOREIGN KEY ("tenantId", "accountId") REFERENCES "accounts"("tenantId", "accountId") ON DELETE CASCADE ON UPDATE CASCADE;

-- Objects stored before buckets existed: each (tenant, account, bucket) becomes a bucket.
INSERT INTO "s3_buckets" ("tenantId", "accountId", "name", "region", "createdAt")
SELECT "tenantId", "accountId", "bucket", 'us-east-1', min("createdAt")
FROM "bundle_objects" GROUP BY "tenantId", "accountId", "bucket";

ALTER TABLE "bundle_objects" ADD COLUMN "contentType" TEXT NOT NULL DEFAULT 'binary/octet-stream',
ADD COLUMN "etag" TEXT;
UPDATE "bundle_objects" SET "etag" = md5("body");
ALTER TABLE "bundle_objects" ALTER COLUMN "etag" SET NOT NULL;

ALTER TABLE "bundle_objects" ADD CONSTRAINT "bundle_objects_tenantId_accountId_bucket_fkey" FOREIGN KEY ("tenantId", "accountId", "bucket") REFERENCES "s3_buckets"("tenantId", "accountId", "name") ON DELETE NO ACTION ON UPDATE CASCADE;

-- Tenant isolation, as on every tenant-owned table.
ALTER TABLE "s3_buckets" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "s3_buckets"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());
ALTER TABLE "s3_buckets" ALTER COLUMN "tenantId" SET STATISTICS 0;

-- S3 lists keys in the byte order of their UTF-8: the key's collation is "C" whatever the
-- database's, so that ListObjectsV2's keyset pages follow the primary key's index.
ALTER TABLE "bundle_objects" ALTER COLUMN "key" TYPE TEXT COLLATE "C";
