package dev.hearth.sandbox;

import java.util.HashSet;
import java.util.Set;

/**
 * The unprivileged account functions run as, and the {@code /etc/passwd} and {@code /etc/group} the
 * sandbox shows (the host's own lists of accounts are not the function's business).
 *
 * <p>Lambda runs functions as {@code sbx_user1051}, uid 993, gid 990; Hearth does the same unless the host
 * already gives 993 or 990 to an account of its own, in which case it takes the next free ids below:
 * a uid shared with a host daemon would let a function pass as that daemon wherever the kernel checks
 * only the uid (abstract unix sockets, for one, are shared with the host's network namespace).
 *
 * @param uid the sandbox's user id (the node's own uid when the node is not root)
 * @param gid its primary group
 */
record SandboxUser(int uid, int gid) {

    static final String NAME = "sbx_user1051";
    static final SandboxUser LAMBDA = new SandboxUser(993, 990);

    /** Picks ids free on the host, given the host's {@code /etc/passwd} and {@code /etc/group}. */
    static SandboxUser choose(String hostPasswd, String hostGroup) {
        return new SandboxUser(free(ids(hostPasswd), LAMBDA.uid), free(ids(hostGroup), LAMBDA.gid));
    }

    private static int free(Set<Integer> taken, int preferred) {
        for (int id = preferred; id >= 500; id--) {
            if (!taken.contains(id)) {
                return id;
            }
        }
        return 65534;
    }

    /** The third field of each {@code name:x:id:…} line. */
    private static Set<Integer> ids(String file) {
        Set<Integer> ids = new HashSet<>();
        for (String line : file.split("\n")) {
            String[] fields = line.split(":");
            if (fields.length > 2) {
                try {
                    ids.add(Integer.parseInt(fields[2].trim()));
                } catch (NumberFormatException e) {
                    // A malformed line names no id.
                }
            }
        }
        return ids;
    }

    String passwd() {
        return "root:x:0:0:root:/root:/sbin/nologin\n"
                + NAME + ":x:" + uid + ":" + gid + "::/home/" + NAME + ":/sbin/nologin\n"
                + "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n";
    }

    String group() {
        return "root:x:0:\n" + NAME + ":x:" + gid + ":\n" + "nogroup:x:65534:\n";
    }
}
