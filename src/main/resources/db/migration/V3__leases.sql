-- Ownership of work across instances (SPEC §5): every unit of a running run is held under a lease
-- by one instance, renewed by its heartbeat; an instance that stops heartbeating loses its leases
-- and another claims them (SELECT ... FOR UPDATE SKIP LOCKED). `fence` grows with every claim and
-- is checked in the transaction that commits the unit's checkpoints, so a stale owner that wakes
-- up commits nothing.
--
-- Unit 0 of a run is its coordinator: the steps outside any partition (fan-ins, single items) and
-- the run's final status. Units 1..n, when the run has them, are partitions of its items
-- [first_item, end_item) for the steps that follow the run input item by item; unit 0 is claimable
-- only once every partition of its generation is done.
CREATE TABLE run_unit (
    run_id       VARCHAR(36) NOT NULL REFERENCES run (id),
    unit         INTEGER NOT NULL,
    generation   INTEGER NOT NULL,
    first_item   BIGINT,
    end_item     BIGINT,
    state        VARCHAR(8) NOT NULL,
    owner        VARCHAR(64),
    fence        BIGINT NOT NULL,
    lease_until  TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (run_id, unit)
);
CREATE INDEX ix_run_unit_owner ON run_unit (owner);
CREATE INDEX ix_run_unit_state ON run_unit (state, lease_until);

-- The instances sharing this database, with their last heartbeat (GET /api/v1/cluster).
CREATE TABLE instance (
    id            VARCHAR(64) PRIMARY KEY,
    host          VARCHAR(255) NOT NULL,
    pid           BIGINT NOT NULL,
    state         VARCHAR(16) NOT NULL,
    started_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    heartbeat_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Runs left running by a version without leases: each gets its coordinator, unclaimed.
INSERT INTO run_unit (run_id, unit, generation, state, fence)
SELECT id, 0, generation, 'open', 0 FROM run WHERE status = 'running';
