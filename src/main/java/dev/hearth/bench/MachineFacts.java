package dev.hearth.bench;

import dev.hearth.sandbox.Isolation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * What a result depends on besides the code: the machine, the JDK, the interpreters and the isolation the
 * sandbox gives. Written beside the rows so that two runs can be compared knowingly. Set-up only.
 */
final class MachineFacts {

    private MachineFacts() {
    }

    static Map<String, Object> probe(Map<String, Interpreter> interpreters, Optional<Isolation> isolation, Plan plan,
                                     boolean quick) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("time", Instant.now().toString());
        facts.put("hearthVersion", hearthVersion());
        facts.put("plan", quick ? "quick" : "full");
        facts.put("functionMemoryMb", plan.memoryMb());
        facts.put("cores", Runtime.getRuntime().availableProcessors());
        facts.put("cpu", firstValue(Path.of("/proc/cpuinfo"), "model name").orElse("unknown"));
        facts.put("memory", firstValue(Path.of("/proc/meminfo"), "MemTotal").orElse("unknown"));
        facts.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        facts.put("jdk", System.getProperty("java.vm.vendor") + " " + Runtime.version());
        interpreters.forEach((key, i) -> facts.put(key, i.version() + " (" + i.executable() + ")"));
        facts.put("isolation", isolation.map(MachineFacts::describe).orElse("unknown (no sandbox launcher)"));
        return facts;
    }

    static String describe(Isolation i) {
        return "bubblewrap=" + (i.bubblewrap() ? "yes" : "no") + ", cgroups=" + i.cgroups()
                + ", uid=" + (i.unprivilegedUid() < 0 ? "node's own" : String.valueOf(i.unprivilegedUid()));
    }

    private static Optional<String> firstValue(Path file, String key) {
        try {
            return Files.readAllLines(file).stream()
                    .filter(l -> l.startsWith(key))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String hearthVersion() {
        try (InputStream in = MachineFacts.class.getResourceAsStream("/dev/hearth/boot/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
