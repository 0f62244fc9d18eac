package org.mlops4j.internal;

import com.fasterxml.jackson.core.Version;

/**
 * Checks at start that the libraries on the class path are at least the versions this release needs, so that a host
 * whose framework pins an older one (Spring Boot 3.3 pins Jackson 2.17.2) fails at once with the fix in the message,
 * not later with a {@link NoSuchFieldError} from deep inside the lake. Not public API.
 */
public final class DependencyVersions {
    /**
     * The oldest Jackson ({@code jackson-core} and {@code jackson-databind}) this release runs on. 2.18.0 added
     * {@code JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8}, which the lake's canonical JSON writer needs, but
     * 2.18.0 and 2.18.1 still write some characters beyond U+FFFF wrongly with it (the canonical JSON golden vectors
     * and properties fail on them); 2.18.2 is the first version on which the whole core test suite passes.
     */
    static final Version MIN_JACKSON = new Version(2, 18, 2, null, "com.fasterxml.jackson.core", "jackson-core");

    private static volatile boolean checked;

    private DependencyVersions() {}

    /**
     * Checks the versions once per class loader.
     *
     * @throws IllegalStateException naming the library, the version found, the version required and what to do
     */
    public static void requireSupported() {
        if (checked) {
            return;
        }
        // only APIs that Jackson 2.0 already had may be touched here: this runs before anything newer is linked
        requireJackson("jackson-core", com.fasterxml.jackson.core.json.PackageVersion.VERSION);
        requireJackson("jackson-databind", com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION);
        checked = true;
    }

    /**
     * Checks one Jackson module's version.
     *
     * @param artifact the module's artifact id, for the message
     * @param found the version on the class path; {@link Version#unknownVersion()} passes (a repackaged jar)
     * @throws IllegalStateException if it is older than {@link #MIN_JACKSON}
     */
    static void requireJackson(String artifact, Version found) {
        if (found.isUnknownVersion() || compare(found, MIN_JACKSON) >= 0) {
            return;
        }
        throw new IllegalStateException("MLOps4J needs Jackson " + text(MIN_JACKSON) + " or newer, but " + artifact
                + " " + text(found) + " is on the class path (a framework's pin? Spring Boot 3.3 pins 2.17.2); "
                + "upgrade Jackson: import com.fasterxml.jackson:jackson-bom " + text(MIN_JACKSON) + " or newer in "
                + "<dependencyManagement>, or with Spring Boot set the property jackson-bom.version; "
                + "`mvn dependency:tree -Dincludes=com.fasterxml.jackson.core` shows who brings " + text(found));
    }

    private static int compare(Version a, Version b) {
        int major = Integer.compare(a.getMajorVersion(), b.getMajorVersion());
        if (major != 0) {
            return major;
        }
        int minor = Integer.compare(a.getMinorVersion(), b.getMinorVersion());
        return minor != 0 ? minor : Integer.compare(a.getPatchLevel(), b.getPatchLevel());
    }

    private static String text(Version version) {
        return version.getMajorVersion() + "." + version.getMinorVersion() + "." + version.getPatchLevel();
    }
}
