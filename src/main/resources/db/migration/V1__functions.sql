-- Functions and their versions. '$LATEST' is the version row that updates change; published
-- versions (a later migration's concern) are further rows that never change.
CREATE TABLE functions (
    name        TEXT    PRIMARY KEY,
    created_ms  INTEGER NOT NULL,
    tags_json   TEXT    NOT NULL DEFAULT '{}'
);

CREATE TABLE function_versions (
    function_name  TEXT NOT NULL REFERENCES functions (name) ON DELETE CASCADE,
    version        TEXT NOT NULL,
    revision_id    TEXT NOT NULL,
    code_sha256    TEXT NOT NULL,     -- hex; names the content-addressed blob
    code_size      INTEGER NOT NULL,
    ordinal        INTEGER NOT NULL,  -- 0 for $LATEST, else the version number: list order
    document       TEXT NOT NULL,     -- the version's configuration and state as JSON
    PRIMARY KEY (function_name, version)
);

CREATE INDEX function_versions_by_code ON function_versions (code_sha256);
