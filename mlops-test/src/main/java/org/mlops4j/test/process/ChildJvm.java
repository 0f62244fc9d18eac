package org.mlops4j.test.process;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * How to start a child JVM: a main class run with this JVM's {@code java} and classpath, its arguments, JVM options
 * and system properties, a UTF-8 locale, and a directory for its output. Immutable; {@link #start()} may be called
 * many times, each start gets its own output files ({@code <name>-<n>.stdout.txt}, {@code .stderr.txt},
 * {@code .steps}, and {@code .lines} if the child {@link ParentChannel#reportAndExit reports} lines).
 *
 * <p>The child's standard error goes to a file; its standard output is drained line by line into a file and into
 * memory, where {@link ChildProcess#awaitLine} finds it. Children start with {@link #FAST_START_OPTIONS} unless
 * {@link Builder#replaceJvmOptions} says otherwise.
 *
 * <pre>{@code
 * ChildJvm jvm = ChildJvm.builder(CrashWorkload.class)
 *         .outputDirectory(dir)
 *         .args(lake.toString())
 *         .haltAt(new HaltPoint(StoreSteps.STEP_RECORD_WRITTEN, 3))
 *         .build();
 * try (ChildProcess child = jvm.start()) {
 *     int exit = child.awaitExit(Duration.ofMinutes(1));
 * }
 * }</pre>
 */
public final class ChildJvm {
    /**
     * JVM options that start a short-lived child fast: class data sharing, the C1 compiler only, the serial
     * collector and a small heap.
     */
    public static final List<String> FAST_START_OPTIONS =
            List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m");

    private static final AtomicInteger STARTS = new AtomicInteger();

    private final String mainClass;
    private final String name;
    private final List<String> args;
    private final List<String> jvmOptions;
    private final Map<String, String> systemProperties;
    private final Map<String, String> environment;
    private final Path outputDirectory;
    private final String classpath;
    private final @Nullable HaltPoint haltAt;

    private ChildJvm(Builder builder, Path outputDirectory) {
        this.mainClass = builder.mainClass;
        this.name = builder.name;
        this.args = List.copyOf(builder.args);
        this.jvmOptions = List.copyOf(builder.jvmOptions);
        this.systemProperties = Map.copyOf(builder.systemProperties);
        this.environment = Map.copyOf(builder.environment);
        this.outputDirectory = outputDirectory;
        this.classpath = builder.classpath;
        this.haltAt = builder.haltAt;
    }

    /**
     * Starts describing a child that runs a main class.
     *
     * @param mainClass the class with {@code public static void main(String[])}
     * @return the builder
     */
    public static Builder builder(Class<?> mainClass) {
        return new Builder(mainClass.getName(), mainClass.getSimpleName());
    }

    /**
     * Starts describing a child that runs a main class given by name.
     *
     * @param mainClassName the class's binary name
     * @return the builder
     */
    public static Builder builder(String mainClassName) {
        Objects.requireNonNull(mainClassName, "mainClassName");
        int dot = mainClassName.lastIndexOf('.');
        return new Builder(mainClassName, mainClassName.substring(dot + 1));
    }

    /** Returns the classpath of this JVM, which children get by default. */
    public static String currentClasspath() {
        return System.getProperty("java.class.path", "");
    }

    /** Returns the {@code java} launcher of this JVM. */
    public static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /**
     * Returns the command line of a start, without the per-start output files' properties.
     *
     * @return the command
     */
    public List<String> command() {
        return command(null);
    }

    private List<String> command(@Nullable Path trail) {
        List<String> command = new ArrayList<>();
        command.add(currentJava().toString());
        command.addAll(jvmOptions);
        command.add("-Dfile.encoding=UTF-8");
        command.add("-Dsun.jnu.encoding=UTF-8");
        command.add("-Dsun.stdout.encoding=UTF-8");
        command.add("-Dsun.stderr.encoding=UTF-8");
        systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        if (haltAt != null) {
            command.add("-D" + StepTracker.HALT_AT_PROPERTY + "=" + haltAt);
        }
        if (trail != null) {
            command.add("-D" + StepTracker.TRAIL_PROPERTY + "=" + trail);
            command.add("-D" + ParentChannel.LINES_FILE_PROPERTY + "=" + ChildProcess.linesFileBeside(trail));
        }
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /**
     * Starts the child.
     *
     * @return the running child; close it to kill it if it is still running
     * @throws IllegalStateException if the process cannot be started (no {@code java}, no such directory); the
     *     message holds the command
     */
    public ChildProcess start() {
        String id = name + "-" + STARTS.incrementAndGet();
        Path stdout = outputDirectory.resolve(id + ".stdout.txt");
        Path stderr = outputDirectory.resolve(id + ".stderr.txt");
        Path trail = outputDirectory.resolve(id + ".steps");
        List<String> command = command(trail);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectError(stderr.toFile())
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().put("LANG", "C.UTF-8");
        builder.environment().put("LC_ALL", "C.UTF-8");
        builder.environment().putAll(environment);
        Process process;
        try {
            Files.createDirectories(outputDirectory);
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot start child JVM '" + id + "': " + e.getMessage() + "; command: "
                            + String.join(" ", command),
                    e);
        }
        return new ChildProcess(id, process, command, stdout, stderr, trail);
    }

    @Override
    public String toString() {
        return "ChildJvm{main=" + mainClass + ", args=" + args + ", haltAt=" + haltAt + "}";
    }

    /** Configures a {@link ChildJvm}. Not thread-safe. */
    public static final class Builder {
        private final String mainClass;
        private String name;
        private final List<String> args = new ArrayList<>();
        private final List<String> jvmOptions = new ArrayList<>(FAST_START_OPTIONS);
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private @Nullable Path outputDirectory;
        private String classpath = currentClasspath();
        private @Nullable HaltPoint haltAt;

        private Builder(String mainClass, String name) {
            this.mainClass = mainClass;
            this.name = name;
        }

        /**
         * Names the child in file names and messages; the main class's simple name by default.
         *
         * @param name a name usable in a file name
         * @return this builder
         * @throws IllegalArgumentException if the name is blank or holds a path separator
         */
        @CanIgnoreReturnValue
        public Builder name(String name) {
            if (name.isBlank() || name.contains("/") || name.contains(File.separator)) {
                throw new IllegalArgumentException("a child name must be non-blank without '/', got '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /**
         * Appends program arguments.
         *
         * @param args the arguments
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder args(String... args) {
            for (String arg : args) {
                this.args.add(Objects.requireNonNull(arg, "arg"));
            }
            return this;
        }

        /**
         * Appends JVM options after {@link #FAST_START_OPTIONS}.
         *
         * @param options e.g. {@code -Xmx512m}
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder jvmOptions(String... options) {
            for (String option : options) {
                jvmOptions.add(Objects.requireNonNull(option, "option"));
            }
            return this;
        }

        /**
         * Replaces all JVM options, including {@link #FAST_START_OPTIONS}.
         *
         * @param options the options
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder replaceJvmOptions(List<String> options) {
            jvmOptions.clear();
            jvmOptions.addAll(options);
            return this;
        }

        /**
         * Sets a system property of the child.
         *
         * @param key the property
         * @param value its value
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder systemProperty(String key, String value) {
            systemProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Sets an environment variable of the child (on top of {@code LANG=C.UTF-8} and {@code LC_ALL=C.UTF-8}).
         *
         * @param key the variable
         * @param value its value
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder environment(String key, String value) {
            environment.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Makes the child's {@link StepTracker#fromSystemProperties()} halt at a point.
         *
         * @param haltAt the point
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder haltAt(HaltPoint haltAt) {
            this.haltAt = Objects.requireNonNull(haltAt, "haltAt");
            return this;
        }

        /**
         * Makes the child halt where a crash loop's plan says, if the plan is a {@link KillPlan.Halt}; a
         * {@link KillPlan.Sigkill} needs nothing of the child.
         *
         * @param plan the plan of the iteration this child serves
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder haltAsPlanned(KillPlan plan) {
            if (plan instanceof KillPlan.Halt halt) {
                haltAt(halt.point());
            }
            return this;
        }

        /**
         * Sets the directory for the child's output files (required); created if absent.
         *
         * @param directory the directory
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder outputDirectory(Path directory) {
            this.outputDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Replaces the classpath; this JVM's by default.
         *
         * @param classpath the classpath
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder classpath(String classpath) {
            this.classpath = Objects.requireNonNull(classpath, "classpath");
            return this;
        }

        /**
         * Describes the child.
         *
         * @return the description
         * @throws IllegalStateException if no output directory was set
         */
        public ChildJvm build() {
            if (outputDirectory == null) {
                throw new IllegalStateException(
                        "outputDirectory is required: ChildJvm.builder(main).outputDirectory(dir).build()");
            }
            return new ChildJvm(this, outputDirectory);
        }
    }
}
