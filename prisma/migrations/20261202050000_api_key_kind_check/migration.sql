-- An API key's kind decides whom it acts for, so the row must say exactly that: an account key
-- names its account and no user, a user key its user and no account, a tenant-administrator key
-- neither. Authentication refuses any other row as well (AuthService); this makes such a row
-- impossible to write in the first place. A trigger rather than a CHECK constraint, for the same
-- reason as check_status_value: the offline schema engine cannot diff a schema that has one.
CREATE FUNCTION check_api_key_subject() RETURNS trigger
  LANGUAGE plpgsql AS $$
  BEGIN
    IF NOT (
      (NEW."kind" = 'ACCOUNT' AND NEW."accountId" IS NOT NULL AND NEW."userId" IS NULL)
      OR (NEW."kind" = 'USER' AND NEW."userId" IS NOT NULL AND NEW."accountId" IS NULL)
      OR (NEW."kind" = 'TENANT_ADMIN' AND NEW."accountId" IS NULL AND NEW."userId" IS NULL)
    ) THEN
      RAISE EXCEPTION 'an API key of kind % must name %', NEW."kind",
        CASE NEW."kind" WHEN 'ACCOUNT' THEN 'its account and no user'
                        WHEN 'USER' THEN 'its user and no account'
                        ELSE 'neither an account nor a user' END
        USING ERRCODE = 'check_violation', CONSTRAINT = 'api_keys_kind_subject_check',
              TABLE = 'api_keys';
    END IF;
    RETURN NEW;
  END
  $$;

CREATE TRIGGER api_keys_kind_subject_check
  BEFORE INSERT OR UPDATE OF "kind", "accountId", "userId" ON "api_keys"
  FOR EACH ROW EXECUTE FUNCTION check_api_key_subject();
