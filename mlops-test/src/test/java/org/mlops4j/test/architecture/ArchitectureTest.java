package org.mlops4j.test.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The floor plan of the library, checked on every build (STYLE B9, DESIGN §3): no package cycle, core free of cloud
 * SDKs and HTTP servers, no {@code internal} type in a public signature, and the public API equal to the committed
 * dumps, so that every change to it is seen in review.
 *
 * <p>After a deliberate API change, rewrite the dumps and commit them with the change:
 * {@code ./mvnw -B -pl mlops-test -am test -Dtest=ArchitectureTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dmlops4j.api.update=true}.
 */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // a module's test-jar (mlops-core's, for the remote-like store pass) is tests too
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("org.mlops4j");

    @Test
    void shouldHaveNoPackageCycle() {
        PackageGraph graph = PackageGraph.of(CLASSES);

        List<String> cycles = graph.cycles();

        assertThat(cycles)
                .as("package cycles (print the graph with scripts/package-graph); break each by moving the shared"
                        + " type to the lower package or turning the dependency around")
                .isEmpty();
        assertThat(graph.packages()).as("the packages seen").contains("org.mlops4j", "org.mlops4j.common");
    }

    @Test
    void shouldKeepCoreFreeOfCloudSdksAndHttpServers() {
        List<String> offences = new ArrayList<>();
        for (JavaClass type : CLASSES) {
            if (!ApiModule.CORE.owns(type)) {
                continue;
            }
            type.getDirectDependenciesFromSelf().forEach(d -> {
                String target = d.getTargetClass().getPackageName();
                if (target.startsWith("com.azure")
                        || target.startsWith("org.mlflow")
                        || target.startsWith("org.eclipse.jetty")
                        || target.startsWith("com.sun.net.httpserver")) {
                    offences.add(d.getDescription());
                }
            });
        }

        assertThat(offences)
                .as("core depends on a backend or an HTTP server (they belong in adapter modules)")
                .isEmpty();
    }

    @Test
    void shouldExposeNoInternalTypeInThePublicApi() {
        Set<String> offences = new TreeSet<>();
        for (JavaClass type : CLASSES) {
            if (ApiDump.isApi(type)) {
                ApiDump.signatureTypes(type).stream()
                        .filter(t -> t.getPackageName().contains(".internal"))
                        .forEach(t -> offences.add(type.getName() + " exposes " + t.getName()));
            }
        }

        assertThat(offences)
                .as("internal types in public signatures: make the member non-public or the type public API")
                .isEmpty();
    }

    @Test
    void shouldMatchTheCommittedApiDumps() {
        for (ApiModule module : ApiModule.values()) {
            ApiDump.check(module, CLASSES);
        }
    }
}
