package dev.hearth.environment;

import dev.hearth.sandbox.SandboxSpec;
import dev.hearth.sandbox.TreeLinks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodeSlotsTest {

    @TempDir
    Path dir;

    private Path code(String name, String... files) throws IOException {
        Path code = Files.createDirectories(dir.resolve("code").resolve(name));
        for (String file : files) {
            Files.writeString(code.resolve(file), file);
        }
        return code;
    }

    private static SandboxSpec spec(Path task, Optional<Path> opt) {
        return new SandboxSpec("env-1", List.of("python3"), Map.of(), task, task, opt, List.of(), 512, 128, 64);
    }

    @Test
    void childrenOfTheSameCode_shareOneSlot_removedWithTheLastOfThem() throws IOException {
        Path slots = Files.createDirectories(dir.resolve("slots"));
        CodeSlots codeSlots = new CodeSlots(slots);
        Path task = code("a", "app.py");

        CodeSlots.Slot first = codeSlots.take(spec(task, Optional.empty()), 100);
        CodeSlots.Slot second = codeSlots.take(spec(task, Optional.empty()), 100);

        assertThat(second.name()).isEqualTo(first.name());
        assertThat(first.layersName()).isEmpty();
        assertThat(slots.resolve(first.name()).resolve("app.py")).hasContent("app.py");
        codeSlots.release(first);
        assertThat(slots.resolve(first.name())).exists();
        codeSlots.release(second);
        assertThat(slots).isEmptyDirectory();

        CodeSlots.Slot later = codeSlots.take(spec(task, Optional.empty()), 100);
        assertThat(later.name()).isNotEqualTo(first.name());
        assertThat(slots.resolve(later.name()).resolve("app.py")).hasContent("app.py");
    }

    @Test
    void differentCodeOrLayers_getSlotsOfTheirOwn_withTheLayersBeside() throws IOException {
        Path slots = Files.createDirectories(dir.resolve("slots"));
        CodeSlots codeSlots = new CodeSlots(slots);
        Path a = code("a", "app.py");
        Path b = code("b", "other.py");
        Path layer = code("layer", "lib.py");

        CodeSlots.Slot ofA = codeSlots.take(spec(a, Optional.empty()), 100);
        CodeSlots.Slot ofB = codeSlots.take(spec(b, Optional.empty()), 100);
        CodeSlots.Slot ofALayered = codeSlots.take(spec(a, Optional.of(layer)), 100);

        assertThat(List.of(ofA.name(), ofB.name(), ofALayered.name())).doesNotHaveDuplicates();
        assertThat(slots.resolve(ofB.name()).resolve("other.py")).hasContent("other.py");
        assertThat(slots.resolve(ofALayered.layersName().orElseThrow()).resolve("lib.py")).hasContent("lib.py");
        codeSlots.release(ofALayered);
        assertThat(slots.resolve(ofALayered.name())).doesNotExist();
        assertThat(slots.resolve(ofALayered.layersName().orElseThrow())).doesNotExist();
        assertThat(slots.resolve(ofA.name())).exists();
    }

    @Test
    void codeThatCannotBeMirrored_leavesNothing_andTheNextTakeTriesAgain() throws IOException {
        Path slots = Files.createDirectories(dir.resolve("slots"));
        CodeSlots codeSlots = new CodeSlots(slots);
        Path task = code("big", "one.py", "two.py", "three.py");

        assertThatThrownBy(() -> codeSlots.take(spec(task, Optional.empty()), 2)).isInstanceOf(TreeLinks.NotMirrored.class);
        assertThat(slots).isEmptyDirectory();

        CodeSlots.Slot slot = codeSlots.take(spec(task, Optional.empty()), 100);
        assertThat(slots.resolve(slot.name()).resolve("three.py")).hasContent("three.py");
    }
}
