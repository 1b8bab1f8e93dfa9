package dev.hearth.store;

/** Creates the store implementations; the composition root's one entry into this package. */
public final class Stores {
    private Stores() {
    }

    public static FunctionStore functions(Database db) {
        return new SqliteFunctionStore(db);
    }

    public static LayerStore layers(Database db) {
        return new SqliteLayerStore(db);
    }

    public static ConcurrencyStore concurrency(Database db) {
        return new SqliteConcurrencyStore(db);
    }

    public static EventQueueStore eventQueue(Database db) {
        return new SqliteEventQueueStore(db);
    }

    public static EventInvokeConfigStore eventInvokeConfigs(Database db) {
        return new SqliteEventInvokeConfigStore(db);
    }
}
