package dev.hearth.store;

import dev.hearth.testing.Zips;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class LayerStackTest {

    @TempDir
    Path codeDir;
    private CodeStore code;
    private LayerStack stacks;

    @BeforeEach
    void open() {
        code = new CodeStore(codeDir);
        stacks = code.layerStacks();
    }

    private String layer(String... nameThenContent) {
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = 0; i < nameThenContent.length; i += 2) {
            files.put(nameThenContent[i], nameThenContent[i + 1]);
        }
        return code.put(Zips.of(files)).sha256Hex();
    }

    @Test
    void optDir_withoutLayers_isEmpty() throws IOException {
        assertThat(stacks.optDir(List.of())).isEmpty();
    }

    @Test
    void optDir_ofOneLayer_isItsUnpackedCode() throws IOException {
        String only = layer("python/mod.py", "X = 1\n");

        assertThat(stacks.optDir(List.of(only))).contains(code.unpack(only));
    }

    @Test
    void optDir_ofSeveralLayers_mergesThemInOrder_theLaterWinningOnTheSamePath() throws IOException {
        String first = layer("python/shared.py", "WHO = 'first'\n", "python/only_first.py", "A = 1\n");
        String second = layer("python/shared.py", "WHO = 'second'\n", "bin/tool", "#!/bin/sh\n");

        Path opt = stacks.optDir(List.of(first, second)).orElseThrow();
        Path reversed = stacks.optDir(List.of(second, first)).orElseThrow();

        assertThat(opt.resolve("python/shared.py")).hasContent("WHO = 'second'");
        assertThat(opt.resolve("python/only_first.py")).hasContent("A = 1");
        assertThat(opt.resolve("bin/tool")).exists();
        assertThat(reversed).isNotEqualTo(opt);
        assertThat(reversed.resolve("python/shared.py")).hasContent("WHO = 'first'");
    }

    @Test
    void optDir_whenALaterLayerHasADirectoryWhereAnEarlierHasAFile_takesTheDirectory() throws IOException {
        String file = layer("lib", "just a file\n", "keep.txt", "kept\n");
        String dir = layer("lib/libx.so", "binary\n");

        Path opt = stacks.optDir(List.of(file, dir)).orElseThrow();

        assertThat(opt.resolve("lib")).isDirectory();
        assertThat(opt.resolve("lib/libx.so")).hasContent("binary");
        assertThat(opt.resolve("keep.txt")).hasContent("kept");
    }

    @Test
    void optDir_isReadOnly_andBuiltOnce() throws IOException {
        String a = layer("a.txt", "a\n");
        String b = layer("b.txt", "b\n");

        Path opt = stacks.optDir(List.of(a, b)).orElseThrow();
        long built = Files.getLastModifiedTime(opt).toMillis();
        Path again = stacks.optDir(List.of(a, b)).orElseThrow();

        assertThat(again).isEqualTo(opt);
        assertThat(Files.getLastModifiedTime(again).toMillis()).isEqualTo(built);
        Set<PosixFilePermission> dirMode = Files.getPosixFilePermissions(opt);
        Set<PosixFilePermission> fileMode = Files.getPosixFilePermissions(opt.resolve("a.txt"));
        assertThat(dirMode).doesNotContain(PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.OTHERS_WRITE);
        assertThat(fileMode).doesNotContain(PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.OTHERS_WRITE);
    }

    @Test
    void retainOnly_removesTheStacksOfCodeThatIsNoLongerLive_andKeepsTheOthers() throws IOException {
        String a = layer("a.txt", "a\n");
        String b = layer("b.txt", "b\n");
        String c = layer("c.txt", "c\n");
        Path ab = stacks.optDir(List.of(a, b)).orElseThrow();
        Path ac = stacks.optDir(List.of(a, c)).orElseThrow();

        stacks.retainOnly(Set.of(a, c));

        assertThat(ab).doesNotExist();
        assertThat(ac.resolve("c.txt")).exists();
        assertThat(stacks.optDir(List.of(a, b))).isEqualTo(Optional.of(ab));
        assertThat(ab.resolve("b.txt")).exists();
    }
}
