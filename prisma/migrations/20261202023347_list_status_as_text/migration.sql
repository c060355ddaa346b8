-- The status of connections and account connections as text instead of an enum. Under row-level
-- security only leakproof comparisons may run inside an index scan (ahead of the policy's own
-- condition), and enum equality is not leakproof: a list filtered by status read every row of the
-- tenant and filtered them. Text equality is leakproof, so the (…, status, …) indexes serve those
-- filters. ALTER … TYPE keeps the data and rebuilds the indexes on the column.
ALTER TABLE "environment_account_connections" ALTER COLUMN "status" TYPE text USING "status"::text;
ALTER TABLE "account_connections" ALTER COLUMN "status" TYPE text USING "status"::text;

-- The values stay those of the enums. (A CHECK constraint would say it more simply, but the
-- offline schema engine cannot diff a schema that has one; a trigger it does not see.)
CREATE FUNCTION check_status_value() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF NOT (NEW."status" = ANY (TG_ARGV)) THEN
    RAISE EXCEPTION 'invalid % status: %', TG_TABLE_NAME, NEW."status" USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER environment_account_connections_status
  BEFORE INSERT OR UPDATE OF "status" ON "environment_account_connections"
  FOR EACH ROW EXECUTE FUNCTION check_status_value('PENDING', 'CONNECTED', 'REJECTED');

CREATE TRIGGER account_connections_status
  BEFORE INSERT OR UPDATE OF "status" ON "account_connections"
  FOR EACH ROW EXECUTE FUNCTION check_status_value('PENDING_VERIFICATION', 'VERIFIED', 'REJECTED', 'EXPIRED');
