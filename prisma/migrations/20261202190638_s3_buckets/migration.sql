-- The simulated S3 endpoint: buckets, owned by an account, named uniquely in a tenant.
CREATE TABLE "s3_buckets" (
    "tenantId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "accountId" CHAR(12) NOT NULL,
    "region" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "s3_buckets_pkey" PRIMARY KEY ("tenantId","name")
);

CREATE UNIQUE INDEX "s3_buckets_tenantId_accountId_name_key" ON "s3_buckets"("tenantId", "accountId", "name");

ALTER TABLE "s3_buckets" ADD CONSTRAINT "s3_buckets_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "s3_buckets" ADD CONSTRAINT "s3_buckets_tenantId_accountId_fkey" FOREIGN KEY ("tenantId", "accountId") REFERENCES "accounts"("tenantId", "accountId") ON DELETE CASCADE ON UPDATE CASCADE;

-- Objects stored before buckets existed: each (tenant, bucket) becomes a bucket of the account that
-- holds it. Two accounts of one tenant holding the same bucket name cannot both keep it (names are
-- unique in a tenant now): the migration stops and says which, rather than drop anyone's objects.
DO $$
DECLARE
  clash RECORD;
BEGIN
  SELECT "tenantId", "bucket" INTO clash FROM "bundle_objects"
  GROUP BY "tenantId", "bucket" HAVING count(DISTINCT "accountId") > 1 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'tenant % has bucket "%" in more than one account: rename one account''s objects before migrating', clash."tenantId", clash."bucket";
  END IF;
END $$;

INSERT INTO "s3_buckets" ("tenantId", "name", "accountId", "region", "createdAt")
SELECT "tenantId", "bucket", min("accountId"), 'us-east-1', min("createdAt")
FROM "bundle_objects" GROUP BY "tenantId", "bucket";

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
