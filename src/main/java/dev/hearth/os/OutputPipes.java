package dev.hearth.os;

/** A process's standard output and standard error, each a pipe of its own. */
public record OutputPipes(OutputPipe stdout, OutputPipe stderr) {
}
