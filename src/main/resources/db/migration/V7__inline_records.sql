-- A record of an x-ndjson upload of up to 4 KiB is kept in its run_record row instead of the payload
-- table, for the same reason as V6: a payload row's random key costs H2 an index page per record, and
-- reading the records back joined each one to that random key. The digest stays; NULL here means the
-- record is in the payload table under payload_digest.
ALTER TABLE run_record ADD COLUMN record_bytes BYTEA;

-- A checkpoint whose input is an upload record, byte for byte (a step over input.records whose
-- input is the item itself) names that record here instead of keeping its bytes a second time in
-- input_bytes.
ALTER TABLE execution ADD COLUMN input_record INTEGER;
