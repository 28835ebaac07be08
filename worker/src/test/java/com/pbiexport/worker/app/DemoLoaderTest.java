package com.pbiexport.worker.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoLoaderTest {
    @TempDir
    Path tmp;

    @Test
    void aMissingDemoLibIsNamedWithTheCommandThatBuildsIt() {
        Path absent = tmp.resolve("demo-lib");
        assertThatThrownBy(() -> DemoLoader.load(absent))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("The demo is not installed here: " + absent + " does not exist or holds no jar.")
                .hasMessageContaining("production images leave them out")
                .hasMessageContaining("./mvnw -B -q -DskipTests package");
    }

    @Test
    void jarsWithoutTheDemoServiceAreReportedAsHoldingNoDemo() throws Exception {
        Path lib = Files.createDirectories(tmp.resolve("demo-lib"));
        try (OutputStream out = Files.newOutputStream(lib.resolve("unrelated.jar"));
             JarOutputStream jar = new JarOutputStream(out)) {
            jar.finish();
        }
        assertThatThrownBy(() -> DemoLoader.load(lib))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("The demo is not installed here: " + lib
                        + " holds no demo (no com.pbiexport.worker.app.Demo service in its jars).");
    }
}
