package dev.hearth.store;

/** Creates the store implementations; the composition root's one entry into this package. */
public final class Stores {
    private Stores() {
    }

    public static FunctionStore functions(Database db) {
        return new SqliteFunctionStore(db);
    }
}
