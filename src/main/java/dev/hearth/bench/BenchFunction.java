package dev.hearth.bench;

/**
 * A function the harness deployed.
 *
 * @param key     "python", "node" or "java"
 * @param runtime e.g. {@code python3.12}
 * @param name    its FunctionName on the node
 */
record BenchFunction(String key, String runtime, String name) {
}
