/**
 * Execution environments. {@link dev.hearth.environment.EnvironmentFactory#create} builds the factory;
 * each {@link dev.hearth.environment.Environment} it starts is one sandboxed runtime process with its
 * own Runtime API endpoint ({@code 2018-06-01} on {@code 127.0.0.1:<port>}), driven by an explicit
 * lifecycle ({@code EnvironmentState}): starting → initialising → idle ⇄ invoking → stopped, or failed
 * when init fails.
 *
 * <p>The pool hands an environment an {@link dev.hearth.environment.InvokeRequest}; the
 * {@link dev.hearth.environment.Invocation} it gets back completes its outcome when the runtime answers
 * (or the platform gives up: timeout, crash, out of memory, init failure, oversized response) and its
 * report when the runtime is ready again, with the REPORT figures and the log tail. The environment
 * writes the platform's log lines (INIT_START, START, END, REPORT, INIT_REPORT, timeouts, exits) around
 * the function's own output into its log stream.
 *
 * <p>Stem cells ({@code StemCells}, off unless {@link dev.hearth.environment.StemCellSettings} turn them
 * on): per runtime set-up that cold starts used recently, a few sandboxes started ahead of demand with
 * the interpreter and bootstrap loaded, waiting on standard input. A cold start that finds a matching one
 * links the function's code into it, gives it the function's limits and environment, and the bootstrap
 * imports the handler then (init code still runs in every new environment). The pool sees no difference.
 *
 * <p>Everything runs on the environment's event-loop context; process launch and kills run on virtual
 * threads. The process's output is read on the context when the node's one poller thread reports it
 * ({@code ProcessOutput}; blocking reader threads only where native pipes are unavailable).
 */
package dev.hearth.environment;
