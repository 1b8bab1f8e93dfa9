-- Published versions and aliases. Version numbers come from a per-function counter so that a number is
-- never handed out twice, even after its version was deleted (as on AWS).
CREATE TABLE function_counters (
    function_name  TEXT    PRIMARY KEY REFERENCES functions (name) ON DELETE CASCADE,
    last_version   INTEGER NOT NULL
);

-- An alias points at one version (a number or $LATEST) and optionally routes a share of its
-- invocations to one additional published version.
CREATE TABLE aliases (
    function_name       TEXT NOT NULL REFERENCES functions (name) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    function_version    TEXT NOT NULL,
    additional_version  TEXT,             -- NULL without a routing configuration
    additional_weight   REAL NOT NULL DEFAULT 0,
    description         TEXT NOT NULL,
    revision_id         TEXT NOT NULL,
    PRIMARY KEY (function_name, name)
);
