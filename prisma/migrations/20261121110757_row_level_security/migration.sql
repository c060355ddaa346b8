-- Row-level security: the application connects as "accountlink_app", which owns no table and
-- cannot bypass RLS, and sets "app.tenant_id" for each transaction. Without it, no row is visible.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'accountlink_app') THEN
    CREATE ROLE accountlink_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
END $$;

GRANT USAGE ON SCHEMA public TO accountlink_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO accountlink_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO accountlink_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO accountlink_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO accountlink_app;

-- The readiness probe reads the migration history; the application never writes it.
DO $$
BEGIN
  IF to_regclass('public._prisma_migrations') IS NOT NULL THEN
    REVOKE ALL ON public."_prisma_migrations" FROM accountlink_app;
    GRANT SELECT ON public."_prisma_migrations" TO accountlink_app;
  END IF;
END $$;

CREATE FUNCTION app_current_tenant() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;

ALTER TABLE "tenants" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "tenants"
  USING ("id" = app_current_tenant()) WITH CHECK ("id" = app_current_tenant());

ALTER TABLE "accounts" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "accounts"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

ALTER TABLE "roles" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "roles"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

ALTER TABLE "api_keys" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "api_keys"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

ALTER TABLE "access_keys" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "access_keys"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

ALTER TABLE "outbox_events" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "outbox_events"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

-- Authentication happens before the tenant is known: these two definer functions answer exactly
-- one question each (whose is this key hash / this access key id) and nothing else.
CREATE FUNCTION auth_api_key(p_key_hash text)
  RETURNS TABLE ("id" uuid, "tenantId" uuid, "tenantName" text, "kind" "ApiKeyKind", "accountId" char(12))
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT k."id", k."tenantId", t."name", k."kind", k."accountId"
    FROM "api_keys" k JOIN "tenants" t ON t."id" = k."tenantId"
    WHERE k."keyHash" = p_key_hash AND k."revokedAt" IS NULL
  $$;
REVOKE ALL ON FUNCTION auth_api_key(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_api_key(text) TO accountlink_app;

CREATE FUNCTION auth_access_key(p_access_key_id text)
  RETURNS TABLE ("tenantId" uuid, "accountId" char(12), "secretAccessKey" text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT a."tenantId", a."accountId", a."secretAccessKey"
    FROM "access_keys" a WHERE a."accessKeyId" = p_access_key_id
  $$;
REVOKE ALL ON FUNCTION auth_access_key(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_access_key(text) TO accountlink_app;

-- Wake the outbox relay as soon as events commit (NOTIFY is delivered at commit); it also polls.
CREATE FUNCTION notify_outbox_events() RETURNS trigger
  LANGUAGE plpgsql
  AS $$ BEGIN PERFORM pg_notify('outbox_events', ''); RETURN NULL; END $$;
CREATE TRIGGER outbox_events_notify AFTER INSERT ON "outbox_events"
  FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox_events();
