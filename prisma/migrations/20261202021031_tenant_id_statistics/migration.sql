-- Queries of tenant-owned tables always name their tenant; the planner's per-value statistics of
-- "tenantId" describe the tenants of the last ANALYZE, so a tenant absent from them (a new or a
-- small one) is estimated at about one row, every index that starts with "tenantId" looks equally
-- cheap, and the planner picks one at random and filters the rest. Without statistics for the
-- column, its equality gets the default selectivity and the index matching most of the query wins.
ALTER TABLE "access_keys" ALTER COLUMN "tenantId" SET STATISTICS 0;
ALTER TABLE "account_connection_transitions" ALTER COLUMN "tenantId" SET STATISTICS 0;
ALTER TABLE "account_connections" ALTER COLUMN "tenantId" SET STATISTICS 0;
ALTER TABLE "accounts" ALTER COLUMN "tenantId" SET STATISTICS 0;
ALTER TABLE "api_keys" ALTER COLUMN "tenantId" SET STATISTICS 0;
ALTER TABLE "bundle_objects" ALTER COLUMN "tenantId" SET STATISTICS 0;
ALTER TABLE "connection_iam_roles" ALTER COLUMN "tenantId" SET STATISTICS 0;
ALTER TABLE "connection_role_validations" ALTER COLUMN "tenantId" SET STATISTICS 0;
ALTER TABLE "connection_transitions" ALTER COLUMN "tenantId" SET STATISTICS 0;
ALTER TABLE "deployments" ALTER COLUMN "tenantId" SET STATISTICS 0;
ALTER TABLE "environment_account_connections" ALTER COLUMN "tenantId" SET STATISTICS 0;
ALTER TABLE "environment_template_versions" ALTER COLUMN "tenantId" SET STATISTICS 0;
ALTER TABLE "environment_templates" ALTER COLUMN "tenantId" SET STATISTICS 0;
ALTER TABLE "environments" ALTER COLUMN "tenantId" SET STATISTICS 0;
ALTER TABLE "outbox_events" ALTER COLUMN "tenantId" SET STATISTICS 0;
ALTER TABLE "resource_tags" ALTER COLUMN "tenantId" SET STATISTICS 0;
ALTER TABLE "roles" ALTER COLUMN "tenantId" SET STATISTICS 0;
ALTER TABLE "space_members" ALTER COLUMN "tenantId" SET STATISTICS 0;
ALTER TABLE "spaces" ALTER COLUMN "tenantId" SET STATISTICS 0;
ALTER TABLE "stacks" ALTER COLUMN "tenantId" SET STATISTICS 0;
ALTER TABLE "users" ALTER COLUMN "tenantId" SET STATISTICS 0;
