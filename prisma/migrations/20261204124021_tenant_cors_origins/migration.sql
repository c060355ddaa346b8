-- The origins whose browser pages may call the API on the tenant's path /tenants/{id}/ (CORS and the
-- graphql-ws upgrade), beside CORS_ORIGINS; none for existing tenants.
-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "corsOrigins" TEXT[] DEFAULT ARRAY[]::TEXT[];
