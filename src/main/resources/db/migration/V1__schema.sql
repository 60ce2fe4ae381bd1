-- Portable between H2 2.x and PostgreSQL 15: BYTEA, TEXT and TIMESTAMP WITH TIME ZONE mean the same in both.

-- Module bytes live in the database so that every instance on one PostgreSQL sees the same functions.
CREATE TABLE function_module (
    digest      VARCHAR(71) PRIMARY KEY,
    size_bytes  BIGINT NOT NULL,
    bytes       BYTEA NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE function_version (
    name        VARCHAR(63) NOT NULL,
    version     INTEGER NOT NULL,
    digest      VARCHAR(71) NOT NULL REFERENCES function_module (digest),
    abi         VARCHAR(16) NOT NULL,
    exports     TEXT NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (name, version),
    CONSTRAINT uq_function_name_digest UNIQUE (name, digest, abi)
);

CREATE TABLE workflow_version (
    name         VARCHAR(63) NOT NULL,
    version      INTEGER NOT NULL,
    description  TEXT,
    yaml         TEXT NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (name, version)
);

-- A JSON value stored once per sha-256 of its canonical bytes and shared by every checkpoint that references it.
CREATE TABLE payload (
    digest      VARCHAR(71) PRIMARY KEY,
    size_bytes  BIGINT NOT NULL,
    bytes       BYTEA NOT NULL
);

CREATE TABLE run (
    id                VARCHAR(36) PRIMARY KEY,
    workflow          VARCHAR(63) NOT NULL,
    workflow_version  INTEGER NOT NULL,
    status            VARCHAR(16) NOT NULL,
    input_digest      VARCHAR(71) NOT NULL,
    input_format      VARCHAR(16) NOT NULL,
    record_count      INTEGER,
    output_digest     VARCHAR(71),
    error_code        VARCHAR(32),
    error_message     TEXT,
    trace_id          VARCHAR(32),
    span_id           VARCHAR(16),
    -- per-redrive function overrides, JSON {alias: "name@version"}
    overrides         TEXT,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at       TIMESTAMP WITH TIME ZONE,
    FOREIGN KEY (workflow, workflow_version) REFERENCES workflow_version (name, version)
);
CREATE INDEX ix_run_workflow_status ON run (workflow, status);
CREATE INDEX ix_run_status ON run (status);

-- One row per attempt of (run, step, item key): the checkpoint. The primary key makes every write idempotent.
CREATE TABLE execution (
    run_id          VARCHAR(36) NOT NULL REFERENCES run (id),
    step_id         VARCHAR(63) NOT NULL,
    item_key        VARCHAR(64) NOT NULL,
    attempt         INTEGER NOT NULL,
    item_order      BIGINT NOT NULL,
    status          VARCHAR(16) NOT NULL,
    function_ref    VARCHAR(80),
    function_digest VARCHAR(71),
    input_digest    VARCHAR(71),
    output_digest   VARCHAR(71),
    error_code      VARCHAR(32),
    error_message   TEXT,
    logs            TEXT,
    seed            BIGINT NOT NULL,
    started_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    duration_micros BIGINT NOT NULL,
    queued_micros   BIGINT NOT NULL,
    trace_id        VARCHAR(32),
    span_id         VARCHAR(16),
    PRIMARY KEY (run_id, step_id, item_key, attempt)
);
CREATE INDEX ix_execution_order ON execution (run_id, step_id, item_order, attempt);

-- Execution (run, step, item, attempt) consumed the value at `path` of the execution (from_step, from_key,
-- from_attempt); from_step NULL means the run input (from_key: the record's key for x-ndjson runs).
CREATE TABLE lineage_edge (
    run_id        VARCHAR(36) NOT NULL,
    step_id       VARCHAR(63) NOT NULL,
    item_key      VARCHAR(64) NOT NULL,
    attempt       INTEGER NOT NULL,
    from_step     VARCHAR(63),
    from_key      VARCHAR(64),
    from_attempt  INTEGER,
    path          VARCHAR(512) NOT NULL
);
CREATE INDEX ix_lineage_down ON lineage_edge (run_id, step_id, item_key, attempt);
CREATE INDEX ix_lineage_up ON lineage_edge (run_id, from_step, from_key);

-- Records of an x-ndjson run input, one payload each, so lineage can end at a line of the upload.
CREATE TABLE run_record (
    run_id        VARCHAR(36) NOT NULL REFERENCES run (id),
    record_key    INTEGER NOT NULL,
    payload_digest VARCHAR(71) NOT NULL,
    PRIMARY KEY (run_id, record_key)
);
