/**
 * Immutable configuration: {@link dev.hearth.config.HearthConfig} holds every setting of a node with
 * its documented default. It is built once at start-up from flags and {@code HEARTH_*} environment
 * variables (see {@code boot.ServeCommand}), validated, and then never changes.
 */
package dev.hearth.config;
