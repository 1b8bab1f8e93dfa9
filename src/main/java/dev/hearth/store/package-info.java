/**
 * Persistence. {@link dev.hearth.store.Database} opens the SQLite store (WAL mode, schema by Flyway
 * migrations under {@code db/migration}); {@link dev.hearth.store.FunctionStore} keeps functions and
 * their versions; {@link dev.hearth.store.CodeStore} keeps code zips content-addressed by SHA-256 and
 * unpacks each once into a read-only cache; {@link dev.hearth.store.LayerStore} keeps layer versions, and
 * {@link dev.hearth.store.LayerStack} merges a function's layers, in order, into one shared read-only
 * {@code /opt}.
 *
 * <p>Everything here blocks: callers run it on virtual threads, never on an event loop.
 */
package dev.hearth.store;
