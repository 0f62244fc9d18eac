package org.mlops4j.benchmarks.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The bare job must do what the store does: copy every byte and hash the same bytes, whatever the last chunk. */
class BarePipelineTest {
    /** Under target/, not /tmp: direct I/O needs a disk filesystem, and /tmp may be tmpfs. */
    private static final Path WORK = Path.of("target", "bare-pipeline-test");

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4095, 4096, 1024 * 1024, 3 * 1024 * 1024 + 5, 5 * 1024 * 1024})
    void shouldCopyAndHashEveryByte(int size) throws Exception {
        Files.createDirectories(WORK);
        Path source = Files.createTempFile(WORK, "source", ".bin");
        Path target = WORK.resolve(source.getFileName() + ".copy");
        try {
            byte[] bytes = new byte[size];
            new Random(size).nextBytes(bytes);
            Files.write(source, bytes);

            String line = BarePipeline.run(source, target);

            assertThat(Files.readAllBytes(target)).isEqualTo(bytes);
            assertThat(field(line, "bytes")).isEqualTo(Integer.toString(size));
            assertThat(field(line, "sha256"))
                    .isEqualTo(HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
            assertThat(Double.parseDouble(field(line, "seconds"))).isPositive();
        } finally {
            Files.deleteIfExists(source);
            Files.deleteIfExists(target);
        }
    }

    /** A field of the printed JSON line (numbers and plain strings only). */
    private static String field(String line, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"?([^\",}]*)").matcher(line);
        assertThat(m.find()).as("field %s in %s", name, line).isTrue();
        return m.group(1);
    }
}
