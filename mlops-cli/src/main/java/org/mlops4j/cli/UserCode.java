package org.mlops4j.cli;

import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.mlops4j.Mlops;
import picocli.CommandLine.Option;

/**
 * What only the user's code can supply (a pipeline's trainer, a deployment target), loaded by class name: a public
 * class with a public no-argument constructor implementing {@code java.util.function.Function<Mlops, T>}, from the
 * command's class path or from extra jars and directories. A JDK interface, so that user code needs no type of ours.
 */
final class UserCode {
    private UserCode() {}

    /** The {@code --class-path} option of the commands that load user code. */
    static final class ClassPath {
        @Option(
                names = "--class-path",
                paramLabel = "JAR_OR_DIR",
                split = ":",
                description = "Where to find the class and its dependencies (':'-separated; repeatable).")
        List<Path> entries = new ArrayList<>();
    }

    /**
     * Loads the class and applies it to the lake.
     *
     * @param className the class
     * @param classPath extra jars and directories
     * @param mlops the lake and registry
     * @param type what the function must return
     * @return what it returned
     * @throws CliException if the class cannot be found, made or applied, or returns something else
     */
    static <T> T build(String className, List<Path> classPath, Mlops mlops, Class<T> type) {
        ClassLoader loader = UserCode.class.getClassLoader();
        if (!classPath.isEmpty()) {
            List<URL> urls = new ArrayList<>();
            for (Path entry : classPath) {
                try {
                    urls.add(entry.toUri().toURL());
                } catch (MalformedURLException e) {
                    throw new CliException("--class-path entry " + entry + " is not a usable path: " + e.getMessage());
                }
            }
            // lives as long as the command: the loaded classes are used until the process exits
            loader = new URLClassLoader(urls.toArray(URL[]::new), loader);
        }
        String signature = "java.util.function.Function<Mlops, " + type.getSimpleName() + ">";
        Object code;
        try {
            code = Class.forName(className, true, loader).getConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new CliException("no class " + className + " on the class path; add its jar with --class-path");
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
            throw new CliException(className + " needs to be a public, non-abstract class with a public"
                    + " no-argument constructor: " + e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new CliException("the constructor of " + className + " failed: " + Cli.oneLine(cause), cause);
        }
        if (!(code instanceof Function<?, ?> function)) {
            throw new CliException(className + " does not implement " + signature);
        }
        @SuppressWarnings("unchecked") // checked below: the result must be a T
        Object made = ((Function<Object, Object>) function).apply(mlops);
        if (!type.isInstance(made)) {
            throw new CliException(className + ".apply(mlops) returned "
                    + (made == null ? "null" : made.getClass().getName()) + ", not a " + type.getSimpleName());
        }
        return type.cast(made);
    }
}
