-- AlterTable
ALTER TABLE "outbox_events" ADD COLUMN     "userIds" TEXT[] DEFAULT ARRAY[]::TEXT[];
