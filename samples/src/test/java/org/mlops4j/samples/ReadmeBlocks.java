package org.mlops4j.samples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README's code blocks, cut out by their fences, each with the README line it starts on: the single source of the
 * code that {@link ReadmeTest} runs and that {@code scripts/try-as-a-user} copies into a user's project.
 *
 * <p>A fence's info string is a language and optional words ({@code ```java jshell}); GitHub colours by the first
 * word and ignores the rest. The words this class knows:
 *
 * <ul>
 *   <li>{@code java jshell}: lines typed into JShell after {@code samples/jshell/mlops.jsh};
 *   <li>{@code java} with a top-level class: a compilation unit; if it holds the line {@value #PLACEHOLDER}, every
 *       other {@code java} block is run as the body of its {@code main} in its place;
 *   <li>{@code java} otherwise: statements, run in that class;
 *   <li>{@code bash setup}: commands that make the files the code expects, run in its working directory first;
 *   <li>{@code bash install}: the commands that install the library into the local Maven repository;
 *   <li>{@code xml}: the snippet a user puts into their {@code pom.xml}.
 * </ul>
 *
 * <p>Only the JDK is used, so that {@code java samples/src/test/java/org/mlops4j/samples/ReadmeBlocks.java} runs it
 * on a fresh clone (the source launcher): {@code ReadmeBlocks README.md program|class-name|setup|install|xml} prints
 * the composed program, its class's name, the set-up or install commands, or the XML.
 */
public final class ReadmeBlocks {
    /** The line in the class block where the statements go. */
    public static final String PLACEHOLDER = "// paste the tour here";

    private static final Pattern FENCE = Pattern.compile("^ {0,3}```\\s*(\\S*)(.*)$");
    private static final Pattern CLASS = Pattern.compile("(?m)^(?:public\\s+)?(?:final\\s+)?class\\s+(\\w+)");
    private static final int INDENT = 8;

    /**
     * One fenced block.
     *
     * @param number its position among the README's blocks, from 1
     * @param language the info string's first word
     * @param words the info string's other words
     * @param firstLine the README line of the block's first content line (1-based)
     * @param lines the content lines
     */
    public record Block(int number, String language, List<String> words, int firstLine, List<String> lines) {
        public Block {
            words = List.copyOf(words);
            lines = List.copyOf(lines);
        }

        /** Returns the content, one line per line. */
        public String text() {
            return String.join("\n", lines) + "\n";
        }

        /** Whether it is Java typed into JShell. */
        public boolean isJshell() {
            return language.equals("java") && words.contains("jshell");
        }

        /** Whether it is a Java compilation unit (declares a top-level class). */
        public boolean isCompilationUnit() {
            return language.equals("java")
                    && !isJshell()
                    && CLASS.matcher(text()).find();
        }

        /** Whether it is Java statements, run as the body of a {@code main}. */
        public boolean isStatements() {
            return language.equals("java") && !isJshell() && !isCompilationUnit();
        }

        /** Whether it holds the commands that make the files the code expects. */
        public boolean isSetup() {
            return (language.equals("bash") || language.equals("sh")) && words.contains("setup");
        }

        /** Says where it is, for messages: {@code block 7 (```java, README lines 80–112)}. */
        public String where() {
            String info = (language + " " + String.join(" ", words)).strip();
            return "block " + number + " (```" + info + ", README lines " + firstLine + "–"
                    + (firstLine + lines.size() - 1) + ")";
        }
    }

    /**
     * A Java source made of README blocks, and where each of its lines came from.
     *
     * @param className the top-level class's simple name (the file is {@code className.java})
     * @param source the source text
     * @param readmeLines the README line of each source line (index 0 is source line 1), 0 where there is none
     * @param blocks the blocks it was made of
     */
    public record Program(String className, String source, int[] readmeLines, List<Block> blocks) {
        public Program {
            readmeLines = readmeLines.clone();
            blocks = List.copyOf(blocks);
        }

        /**
         * Says which README line a source line came from.
         *
         * @param sourceLine the line in {@link #source()}, from 1
         * @return {@code README.md line N (block B): <the line>}, or the source line's own text when it came from none
         */
        public String describeLine(long sourceLine) {
            String[] lines = source.split("\n", -1);
            if (sourceLine < 1 || sourceLine > lines.length) {
                return className + ".java line " + sourceLine;
            }
            int index = (int) sourceLine - 1;
            int readmeLine = readmeLines[index];
            String text = lines[index].strip();
            if (readmeLine == 0) {
                return className + ".java line " + sourceLine + " (generated): " + text;
            }
            String where = blocks.stream()
                    .filter(b -> readmeLine >= b.firstLine()
                            && readmeLine < b.firstLine() + b.lines().size())
                    .findFirst()
                    .map(Block::where)
                    .orElse("");
            return "README.md line " + readmeLine + ", " + where + ": " + text;
        }
    }

    private final List<Block> blocks;

    private ReadmeBlocks(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /**
     * Reads a README.
     *
     * @param readme the Markdown file
     * @return its blocks
     * @throws UncheckedIOException if it cannot be read
     * @throws IllegalArgumentException if a fence is never closed
     */
    public static ReadmeBlocks read(Path readme) {
        try {
            return parse(Files.readString(readme, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + readme, e);
        }
    }

    /**
     * Cuts Markdown text into its fenced blocks.
     *
     * @param markdown the text
     * @return its blocks
     * @throws IllegalArgumentException if a fence is never closed
     */
    public static ReadmeBlocks parse(String markdown) {
        List<Block> found = new ArrayList<>();
        String[] lines = markdown.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher open = FENCE.matcher(lines[i]);
            if (!open.matches()) {
                continue;
            }
            int start = i;
            List<String> content = new ArrayList<>();
            i++;
            while (i < lines.length && !lines[i].strip().equals("```")) {
                content.add(lines[i]);
                i++;
            }
            if (i == lines.length) {
                throw new IllegalArgumentException("the fence on README line " + (start + 1) + " is never closed");
            }
            List<String> words = open.group(2).isBlank()
                    ? List.of()
                    : Arrays.asList(open.group(2).strip().split("\\s+"));
            found.add(new Block(found.size() + 1, open.group(1), words, start + 2, content));
        }
        return new ReadmeBlocks(found);
    }

    /** Returns every block, in README order. */
    public List<Block> all() {
        return blocks;
    }

    /** Returns the Java blocks (JShell lines, compilation units and statements), in README order. */
    public List<Block> java() {
        return blocks.stream().filter(b -> b.language().equals("java")).toList();
    }

    /** Returns the set-up commands, joined. */
    public String setup() {
        return shell("setup");
    }

    /** Returns the install commands, joined. */
    public String install() {
        return shell("install");
    }

    private String shell(String word) {
        StringBuilder commands = new StringBuilder();
        blocks.stream()
                .filter(b -> b.language().equals("bash") || b.language().equals("sh"))
                .filter(b -> b.words().contains(word))
                .forEach(b -> commands.append(b.text()));
        return commands.toString();
    }

    /** Returns the XML blocks, in README order. */
    public List<Block> xml() {
        return blocks.stream().filter(b -> b.language().equals("xml")).toList();
    }

    /** Returns the class block that holds {@value #PLACEHOLDER}, if any. */
    public Optional<Block> mainClass() {
        return blocks.stream()
                .filter(Block::isCompilationUnit)
                .filter(b -> b.lines().stream().anyMatch(l -> l.strip().equals(PLACEHOLDER)))
                .findFirst();
    }

    /**
     * Returns a compilation unit as it stands.
     *
     * @param block a block that declares a class
     * @return the program
     */
    public static Program compilationUnit(Block block) {
        Matcher name = CLASS.matcher(block.text());
        if (!block.isCompilationUnit() || !name.find()) {
            throw new IllegalArgumentException(block.where() + " declares no class");
        }
        int[] map = new int[block.lines().size()];
        for (int i = 0; i < map.length; i++) {
            map[i] = block.firstLine() + i;
        }
        return new Program(name.group(1), block.text(), map, List.of(block));
    }

    /**
     * Returns the program a Java block runs as: a compilation unit as it stands, statements in the main class.
     *
     * @param block a {@code java} block that is not JShell
     * @return the program
     */
    public Program program(Block block) {
        return block.isStatements() ? inMainClass(block) : compilationUnit(block);
    }

    /**
     * Puts statements into the main class in place of {@value #PLACEHOLDER}.
     *
     * @param statements a statements block
     * @return the program
     * @throws IllegalStateException if the README has no class block with the placeholder
     */
    public Program inMainClass(Block statements) {
        if (!statements.isStatements()) {
            throw new IllegalArgumentException(statements.where() + " is not a block of statements");
        }
        Block main = mainClass()
                .orElseThrow(() -> new IllegalStateException("the README has no ```java class with the line '"
                        + PLACEHOLDER + "' to run " + statements.where() + " in"));
        StringBuilder source = new StringBuilder();
        List<Integer> map = new ArrayList<>();
        for (int i = 0; i < main.lines().size(); i++) {
            String line = main.lines().get(i);
            if (line.strip().equals(PLACEHOLDER)) {
                String indent = " ".repeat(Math.max(INDENT, line.indexOf('/')));
                for (int j = 0; j < statements.lines().size(); j++) {
                    String statement = statements.lines().get(j);
                    source.append(statement.isBlank() ? "" : indent + statement).append('\n');
                    map.add(statements.firstLine() + j);
                }
            } else {
                source.append(line).append('\n');
                map.add(main.firstLine() + i);
            }
        }
        Matcher name = CLASS.matcher(main.text());
        if (!name.find()) {
            throw new IllegalStateException(main.where() + " declares no class");
        }
        return new Program(
                name.group(1),
                source.toString(),
                map.stream().mapToInt(Integer::intValue).toArray(),
                List.of(main, statements));
    }

    /**
     * Prints a part of a README, for scripts: {@code program} (the main class with the first statements block in
     * it), {@code class-name} (its name), {@code setup} or {@code install} (those commands), or {@code xml} (the XML
     * blocks, joined).
     *
     * @param args the README's path and the part
     */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: ReadmeBlocks README.md program|class-name|setup|install|xml");
            System.exit(2);
        }
        ReadmeBlocks readme = read(Path.of(args[0]));
        switch (args[1]) {
            case "program" -> {
                Block statements = readme.java().stream()
                        .filter(Block::isStatements)
                        .findFirst()
                        .orElseThrow(() -> new IllegalStateException("the README has no ```java statements"));
                System.out.print(readme.program(statements).source());
            }
            case "class-name" -> {
                Block main = readme.mainClass()
                        .orElseThrow(() -> new IllegalStateException("the README has no main class block"));
                System.out.println(compilationUnit(main).className());
            }
            case "setup" -> System.out.print(readme.setup());
            case "install" -> System.out.print(readme.install());
            case "xml" -> readme.xml().forEach(b -> System.out.print(b.text()));
            default -> {
                System.err.println("unknown part '" + args[1] + "': program, class-name, setup, install or xml");
                System.exit(2);
            }
        }
    }
}
