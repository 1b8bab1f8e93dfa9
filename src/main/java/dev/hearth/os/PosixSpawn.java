package dev.hearth.os;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * One {@code posix_spawnp} call: argv and envp as C arrays, file actions that put the caller's pipe ends
 * on 0, 1 and 2, change directory and close every other descriptor (the node's own files and sockets,
 * and a concurrent spawn's pipe ends that the JDK opens without close-on-exec), and attributes that give
 * the child an empty signal mask and default dispositions, whatever the spawning JVM thread had.
 *
 * <p>glibc's posix_spawn runs the child on a vfork-style clone of the calling thread, so the calling
 * thread is its parent for {@code PR_SET_PDEATHSIG} (bubblewrap's {@code --die-with-parent}).
 *
 * <p>Threading: blocking (until the child has exec'd or failed); call from the launcher's spawner threads.
 */
final class PosixSpawn {
    private PosixSpawn() {
    }

    /**
     * Starts the request's program with {@code stdin} (or -1 to open {@code stdinFile}, or to inherit),
     * {@code stdout} and {@code stderr} as its descriptors 0, 1 and 2. Returns its pid.
     */
    static int spawn(SpawnRequest request, int stdin, int stdout, int stderr) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment actions = arena.allocate(Syscalls.FILE_ACTIONS_SIZE, 16);
            MemorySegment attributes = arena.allocate(Syscalls.SPAWNATTR_SIZE, 16);
            check((int) Syscalls.FA_INIT.invokeExact(actions), "posix_spawn_file_actions_init");
            try {
                check((int) Syscalls.ATTR_INIT.invokeExact(attributes), "posix_spawnattr_init");
                try {
                    fileActions(arena, actions, request, stdin, stdout, stderr);
                    attributes(arena, attributes);
                    MemorySegment pid = arena.allocate(JAVA_INT);
                    String program = request.argv().getFirst();
                    int error = (int) Syscalls.POSIX_SPAWNP.invokeExact(pid, arena.allocateFrom(program), actions,
                            attributes, strings(arena, request.argv()), strings(arena, environment(request.environment())));
                    if (error != 0) {
                        throw new IOException("Cannot run program \"" + program + "\""
                                + request.directory().map(d -> " (in directory \"" + d + "\")").orElse("")
                                + ": error=" + error + ", " + describe(error));
                    }
                    return pid.get(JAVA_INT, 0);
                } finally {
                    int ignored = (int) Syscalls.ATTR_DESTROY.invokeExact(attributes);
                }
            } finally {
                int ignored = (int) Syscalls.FA_DESTROY.invokeExact(actions);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("posix_spawn failed: " + t, t);
        }
    }

    private static void fileActions(Arena arena, MemorySegment actions, SpawnRequest request, int stdin, int stdout,
                                    int stderr) throws Throwable {
        if (stdin >= 0) {
            check((int) Syscalls.FA_DUP2.invokeExact(actions, stdin, 0), "adddup2");
        } else if (request.stdinFile().isPresent()) {
            check((int) Syscalls.FA_OPEN.invokeExact(actions, 0, arena.allocateFrom(request.stdinFile().get().toString()),
                    Syscalls.O_RDONLY, 0), "addopen");
        }
        check((int) Syscalls.FA_DUP2.invokeExact(actions, stdout, 1), "adddup2");
        check((int) Syscalls.FA_DUP2.invokeExact(actions, stderr, 2), "adddup2");
        if (request.directory().isPresent()) {
            check((int) Syscalls.FA_CHDIR.invokeExact(actions, arena.allocateFrom(request.directory().get().toString())),
                    "addchdir_np");
        }
        check((int) Syscalls.FA_CLOSEFROM.invokeExact(actions, 3), "addclosefrom_np");
    }

    private static void attributes(Arena arena, MemorySegment attributes) throws Throwable {
        MemorySegment none = arena.allocate(Syscalls.SIGSET_SIZE, 16);
        MemorySegment all = arena.allocate(Syscalls.SIGSET_SIZE, 16);
        check((int) Syscalls.SIGEMPTYSET.invokeExact(none), "sigemptyset");
        check((int) Syscalls.SIGFILLSET.invokeExact(all), "sigfillset");
        check((int) Syscalls.ATTR_SETSIGMASK.invokeExact(attributes, none), "setsigmask");
        check((int) Syscalls.ATTR_SETSIGDEFAULT.invokeExact(attributes, all), "setsigdefault");
        check((int) Syscalls.ATTR_SETFLAGS.invokeExact(attributes,
                (short) (Syscalls.POSIX_SPAWN_SETSIGMASK | Syscalls.POSIX_SPAWN_SETSIGDEF)), "setflags");
    }

    private static List<String> environment(Map<String, String> environment) {
        return environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().toList();
    }

    /** A NULL-terminated array of C strings. */
    private static MemorySegment strings(Arena arena, List<String> values) {
        MemorySegment array = arena.allocate(ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(values.get(i)));
        }
        array.setAtIndex(ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }

    private static void check(int result, String what) throws IOException {
        if (result != 0) {
            throw new IOException(what + " failed: error " + result);
        }
    }

    private static String describe(int error) {
        return switch (error) {
            case 2 -> "No such file or directory";
            case 13 -> "Permission denied";
            case 8 -> "Exec format error";
            case 20 -> "Not a directory";
            case 12 -> "Cannot allocate memory";
            case 11 -> "Resource temporarily unavailable";
            default -> "errno " + error;
        };
    }
}
