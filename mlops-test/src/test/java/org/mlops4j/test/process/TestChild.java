package org.mlops4j.test.process;

import java.nio.charset.Charset;
import java.time.Duration;

/**
 * A child for the harness's own tests. Modes: {@code echo} answers each line with {@code ECHO <line>} and exits on
 * {@code EXIT <code>}; {@code steps} reaches step {@code a} then {@code b}, ten times each, then exits 0; {@code spin}
 * reaches step {@code spin} until it is killed.
 */
public final class TestChild {
    private TestChild() {}

    public static void main(String[] args) {
        ParentChannel parent = ParentChannel.open();
        StepTracker steps = StepTracker.fromSystemProperties();
        String mode = args.length == 0 ? "echo" : args[0];
        parent.send("ENCODING " + Charset.defaultCharset() + " " + System.getProperty("sun.jnu.encoding"));
        parent.ready();
        switch (mode) {
            case "echo" -> {
                while (true) {
                    String line = parent.awaitLine(Duration.ofMinutes(2));
                    if (line.startsWith("EXIT ")) {
                        System.exit(Integer.parseInt(line.substring(5)));
                    }
                    parent.send("ECHO " + line);
                }
            }
            case "steps" -> {
                for (int i = 1; i <= 10; i++) {
                    steps.reach("a");
                    steps.reach("b");
                    parent.send("PASSED " + i);
                }
                System.exit(0);
            }
            case "spin" -> {
                long spins = 0;
                while (true) {
                    steps.reach("spin");
                    spins++;
                    if (spins % 1_000_000 == 0) {
                        parent.send("SPINS " + spins);
                    }
                }
            }
            case "threads" -> {
                for (int t = 0; t < 4; t++) {
                    Thread other = new Thread(() -> {
                        while (true) {
                            steps.reach("other");
                        }
                    });
                    other.setDaemon(true);
                    other.start();
                }
                for (int i = 0; i < 1_000_000; i++) {
                    steps.reach("target");
                }
                System.exit(0);
            }
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
    }
}
