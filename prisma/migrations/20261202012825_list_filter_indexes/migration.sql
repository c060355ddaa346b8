-- DropIndex
DROP INDEX "account_connections_tenantId_accountId_createdAt_id_idx";

-- DropIndex
DROP INDEX "account_connections_tenantId_spaceId_createdAt_id_idx";

-- DropIndex
DROP INDEX "environment_account_connections_tenantId_environmentAccount_idx";

-- DropIndex
DROP INDEX "environment_account_connections_tenantId_managementAccountI_idx";

-- CreateIndex
CREATE INDEX "account_connections_space_status_idx" ON "account_connections"("tenantId", "spaceId", "status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "account_connections_account_status_idx" ON "account_connections"("tenantId", "accountId", "status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "account_connections_tenantId_createdAt_id_idx" ON "account_connections"("tenantId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "eac_environment_side_status_idx" ON "environment_account_connections"("tenantId", "environmentAccountId", "region", "status", "requestedAt", "id");

-- CreateIndex
CREATE INDEX "eac_management_side_status_idx" ON "environment_account_connections"("tenantId", "managementAccountId", "region", "status", "requestedAt", "id");

-- CreateIndex
CREATE INDEX "eac_environment_side_name_idx" ON "environment_account_connections"("tenantId", "environmentAccountId", "region", "environmentName", "status", "requestedAt", "id");

-- CreateIndex
CREATE INDEX "eac_management_side_name_idx" ON "environment_account_connections"("tenantId", "managementAccountId", "region", "environmentName", "status", "requestedAt", "id");

-- CreateIndex
CREATE INDEX "environments_template_name_idx" ON "environments"("tenantId", "accountId", "region", "templateName", "name");

-- CreateIndex
CREATE INDEX "environments_template_major_name_idx" ON "environments"("tenantId", "accountId", "region", "templateName", "templateMajorVersion", "name");

-- CreateIndex
CREATE INDEX "spaces_tenantId_createdAt_id_idx" ON "spaces"("tenantId", "createdAt", "id");
