-- CreateEnum
CREATE TYPE "EnvironmentAccountConnectionStatus" AS ENUM ('PENDING', 'CONNECTED', 'REJECTED');

-- CreateEnum
CREATE TYPE "ConnectionRoleKind" AS ENUM ('ROLE', 'CODEBUILD_ROLE', 'COMPONENT_ROLE');

-- CreateEnum
CREATE TYPE "RoleValidationStatus" AS ENUM ('PENDING', 'VALID', 'INVALID');

-- AlterTable
ALTER TABLE "outbox_events" DROP COLUMN "accountId",
ADD COLUMN     "accountIds" TEXT[];

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "connectionQuota" INTEGER NOT NULL DEFAULT 1000,
ADD COLUMN     "requestsPerSecondPerAccount" INTEGER NOT NULL DEFAULT 100;

-- CreateTable
CREATE TABLE "environment_account_connections" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "region" TEXT NOT NULL,
    "environmentAccountId" CHAR(12) NOT NULL,
    "managementAccountId" CHAR(12) NOT NULL,
    "environmentName" TEXT NOT NULL,
    "roleArn" TEXT,
    "codebuildRoleArn" TEXT,
    "componentRoleArn" TEXT,
    "status" "EnvironmentAccountConnectionStatus" NOT NULL,
    "liveKey" TEXT,
    "clientToken" TEXT,
    "requestHash" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    "requestedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastModifiedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "environment_account_connections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connection_role_validations" (
    "tenantId" UUID NOT NULL,
    "connectionId" UUID NOT NULL,
    "kind" "ConnectionRoleKind" NOT NULL,
    "roleArn" TEXT NOT NULL,
    "status" "RoleValidationStatus" NOT NULL DEFAULT 'PENDING',
    "reason" TEXT,
    "checkedAt" TIMESTAMPTZ(3),

    CONSTRAINT "connection_role_validations_pkey" PRIMARY KEY ("connectionId","kind")
);

-- CreateTable
CREATE TABLE "connection_transitions" (
    "id" BIGSERIAL NOT NULL,
    "tenantId" UUID NOT NULL,
    "connectionId" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "fromStatus" "EnvironmentAccountConnectionStatus",
    "toStatus" "EnvironmentAccountConnectionStatus" NOT NULL,
    "reason" TEXT NOT NULL,

    CONSTRAINT "connection_transitions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "resource_tags" (
    "tenantId" UUID NOT NULL,
    "resourceArn" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "resource_tags_pkey" PRIMARY KEY ("tenantId","resourceArn","key")
);

-- CreateIndex
CREATE INDEX "environment_account_connections_tenantId_environmentAccount_idx" ON "environment_account_connections"("tenantId", "environmentAccountId", "region", "requestedAt", "id");

-- CreateIndex
CREATE INDEX "environment_account_connections_tenantId_managementAccountI_idx" ON "environment_account_connections"("tenantId", "managementAccountId", "region", "requestedAt", "id");

-- CreateIndex
CREATE UNIQUE INDEX "environment_account_connections_tenantId_liveKey_key" ON "environment_account_connections"("tenantId", "liveKey");

-- CreateIndex
CREATE UNIQUE INDEX "environment_account_connections_tenantId_environmentAccount_key" ON "environment_account_connections"("tenantId", "environmentAccountId", "clientToken");

-- CreateIndex
CREATE INDEX "connection_role_validations_tenantId_roleArn_idx" ON "connection_role_validations"("tenantId", "roleArn");

-- CreateIndex
CREATE INDEX "connection_transitions_connectionId_id_idx" ON "connection_transitions"("connectionId", "id");

-- AddForeignKey
ALTER TABLE "environment_account_connections" ADD CONSTRAINT "environment_account_connections_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connection_role_validations" ADD CONSTRAINT "connection_role_validations_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "environment_account_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connection_transitions" ADD CONSTRAINT "connection_transitions_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "environment_account_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "resource_tags" ADD CONSTRAINT "resource_tags_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Row-level security for the new tenant-owned tables (see the row_level_security migration).
ALTER TABLE "environment_account_connections" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "environment_account_connections"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

ALTER TABLE "connection_role_validations" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "connection_role_validations"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

ALTER TABLE "connection_transitions" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "connection_transitions"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

ALTER TABLE "resource_tags" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "resource_tags"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());
