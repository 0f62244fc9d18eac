package org.mlops4j.samples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;

/**
 * Runs the README's Java blocks in this JVM, whose working directory is the one the README's code expects (so
 * {@link ReadmeTest} starts it as a child process in a temporary directory). Modes:
 *
 * <ul>
 *   <li>{@code programs README.md}: compiles every {@code java} block in memory ({@code javax.tools}; statements go
 *       into the README's main class) and runs its {@code main}, if it has one;
 *   <li>{@code jshell README.md mlops.jsh}: evaluates {@code mlops.jsh}, then every {@code java jshell} block, snippet by
 *       snippet, through the {@code jdk.jshell} API with this JVM's class path, as {@code scripts/jshell} would.
 * </ul>
 *
 * <p>Prints {@value #OK} and the block's number for each block that ran, and on the first failure {@value #FAILED}
 * with the README line, the block and the error, then exits with status 1.
 */
public final class ReadmeRunner {
    /** Starts the line printed for each block that ran. */
    static final String OK = "README-BLOCK-OK ";
    /** Starts the line printed when a block fails. */
    static final String FAILED = "README-FAILED ";

    private ReadmeRunner() {}

    /**
     * Runs the blocks.
     *
     * @param args the mode, the README and, for {@code jshell}, the start-up script
     * @throws Exception if the runner itself breaks (a failing block exits with status 1 instead)
     */
    public static void main(String[] args) throws Exception {
        ReadmeBlocks readme = ReadmeBlocks.read(Path.of(args[1]));
        switch (args[0]) {
            case "programs" -> {
                for (ReadmeBlocks.Block block : readme.java()) {
                    if (!block.isJshell()) {
                        runProgram(readme.program(block));
                        System.out.println(OK + block.number());
                    }
                }
            }
            case "jshell" -> runJshell(readme, Path.of(args[2]));
            default -> throw new IllegalArgumentException("mode is programs or jshell, got " + args[0]);
        }
        System.out.flush();
        // the README's code may leave daemon threads and open lakes behind; the test checks what it wrote
        System.exit(0);
    }

    // --- programs ------------------------------------------------------------------------------------------------

    private static void runProgram(ReadmeBlocks.Program program) throws Exception {
        Map<String, byte[]> classes = compile(program);
        ClassLoader loader = new ClassLoader(ReadmeRunner.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] bytes = classes.get(name);
                if (bytes == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, bytes, 0, bytes.length);
            }
        };
        String mainClass = classes.keySet().stream()
                .filter(name -> name.equals(program.className()) || name.endsWith("." + program.className()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no class " + program.className() + " compiled"));
        Method main;
        try {
            main = loader.loadClass(mainClass).getMethod("main", String[].class);
        } catch (NoSuchMethodException e) {
            return; // a class to compile, not to run
        }
        if (!Modifier.isStatic(main.getModifiers())) {
            fail(program.blocks().get(0).where() + ": " + program.className() + ".main is not static");
        }
        try {
            main.invoke(null, (Object) new String[0]);
        } catch (InvocationTargetException e) {
            Throwable thrown = e.getCause();
            String at = "";
            for (StackTraceElement frame : thrown.getStackTrace()) {
                if (frame.getClassName().equals(mainClass)
                        || frame.getClassName().startsWith(mainClass + "$")) {
                    at = program.describeLine(frame.getLineNumber());
                    break;
                }
            }
            fail(at + "\n  threw " + thrown + "\n" + stackTrace(thrown));
        }
    }

    private static Map<String, byte[]> compile(ReadmeBlocks.Program program) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Map<String, ByteArrayOutputStream> out = new HashMap<>();
        JavaFileObject source =
                new SimpleJavaFileObject(
                        URI.create("string:///" + program.className() + ".java"), JavaFileObject.Kind.SOURCE) {
                    @Override
                    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                        return program.source();
                    }
                };
        try (StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, Locale.ROOT, null);
                JavaFileManager memory = new ForwardingJavaFileManager<>(standard) {
                    @Override
                    public JavaFileObject getJavaFileForOutput(
                            JavaFileManager.Location location,
                            String name,
                            JavaFileObject.Kind kind,
                            FileObject sibling) {
                        return new SimpleJavaFileObject(URI.create("mem:///" + name + ".class"), kind) {
                            @Override
                            public OutputStream openOutputStream() {
                                return out.computeIfAbsent(name, n -> new ByteArrayOutputStream());
                            }
                        };
                    }
                }) {
            List<String> options =
                    List.of("--release", "17", "-proc:none", "-classpath", System.getProperty("java.class.path"));
            boolean compiled = javac.getTask(null, memory, diagnostics, options, null, List.of(source))
                    .call();
            if (!compiled) {
                fail(diagnostics.getDiagnostics().stream()
                        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                        .map(d -> program.describeLine(d.getLineNumber()) + "\n  does not compile: "
                                + d.getMessage(Locale.ROOT))
                        .collect(Collectors.joining("\n")));
            }
        }
        Map<String, byte[]> classes = new HashMap<>();
        out.forEach((name, bytes) -> classes.put(name, bytes.toByteArray()));
        return classes;
    }

    // --- JShell --------------------------------------------------------------------------------------------------

    private static void runJshell(ReadmeBlocks readme, Path startup) throws IOException {
        try (JShell shell = JShell.builder()
                .executionEngine("local") // in this JVM, so in its working directory
                .out(System.out)
                .err(System.err)
                .build()) {
            shell.addToClasspath(System.getProperty("java.class.path"));
            evaluate(shell, Files.readString(startup, StandardCharsets.UTF_8), startup.getFileName() + " line ", 1, "");
            for (ReadmeBlocks.Block block : readme.java()) {
                if (block.isJshell()) {
                    evaluate(shell, block.text(), "README.md line ", block.firstLine(), ", " + block.where());
                    System.out.println(OK + block.number());
                }
            }
        }
    }

    /**
     * Feeds the text line by line, as JShell's own reader does: lines gather until they make a complete snippet (a
     * line without its semicolon is complete), which is evaluated; fails at the first bad one.
     */
    private static void evaluate(JShell shell, String text, String label, int firstLine, String block) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        List<String> lines = text.lines().toList();
        StringBuilder pending = new StringBuilder();
        int pendingStart = firstLine;
        for (int i = 0; i < lines.size(); i++) {
            if (pending.toString().isBlank()) {
                pending.setLength(0);
                pendingStart = firstLine + i;
            }
            pending.append(lines.get(i)).append('\n');
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(pending.toString());
            while (info.completeness().isComplete()) {
                String where = label + pendingStart + block + ": "
                        + info.source().strip().lines().findFirst().orElse("");
                System.out.println("jshell> " + info.source().strip());
                for (SnippetEvent event : shell.eval(info.source())) {
                    if (event.causeSnippet() == null) {
                        report(shell, event, where);
                    }
                }
                pending.setLength(0);
                pending.append(info.remaining());
                pendingStart = firstLine + i;
                info = analysis.analyzeCompletion(pending.toString());
            }
            if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                pending.setLength(0); // comments and blank lines
            }
        }
        if (!pending.toString().isBlank()) {
            fail(label + pendingStart + block + ": "
                    + pending.toString().strip().lines().findFirst().orElse("") + "\n  the snippet never ends");
        }
    }

    private static void report(JShell shell, SnippetEvent event, String where) {
        JShellException thrown = event.exception();
        if (thrown != null) {
            String name = thrown instanceof EvalException eval
                    ? eval.getExceptionClassName()
                    : thrown instanceof UnresolvedReferenceException unresolved
                            ? "unresolved " + unresolved.getSnippet().source()
                            : thrown.getClass().getName();
            fail(where + "\n  threw " + name + ": " + thrown.getMessage() + "\n" + stackTrace(thrown));
        }
        if (event.status() != Snippet.Status.VALID) {
            String messages = shell.diagnostics(event.snippet())
                    .map(d -> d.getMessage(Locale.ROOT))
                    .collect(Collectors.joining("; "));
            fail(where + "\n  is " + event.status() + ": " + messages);
        }
        if (event.value() != null && !event.value().isEmpty()) {
            System.out.println("  ==> " + event.value());
        }
    }

    private static String stackTrace(Throwable thrown) {
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        return trace.toString();
    }

    private static void fail(String message) {
        System.out.println(FAILED + message);
        System.out.flush();
        System.exit(1);
    }
}
