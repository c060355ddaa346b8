-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "faultInjection" JSONB NOT NULL DEFAULT '[]';
