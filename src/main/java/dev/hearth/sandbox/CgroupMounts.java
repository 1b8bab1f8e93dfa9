package dev.hearth.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where this machine mounts its cgroup hierarchies, and where this process sits in the unified one, as
 * read from {@code /proc/self/mountinfo} and {@code /proc/self/cgroup}. Parsing is pure (unit-tested
 * with captured files); {@link #read} does the two small reads.
 *
 * @param unified     the cgroup2 mount, when there is one (on a hybrid v1 machine it usually carries no
 *                    controllers; {@link Cgroups} checks)
 * @param v1          v1 mount per controller we use ({@code memory}, {@code cpu}, {@code pids})
 * @param ownUnified  this process's cgroup in the unified hierarchy ({@code 0::/path}), "/" when unknown
 */
record CgroupMounts(Optional<Path> unified, Map<String, Path> v1, String ownUnified) {

    static final Set<String> CONTROLLERS = Set.of("memory", "cpu", "pids");

    CgroupMounts {
        v1 = Map.copyOf(v1);
    }

    static CgroupMounts none() {
        return new CgroupMounts(Optional.empty(), Map.of(), "/");
    }

    /** Never throws: a machine without {@code /proc} simply has no cgroups for us. */
    static CgroupMounts read() {
        try {
            return parse(Files.readString(Path.of("/proc/self/mountinfo")), Files.readString(Path.of("/proc/self/cgroup")));
        } catch (IOException | RuntimeException e) {
            return none();
        }
    }

    static CgroupMounts parse(String mountinfo, String procSelfCgroup) {
        Optional<Path> unified = Optional.empty();
        Map<String, Path> v1 = new LinkedHashMap<>();
        for (String line : mountinfo.split("\n")) {
            // id parent major:minor root mount-point options [optional fields…] - fstype source super-options
            String[] fields = line.trim().split(" ");
            int dash = Arrays.asList(fields).indexOf("-");
            if (fields.length < 5 || dash < 0 || dash + 3 >= fields.length) {
                continue;
            }
            String fsType = fields[dash + 1];
            Path mountPoint = Path.of(unescape(fields[4]));
            if (fsType.equals("cgroup2") && unified.isEmpty()) {
                unified = Optional.of(mountPoint);
            } else if (fsType.equals("cgroup")) {
                for (String option : fields[dash + 3].split(",")) {
                    if (CONTROLLERS.contains(option)) {
                        v1.putIfAbsent(option, mountPoint);
                    }
                }
            }
        }
        String own = "/";
        for (String line : procSelfCgroup.split("\n")) {
            if (line.startsWith("0::")) {
                own = line.substring(3).trim();
            }
        }
        return new CgroupMounts(unified, v1, own.isEmpty() ? "/" : own);
    }

    /** mountinfo escapes space, tab, newline and backslash as three octal digits. */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
