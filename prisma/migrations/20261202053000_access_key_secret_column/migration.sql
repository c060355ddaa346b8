-- The application role no longer reads access-key secrets: only the definer function
-- auth_access_key (SigV4 verification) does. It still writes them (a new key's secret is shown
-- once, from the value the service generated), and reads every other column.
REVOKE SELECT ON "access_keys" FROM accountlink_app;
GRANT SELECT ("accessKeyId", "tenantId", "accountId", "createdAt") ON "access_keys" TO accountlink_app;

-- Nobody but the owner creates objects in the schema (Postgres 15 already denies PUBLIC; earlier
-- versions did not, and the application role never needs it).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM accountlink_app;
