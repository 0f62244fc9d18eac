package org.mlops4j.test.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shipped modules whose public API is dumped, each owning its packages. */
enum ApiModule {
    CORE("mlops-core"),
    TEST_KIT("mlops-test");

    private static final String TEST_KIT_PACKAGE = "org.mlops4j.test";

    private final String directory;

    ApiModule(String directory) {
        this.directory = directory;
    }

    boolean owns(JavaClass type) {
        String pkg = type.getPackageName();
        boolean testKit = pkg.equals(TEST_KIT_PACKAGE) || pkg.startsWith(TEST_KIT_PACKAGE + ".");
        return this == TEST_KIT ? testKit : !testKit;
    }

    /** The committed dump, {@code <module>/api/<module>.api} under the project's root. */
    Path dumpFile() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve(directory))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the module directory '" + directory + "' above "
                    + Path.of("").toAbsolutePath() + "; run the test from the project");
        }
        return dir.resolve(directory).resolve("api").resolve(directory + ".api");
    }
}
