-- Asynchronous invocation: the durable event queue and the per-qualifier event-invoke configs.

-- One row per accepted event until it is finished (run, or handed to its on-failure target). A row is
-- either an invocation of a function on this node (kind 'invoke') or a message on its way to an SQS
-- queue (kind 'sqs': a destination record or a dead-letter message), so that finishing an event and
-- queuing what it produces is one transaction.
CREATE TABLE async_events (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,  -- arrival order
    request_id       TEXT    NOT NULL,
    kind             TEXT    NOT NULL CHECK (kind IN ('invoke', 'sqs')),
    function_name    TEXT    REFERENCES functions (name) ON DELETE CASCADE,  -- kind 'invoke'
    qualifier        TEXT,                               -- as invoked; NULL when unqualified
    target           TEXT,                               -- kind 'sqs': the queue ARN
    payload          BLOB    NOT NULL,
    attributes       TEXT,                               -- kind 'sqs': message attributes as JSON
    enqueued_ms      INTEGER NOT NULL,                   -- acceptance time: the event's age counts from it
    due_ms           INTEGER NOT NULL,                   -- not run before this time (retry back-off)
    invokes          INTEGER NOT NULL DEFAULT 0,         -- invocations started (approximateInvokeCount)
    failures         INTEGER NOT NULL DEFAULT 0,         -- attempts that ended in a function error
    leased_until_ms  INTEGER,                            -- set while in flight; a restart clears it
    last_response    BLOB,                               -- the last failed attempt's response payload
    last_error       TEXT,                               -- its function error ("Unhandled")
    last_version     TEXT,                               -- its executed version
    trace_id         TEXT
);

CREATE INDEX async_events_by_function ON async_events (function_name);

-- PutFunctionEventInvokeConfig per function and qualifier ('$LATEST' for the unqualified function).
CREATE TABLE event_invoke_configs (
    function_name          TEXT    NOT NULL REFERENCES functions (name) ON DELETE CASCADE,
    qualifier              TEXT    NOT NULL,
    maximum_retry_attempts INTEGER,
    maximum_event_age      INTEGER,
    on_success             TEXT,
    on_failure             TEXT,
    last_modified_ms       INTEGER NOT NULL,
    PRIMARY KEY (function_name, qualifier)
);
