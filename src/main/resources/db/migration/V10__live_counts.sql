-- What the instance holding a unit last said of its items (pending, running, succeeded, failed,
-- skipped per step), written with every renewal of its lease: another instance answering
-- GET /runs/{id} counts the ended items from the checkpoints, but only the holder knows which items
-- wait and which run. JSON; written only under the lease of the unit's generation, so a unit of an
-- earlier generation keeps what it said then and readers ignore it.
ALTER TABLE run_unit ADD COLUMN live_counts TEXT;
