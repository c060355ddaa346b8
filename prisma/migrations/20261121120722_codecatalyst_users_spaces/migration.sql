-- CreateEnum
CREATE TYPE "SpaceTier" AS ENUM ('FREE', 'STANDARD', 'ENTERPRISE');

-- CreateEnum
CREATE TYPE "SpaceRole" AS ENUM ('SPACE_ADMINISTRATOR', 'POWER_USER', 'LIMITED_ACCESS');

-- AlterEnum
ALTER TYPE "ApiKeyKind" ADD VALUE 'USER';

-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "userId" UUID;

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "emailKey" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "spaces" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "nameKey" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "tier" "SpaceTier" NOT NULL DEFAULT 'FREE',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "spaces_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "space_members" (
    "tenantId" UUID NOT NULL,
    "spaceId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "role" "SpaceRole" NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "space_members_pkey" PRIMARY KEY ("spaceId","userId")
);

-- CreateIndex
CREATE INDEX "users_tenantId_createdAt_id_idx" ON "users"("tenantId", "createdAt", "id");

-- CreateIndex
CREATE UNIQUE INDEX "users_tenantId_emailKey_key" ON "users"("tenantId", "emailKey");

-- CreateIndex
CREATE UNIQUE INDEX "spaces_tenantId_nameKey_key" ON "spaces"("tenantId", "nameKey");

-- CreateIndex
CREATE INDEX "space_members_tenantId_userId_idx" ON "space_members"("tenantId", "userId");

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "spaces" ADD CONSTRAINT "spaces_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "space_members" ADD CONSTRAINT "space_members_spaceId_fkey" FOREIGN KEY ("spaceId") REFERENCES "spaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "space_members" ADD CONSTRAINT "space_members_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Row-level security for the new tenant-owned tables.
ALTER TABLE "users" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "users"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

ALTER TABLE "spaces" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "spaces"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

ALTER TABLE "space_members" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "space_members"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

-- Authentication now also answers for user keys.
DROP FUNCTION auth_api_key(text);
CREATE FUNCTION auth_api_key(p_key_hash text)
  RETURNS TABLE ("id" uuid, "tenantId" uuid, "tenantName" text, "kind" "ApiKeyKind", "accountId" char(12), "userId" uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT k."id", k."tenantId", t."name", k."kind", k."accountId", k."userId"
    FROM "api_keys" k JOIN "tenants" t ON t."id" = k."tenantId"
    WHERE k."keyHash" = p_key_hash AND k."revokedAt" IS NULL
  $$;
REVOKE ALL ON FUNCTION auth_api_key(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_api_key(text) TO accountlink_app;
