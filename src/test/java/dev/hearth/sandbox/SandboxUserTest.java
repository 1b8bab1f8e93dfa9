package dev.hearth.sandbox;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SandboxUserTest {

    @Test
    void choose_takesLambdasIds_whenTheHostLeavesThemFree() {
        SandboxUser user = SandboxUser.choose("root:x:0:0::/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n",
                "root:x:0:\n");

        assertThat(user).isEqualTo(new SandboxUser(993, 990));
    }

    @Test
    void choose_stepsBelowIdsTheHostAlreadyUses() {
        SandboxUser user = SandboxUser.choose("a:x:993:993::/:/bin/false\nb:x:992:1::/:/bin/false\n",
                "a:x:990:\nbroken line\n");

        assertThat(user).isEqualTo(new SandboxUser(991, 989));
    }

    @Test
    void passwdAndGroup_nameTheSandboxUserAsLambdaDoes() {
        SandboxUser user = new SandboxUser(993, 990);

        assertThat(user.passwd()).contains("sbx_user1051:x:993:990::/home/sbx_user1051:/sbin/nologin\n")
                .startsWith("root:x:0:0:");
        assertThat(user.group()).contains("sbx_user1051:x:990:\n");
    }
}
