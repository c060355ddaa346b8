-- CreateEnum
CREATE TYPE "TemplateVersionStatus" AS ENUM ('REGISTRATION_IN_PROGRESS', 'REGISTRATION_FAILED', 'DRAFT', 'PUBLISHED');

-- CreateEnum
CREATE TYPE "DeploymentStatus" AS ENUM ('IN_PROGRESS', 'FAILED', 'SUCCEEDED', 'DELETE_IN_PROGRESS', 'DELETE_FAILED', 'DELETE_COMPLETE', 'CANCELLING', 'CANCELLED');

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "deploymentFailureRate" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "environmentQuota" INTEGER NOT NULL DEFAULT 1000,
ADD COLUMN     "provisioningDelayMs" INTEGER NOT NULL DEFAULT 300,
ADD COLUMN     "templateQuota" INTEGER NOT NULL DEFAULT 1000;

-- CreateTable
CREATE TABLE "bundle_objects" (
    "tenantId" UUID NOT NULL,
    "accountId" CHAR(12) NOT NULL,
    "bucket" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bundle_objects_pkey" PRIMARY KEY ("tenantId","accountId","bucket","key")
);

-- CreateTable
CREATE TABLE "environment_templates" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "accountId" CHAR(12) NOT NULL,
    "region" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "displayName" TEXT,
    "description" TEXT,
    "encryptionKey" TEXT,
    "provisioning" TEXT,
    "recommendedVersion" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastModifiedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "environment_templates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "environment_template_versions" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "templateId" UUID NOT NULL,
    "majorVersion" INTEGER NOT NULL,
    "minorVersion" INTEGER NOT NULL,
    "status" "TemplateVersionStatus" NOT NULL,
    "statusMessage" TEXT,
    "description" TEXT,
    "sourceBucket" TEXT,
    "sourceKey" TEXT,
    "inlineSchema" TEXT,
    "schema" JSONB,
    "clientToken" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastModifiedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "environment_template_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "environments" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "accountId" CHAR(12) NOT NULL,
    "region" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "templateId" UUID NOT NULL,
    "templateName" TEXT NOT NULL,
    "templateMajorVersion" INTEGER NOT NULL,
    "templateMinorVersion" INTEGER NOT NULL,
    "provisioning" TEXT,
    "description" TEXT,
    "spec" TEXT NOT NULL,
    "environmentAccountConnectionId" UUID,
    "environmentAccountId" CHAR(12) NOT NULL,
    "protonServiceRoleArn" TEXT,
    "codebuildRoleArn" TEXT,
    "componentRoleArn" TEXT,
    "deploymentStatus" "DeploymentStatus" NOT NULL,
    "deploymentStatusMessage" TEXT,
    "lastAttemptedDeploymentId" UUID,
    "lastSucceededDeploymentId" UUID,
    "lastDeploymentAttemptedAt" TIMESTAMPTZ(3) NOT NULL,
    "lastDeploymentSucceededAt" TIMESTAMPTZ(3),
    "outputs" JSONB NOT NULL DEFAULT '[]',
    "version" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "environments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "deployments" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "accountId" CHAR(12) NOT NULL,
    "region" TEXT NOT NULL,
    "environmentId" UUID NOT NULL,
    "environmentName" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" "DeploymentStatus" NOT NULL,
    "statusMessage" TEXT,
    "targetAccountId" CHAR(12) NOT NULL,
    "environmentCreatedAt" TIMESTAMPTZ(3) NOT NULL,
    "roleArn" TEXT NOT NULL,
    "connectionId" UUID,
    "targetState" JSONB NOT NULL,
    "initialState" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastModifiedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMPTZ(3),

    CONSTRAINT "deployments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stacks" (
    "tenantId" UUID NOT NULL,
    "accountId" CHAR(12) NOT NULL,
    "region" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "environmentArn" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "outputs" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastModifiedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stacks_pkey" PRIMARY KEY ("tenantId","accountId","region","name")
);

-- CreateIndex
CREATE UNIQUE INDEX "environment_templates_tenantId_accountId_region_name_key" ON "environment_templates"("tenantId", "accountId", "region", "name");

-- CreateIndex
CREATE INDEX "environment_template_versions_status_lastModifiedAt_idx" ON "environment_template_versions"("status", "lastModifiedAt");

-- CreateIndex
CREATE UNIQUE INDEX "environment_template_versions_templateId_majorVersion_minor_key" ON "environment_template_versions"("templateId", "majorVersion", "minorVersion");

-- CreateIndex
CREATE UNIQUE INDEX "environment_template_versions_templateId_clientToken_key" ON "environment_template_versions"("templateId", "clientToken");

-- CreateIndex
CREATE INDEX "environments_tenantId_environmentAccountConnectionId_idx" ON "environments"("tenantId", "environmentAccountConnectionId");

-- CreateIndex
CREATE INDEX "environments_tenantId_templateId_idx" ON "environments"("tenantId", "templateId");

-- CreateIndex
CREATE UNIQUE INDEX "environments_tenantId_accountId_region_name_key" ON "environments"("tenantId", "accountId", "region", "name");

-- CreateIndex
CREATE INDEX "deployments_tenantId_accountId_region_createdAt_id_idx" ON "deployments"("tenantId", "accountId", "region", "createdAt", "id");

-- CreateIndex
CREATE INDEX "deployments_tenantId_environmentId_createdAt_id_idx" ON "deployments"("tenantId", "environmentId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "deployments_status_lastModifiedAt_idx" ON "deployments"("status", "lastModifiedAt");

-- AddForeignKey
ALTER TABLE "bundle_objects" ADD CONSTRAINT "bundle_objects_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "environment_templates" ADD CONSTRAINT "environment_templates_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "environment_template_versions" ADD CONSTRAINT "environment_template_versions_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "environment_templates"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "environments" ADD CONSTRAINT "environments_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stacks" ADD CONSTRAINT "stacks_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- Row-level security: every new tenant table sees exactly the transaction's tenant.
ALTER TABLE "bundle_objects" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "bundle_objects"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());
ALTER TABLE "environment_templates" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "environment_templates"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());
ALTER TABLE "environment_template_versions" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "environment_template_versions"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());
ALTER TABLE "environments" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "environments"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());
ALTER TABLE "deployments" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "deployments"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());
ALTER TABLE "stacks" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "stacks"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());
