package org.mlops4j.test.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shipped modules whose public API is dumped, each owning its packages. */
enum ApiModule {
    CORE("mlops-core", ""),
    TEST_KIT("mlops-test", "org.mlops4j.test"),
    SERVING("mlops-serving", "org.mlops4j.serving");

    private final String directory;
    /** The module's root package; core's is empty: it owns what no other module here owns. */
    private final String root;

    ApiModule(String directory, String root) {
        this.directory = directory;
        this.root = root;
    }

    boolean owns(JavaClass type) {
        String pkg = type.getPackageName();
        if (this != CORE) {
            return pkg.equals(root) || pkg.startsWith(root + ".");
        }
        for (ApiModule other : values()) {
            if (other != CORE && other.owns(type)) {
                return false;
            }
        }
        return true;
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
