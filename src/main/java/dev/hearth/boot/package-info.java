/**
 * Start-up: {@link dev.hearth.boot.Main} is the {@code hearth} command line (picocli); {@link
 * dev.hearth.boot.Node} is the composition root, the only place that names implementations, which
 * builds every component by constructor, starts them in dependency order and stops them in reverse.
 */
package dev.hearth.boot;
