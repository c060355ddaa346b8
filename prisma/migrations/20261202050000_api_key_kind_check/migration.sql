-- An API key's kind decides whom it acts for, so the row must say exactly that: an account key
-- names its account and no user, a user key its user and no account, a tenant-administrator key
-- neither. Authentication refuses any other row as well (AuthService), and this makes such a row
-- impossible to write in the first place.
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_kind_subject_check" CHECK (
  ("kind" = 'ACCOUNT' AND "accountId" IS NOT NULL AND "userId" IS NULL)
  OR ("kind" = 'USER' AND "userId" IS NOT NULL AND "accountId" IS NULL)
  OR ("kind" = 'TENANT_ADMIN' AND "accountId" IS NULL AND "userId" IS NULL)
);
