package org.mlops4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What a command prints: with {@code --json} one JSON document on stdout, {@code {"command": "<sub command>", …}},
 * whose fields docs/cli.md lists per command; otherwise readable text. Errors with {@code --json} are a document too:
 * {@code {"command": …, "error": {"type": …, "message": …}}}.
 */
final class Output {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final PrintStream out;
    private final boolean json;
    private final String command;

    private Output(PrintStream out, boolean json, String command) {
        this.out = out;
        this.json = json;
        this.command = command;
    }

    static Output of(Cli cli, CommandSpec spec) {
        String name = spec.qualifiedName(" ");
        String root = spec.root().name() + " ";
        return new Output(cli.out, cli.json, name.startsWith(root) ? name.substring(root.length()) : name);
    }

    boolean isJson() {
        return json;
    }

    /** A new document of this command, to fill. */
    ObjectNode document() {
        ObjectNode document = JSON.createObjectNode();
        document.put("command", command);
        return document;
    }

    /**
     * Prints the document with {@code --json}, else the text.
     *
     * @param document the machine form
     * @param text writes the readable form
     */
    void emit(ObjectNode document, Consumer<PrintStream> text) {
        if (json) {
            printJson(document);
        } else {
            text.accept(out);
            out.flush();
        }
    }

    /**
     * Prints an error document: {@code {"command": …, "error": {"type": …, "message": …}}}.
     *
     * @param type the exception's simple name, or {@code UsageError}
     * @param message the one-line message
     */
    void failure(String type, String message) {
        ObjectNode document = document();
        ObjectNode error = document.putObject("error");
        error.put("type", type);
        error.put("message", message);
        print(document);
    }

    /** Prints the document whatever {@code --json} says (for {@code --format json}). */
    void printJson(ObjectNode document) {
        print(document);
        out.flush();
    }

    private void print(ObjectNode document) {
        try {
            out.println(JSON.writeValueAsString(document));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the JSON output: " + e.getOriginalMessage(), e);
        }
    }
}
