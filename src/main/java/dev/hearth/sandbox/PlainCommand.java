package dev.hearth.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The fallback where bubblewrap is missing or cannot create namespaces: the command runs as an ordinary
 * child process of the node, as the node's user, in the host's filesystem, with the spec's environment
 * only (plus {@code PWD}) and {@code taskDir} as its working directory; Lambda's paths are rewritten to their host
 * directories ({@link PathRewriter}). Not isolated, and {@link Isolation} says so: the function can read
 * whatever the node can, and {@code /tmp} is the host's.
 *
 * <p>Where util-linux's {@code setpriv} exists it is put in front with {@code --pdeathsig KILL}, so that at
 * least the top process dies with the node even when the node is killed too hard for its shutdown hook.
 *
 * <p>Immutable and thread-safe.
 *
 * @param setpriv  util-linux setpriv, when the machine has it
 * @param emptyDir an empty directory of the node's, standing in for {@code /opt} without layers
 */
record PlainCommand(Optional<Path> setpriv, Path emptyDir) implements CommandPlan {

    @Override
    public ProcessBuilder processFor(SandboxSpec spec) {
        PathRewriter rewriter = PathRewriter.of(spec, emptyDir);
        List<String> argv = new ArrayList<>();
        setpriv.ifPresent(s -> argv.addAll(List.of(s.toString(), "--pdeathsig", "KILL", "--")));
        argv.addAll(rewriter.command(spec.command()));
        ProcessBuilder builder = new ProcessBuilder(argv).directory(spec.taskDir().toFile());
        builder.environment().clear();
        builder.environment().putAll(rewriter.environment(spec.environment()));
        // As bubblewrap's --chdir does, and as Lambda's environment has it.
        builder.environment().put("PWD", spec.taskDir().toString());
        return CommandPlan.withoutInput(builder);
    }

    @Override
    public int ownedTasks() {
        return 0;
    }

    @Override
    public boolean diesWithNode() {
        return false;
    }
}
