-- Control actions (start, cancel, redrive, resume) change a run with compare-and-set on its
-- generation: each one that wins bumps it, and a final status written by the scheduler of an
-- older generation no longer applies.
ALTER TABLE run ADD COLUMN generation INTEGER DEFAULT 1 NOT NULL;

-- The items a redrive re-executes, stored with the redrive before it is answered: a restart in
-- the middle of the redrive re-executes every item whose latest attempt is still the one it
-- replaces.
CREATE TABLE run_rerun (
    run_id            VARCHAR(36) NOT NULL REFERENCES run (id),
    step_id           VARCHAR(63) NOT NULL,
    item_key          VARCHAR(64) NOT NULL,
    replaces_attempt  INTEGER NOT NULL,
    PRIMARY KEY (run_id, step_id, item_key)
);
