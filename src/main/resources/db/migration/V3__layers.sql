-- Layers and their versions. A layer row outlives its versions: next_version only grows, so a version
-- number is never reused, even after every version of the layer was deleted (as on AWS).
CREATE TABLE layers (
    name          TEXT    PRIMARY KEY,
    next_version  INTEGER NOT NULL
);

CREATE TABLE layer_versions (
    layer_name   TEXT    NOT NULL REFERENCES layers (name),
    version      INTEGER NOT NULL,
    code_sha256  TEXT    NOT NULL,  -- hex; names the content-addressed blob in the code store
    code_size    INTEGER NOT NULL,
    document     TEXT    NOT NULL,  -- the version's metadata as JSON, owned by the registry
    policy       TEXT,              -- its resource policy as JSON, owned by the registry; NULL when none
    PRIMARY KEY (layer_name, version)
);

CREATE INDEX layer_versions_by_code ON layer_versions (code_sha256);
