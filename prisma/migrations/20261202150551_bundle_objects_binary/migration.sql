-- Bundle objects hold bytes: a plain schema file as before, or a real .tar.gz bundle. Existing
-- objects keep their content, as its UTF-8 bytes.
ALTER TABLE "bundle_objects" ALTER COLUMN "body" TYPE BYTEA USING convert_to("body", 'UTF8');
