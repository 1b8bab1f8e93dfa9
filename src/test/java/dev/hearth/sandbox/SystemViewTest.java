package dev.hearth.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SystemViewTest {

    @TempDir
    Path root;

    @Test
    void args_mirrorSystemDirsAsBindsOrSymlinks_andShowOnlyChosenEtcEntries() throws IOException {
        Files.createDirectories(root.resolve("usr/lib"));
        Files.createDirectories(root.resolve("usr/share/zoneinfo/Etc"));
        Files.writeString(root.resolve("usr/share/zoneinfo/Etc/UTC"), "tz");
        Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));
        Files.createDirectories(root.resolve("sbin"));
        Files.createDirectories(root.resolve("etc/ssl/certs"));
        Files.createDirectories(root.resolve("etc/java-21-openjdk"));
        Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost");
        Files.writeString(root.resolve("etc/shadow"), "root:secret");
        Files.writeString(root.resolve("etc/pip.conf"), "index-url = https://token@example/");
        Files.createSymbolicLink(root.resolve("etc/localtime"), root.resolve("usr/share/zoneinfo/Etc/UTC"));

        List<String> args = SystemView.args(root, Path.of("/w/passwd"), Path.of("/w/group"));

        Runs.assertRunsInOrder(args,
                List.of("--ro-bind", root + "/usr", "/usr", "--ro-bind", root + "/sbin", "/sbin", "--symlink", "usr/lib", "/lib"),
                List.of("--perms", "0755", "--dir", "/etc", "--perms", "0755", "--dir", "/etc/ssl",
                        "--ro-bind-try", root + "/etc/ssl/certs", "/etc/ssl/certs"),
                List.of("--ro-bind-try", root + "/etc/hosts", "/etc/hosts"),
                List.of("--symlink", root + "/usr/share/zoneinfo/Etc/UTC", "/etc/localtime"),
                List.of("--ro-bind-try", root + "/etc/java-21-openjdk", "/etc/java-21-openjdk"),
                List.of("--ro-bind", "/w/passwd", "/etc/passwd", "--ro-bind", "/w/group", "/etc/group",
                        "--proc", "/proc", "--dev", "/dev"));
        assertThat(String.join(" ", args)).doesNotContain("shadow", "pip.conf", "lib64");
    }

    @Test
    void args_onThisHost_neverShowItsPrivateFiles() {
        String args = String.join(" ", SystemView.args(Path.of("/"), Path.of("/w/passwd"), Path.of("/w/group")));

        assertThat(args).contains("/usr /usr");
        assertThat(args).doesNotContain("/root", "/home", "/etc/shadow", "/etc/passwd /etc/passwd", "machine-id", "/var/");
    }

    @Test
    void locales_withOnlyCUtf8_showItAlsoAsEnUsUtf8_onATmpfs() throws IOException {
        Files.createDirectories(root.resolve("usr/lib/locale/C.utf8"));
        Files.createDirectories(root.resolve("usr/lib/locale/de_DE.utf8"));

        List<String> args = SystemView.args(root, Path.of("/w/passwd"), Path.of("/w/group"));

        Runs.assertRunsInOrder(args,
                List.of("--ro-bind", root + "/usr", "/usr"),
                List.of("--perms", "0755", "--tmpfs", "/usr/lib/locale",
                        "--ro-bind", root + "/usr/lib/locale/C.utf8", "/usr/lib/locale/C.utf8",
                        "--ro-bind", root + "/usr/lib/locale/de_DE.utf8", "/usr/lib/locale/de_DE.utf8",
                        "--ro-bind", root + "/usr/lib/locale/C.utf8", "/usr/lib/locale/en_US.utf8"));
    }

    @Test
    void locales_whenTheHostHasAnArchiveOrItsOwnEnUs_areLeftAsTheyAre() throws IOException {
        Files.createDirectories(root.resolve("usr/lib/locale/C.utf8"));
        Files.writeString(root.resolve("usr/lib/locale/locale-archive"), "archive");
        assertThat(SystemView.locales(root)).isEmpty();

        Files.delete(root.resolve("usr/lib/locale/locale-archive"));
        Files.createDirectories(root.resolve("usr/lib/locale/en_US.utf8"));
        assertThat(SystemView.locales(root)).isEmpty();

        Files.delete(root.resolve("usr/lib/locale/en_US.utf8"));
        Files.delete(root.resolve("usr/lib/locale/C.utf8"));
        assertThat(SystemView.locales(root)).isEmpty();
    }
}
