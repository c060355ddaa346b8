-- CreateEnum
CREATE TYPE "AccountConnectionStatus" AS ENUM ('PENDING_VERIFICATION', 'VERIFIED', 'REJECTED', 'EXPIRED');

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "connectionTokenTtlSeconds" INTEGER NOT NULL DEFAULT 86400,
ADD COLUMN     "verificationsPerMinutePerCaller" INTEGER NOT NULL DEFAULT 10,
ADD COLUMN     "verificationsPerMinutePerTenant" INTEGER NOT NULL DEFAULT 100;

-- CreateTable
CREATE TABLE "account_connections" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "spaceId" UUID NOT NULL,
    "accountId" CHAR(12) NOT NULL,
    "displayName" TEXT NOT NULL,
    "description" TEXT,
    "status" "AccountConnectionStatus" NOT NULL,
    "tokenHash" TEXT,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "paidTiersAuthorized" BOOLEAN NOT NULL DEFAULT false,
    "liveKey" TEXT,
    "version" INTEGER NOT NULL DEFAULT 0,
    "requestedBy" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "verifiedAt" TIMESTAMPTZ(3),
    "lastModifiedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "account_connections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "account_connection_transitions" (
    "id" BIGSERIAL NOT NULL,
    "tenantId" UUID NOT NULL,
    "connectionId" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "fromStatus" "AccountConnectionStatus",
    "toStatus" "AccountConnectionStatus" NOT NULL,
    "reason" TEXT NOT NULL,

    CONSTRAINT "account_connection_transitions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "account_connections_tenantId_spaceId_createdAt_id_idx" ON "account_connections"("tenantId", "spaceId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "account_connections_tenantId_accountId_createdAt_id_idx" ON "account_connections"("tenantId", "accountId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "account_connections_status_expiresAt_idx" ON "account_connections"("status", "expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "account_connections_tenantId_liveKey_key" ON "account_connections"("tenantId", "liveKey");

-- CreateIndex
CREATE UNIQUE INDEX "account_connections_tenantId_tokenHash_key" ON "account_connections"("tenantId", "tokenHash");

-- CreateIndex
CREATE INDEX "account_connection_transitions_connectionId_id_idx" ON "account_connection_transitions"("connectionId", "id");

-- AddForeignKey
ALTER TABLE "account_connections" ADD CONSTRAINT "account_connections_spaceId_fkey" FOREIGN KEY ("spaceId") REFERENCES "spaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "account_connection_transitions" ADD CONSTRAINT "account_connection_transitions_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "account_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Row-level security for the new tenant-owned tables.
ALTER TABLE "account_connections" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "account_connections"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

ALTER TABLE "account_connection_transitions" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "account_connection_transitions"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());
