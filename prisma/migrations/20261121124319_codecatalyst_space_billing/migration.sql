-- AlterTable
ALTER TABLE "spaces" ADD COLUMN     "billingConnectionId" UUID;
