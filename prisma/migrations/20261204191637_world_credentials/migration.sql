-- Bulk worlds: the most accounts one createWorld call may create (a tenant setting).
-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "worldAccountLimit" INTEGER NOT NULL DEFAULT 10000;

-- CreateTable
CREATE TABLE "world_credentials" (
    "tenantId" UUID NOT NULL,
    "worldId" UUID NOT NULL,
    "batch" INTEGER NOT NULL,
    "sealed" BYTEA NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "world_credentials_pkey" PRIMARY KEY ("tenantId","worldId","batch")
);

-- AddForeignKey
ALTER TABLE "world_credentials" ADD CONSTRAINT "world_credentials_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Tenant isolation, as on every tenant-owned table.
ALTER TABLE "world_credentials" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "world_credentials"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());
ALTER TABLE "world_credentials" ALTER COLUMN "tenantId" SET STATISTICS 0;
