package org.mlops4j.data;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * This host's name, which keys the stat cache. {@code InetAddress.getLocalHost()} resolves the name as well, which
 * costs a lookup per call (20 ms here, seconds where name resolution is misconfigured); on Linux the kernel's own
 * copy gives the same string without one. Looked up once per JVM.
 */
final class HostName {
    private static final Path KERNEL_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

    private HostName() {}

    /**
     * Returns the host name, as {@code gethostname(2)} gives it.
     *
     * @throws IOException if neither the kernel nor the JDK can tell it
     */
    static String get() throws IOException {
        return Holder.NAME.orElseThrow(() -> new IOException("cannot tell this host's name"));
    }

    private static Optional<String> lookUp() {
        try {
            String name = new String(Files.readAllBytes(KERNEL_HOSTNAME), StandardCharsets.UTF_8).strip();
            if (!name.isEmpty()) {
                return Optional.of(name);
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // not Linux: ask the JDK
        }
        try {
            return Optional.of(InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Initialised on first use, so a JVM that takes no snapshot of a directory never looks. */
    private static final class Holder {
        static final Optional<String> NAME = lookUp();
    }
}
