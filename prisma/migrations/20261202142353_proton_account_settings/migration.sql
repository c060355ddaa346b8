-- CreateTable
CREATE TABLE "proton_account_settings" (
    "tenantId" UUID NOT NULL,
    "accountId" CHAR(12) NOT NULL,
    "region" TEXT NOT NULL,
    "pipelineServiceRoleArn" TEXT,
    "pipelineCodebuildRoleArn" TEXT,
    "repositoryProvider" TEXT,
    "repositoryName" TEXT,
    "repositoryBranch" TEXT,
    "lastModifiedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "proton_account_settings_pkey" PRIMARY KEY ("tenantId","accountId","region")
);

-- AddForeignKey
ALTER TABLE "proton_account_settings" ADD CONSTRAINT "proton_account_settings_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Tenant isolation, as on every tenant-owned table.
ALTER TABLE "proton_account_settings" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "proton_account_settings"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());
ALTER TABLE "proton_account_settings" ALTER COLUMN "tenantId" SET STATISTICS 0;
