-- A checkpoint's input and output of up to 4 KiB are kept in its own row instead of the payload table:
-- the payload table's key is a random digest, and on H2 every new key there dirties its own index page,
-- which made payload rows half of the checkpoint writer's time. Values still carry their digests;
-- NULL here means the value (if any) is in the payload table under that digest.
ALTER TABLE execution ADD COLUMN input_bytes BYTEA;
ALTER TABLE execution ADD COLUMN output_bytes BYTEA;
