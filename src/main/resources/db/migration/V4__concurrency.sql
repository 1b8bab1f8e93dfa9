-- Concurrency controls. Reserved concurrency belongs to the function as a whole; provisioned concurrency
-- to one published version or alias of it. Both go with the function (ON DELETE CASCADE); the registry
-- removes a version's or alias's provisioned config itself when that version or alias is deleted.
CREATE TABLE function_concurrency (
    function_name  TEXT    PRIMARY KEY REFERENCES functions (name) ON DELETE CASCADE,
    reserved       INTEGER NOT NULL CHECK (reserved >= 0)
);

CREATE TABLE provisioned_concurrency (
    function_name  TEXT    NOT NULL REFERENCES functions (name) ON DELETE CASCADE,
    qualifier      TEXT    NOT NULL,  -- a version number or an alias name, never $LATEST
    requested      INTEGER NOT NULL CHECK (requested >= 1),
    last_modified  TEXT    NOT NULL,  -- as AWS shows it, e.g. 2024-05-01T10:00:00.000+0000
    PRIMARY KEY (function_name, qualifier)
);
