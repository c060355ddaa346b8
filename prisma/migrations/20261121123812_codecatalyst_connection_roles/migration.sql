-- CreateTable
CREATE TABLE "connection_iam_roles" (
    "tenantId" UUID NOT NULL,
    "connectionId" UUID NOT NULL,
    "roleArn" TEXT NOT NULL,
    "status" "RoleValidationStatus" NOT NULL DEFAULT 'PENDING',
    "reason" TEXT,
    "checkedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "connection_iam_roles_pkey" PRIMARY KEY ("connectionId","roleArn")
);

-- CreateIndex
CREATE INDEX "connection_iam_roles_tenantId_roleArn_idx" ON "connection_iam_roles"("tenantId", "roleArn");

-- AddForeignKey
ALTER TABLE "connection_iam_roles" ADD CONSTRAINT "connection_iam_roles_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "account_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "connection_iam_roles" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "connection_iam_roles"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());
