-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "accountConnectionQuota" INTEGER NOT NULL DEFAULT 1000,
ADD COLUMN     "bundleObjectQuota" INTEGER NOT NULL DEFAULT 1000;
