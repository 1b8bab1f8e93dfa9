package dev.hearth.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TreeLinksTest {

    @TempDir
    Path dir;

    @Test
    void mirror_showsTheSameFilesDirectoriesModesAndSymlinks() throws Exception {
        Path from = Files.createDirectories(dir.resolve("from/pkg/sub"));
        from = dir.resolve("from");
        Files.writeString(from.resolve("app.py"), "code");
        Files.writeString(from.resolve("pkg/sub/mod.py"), "more");
        Files.createSymbolicLink(from.resolve("link"), Path.of("/var/task/app.py"));
        Files.setPosixFilePermissions(from.resolve("pkg"), PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(from, PosixFilePermissions.fromString("r-xr-x---"));
        Path to = Files.createDirectories(dir.resolve("to"));

        TreeLinks.mirror(from, to, 100);

        assertThat(Files.readString(to.resolve("pkg/sub/mod.py"))).isEqualTo("more");
        assertThat(Files.isSameFile(to.resolve("app.py"), from.resolve("app.py"))).isTrue();
        assertThat(Files.readSymbolicLink(to.resolve("link"))).isEqualTo(Path.of("/var/task/app.py"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(to))).isEqualTo("r-xr-x---");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(to.resolve("pkg")))).isEqualTo("rwx--x--x");

        TreeLinks.delete(to);
        assertThat(Files.exists(to, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.readString(from.resolve("app.py"))).isEqualTo("code");
    }

    @Test
    void mirror_givesUpBeyondTheEntryLimit() throws Exception {
        Path from = Files.createDirectories(dir.resolve("many"));
        for (int i = 0; i < 5; i++) {
            Files.writeString(from.resolve("f" + i), "");
        }
        Path to = Files.createDirectories(dir.resolve("few"));

        assertThatThrownBy(() -> TreeLinks.mirror(from, to, 4)).isInstanceOf(TreeLinks.NotMirrored.class);
    }
}
