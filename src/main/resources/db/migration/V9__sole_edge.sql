-- An attempt that consumed exactly one value (an item-wise step over the previous step's items or
-- over the upload's records, the common case) keeps that lineage edge in its own row instead of a
-- lineage_edge row: one row and two index entries fewer per checkpoint, which on H2 was a third of
-- what the checkpoint writer's statements cost (bench/writer-shapes.sh, shapes INLINE and
-- SOLE_EDGE). from_path is set exactly when the row holds its edge; attempts with none or with
-- several keep theirs in lineage_edge, as before. ix_execution_from finds who consumed a value.
ALTER TABLE execution ADD COLUMN from_step VARCHAR(63);
ALTER TABLE execution ADD COLUMN from_key VARCHAR(64);
ALTER TABLE execution ADD COLUMN from_attempt INTEGER;
ALTER TABLE execution ADD COLUMN from_path VARCHAR(512);
CREATE INDEX ix_execution_from ON execution (run_id, from_step, from_key);
