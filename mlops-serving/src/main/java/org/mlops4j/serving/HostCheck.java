package org.mlops4j.serving;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Checks a request's {@code Host} header against the names this server answers for, against DNS rebinding: a web page
 * on {@code attacker.example} whose name is re-pointed at {@code 127.0.0.1} can make the browser post to a loopback
 * endpoint, but the browser still sends {@code Host: attacker.example}. Accepted: {@code localhost} and
 * {@code *.localhost} (which browsers resolve to loopback themselves), loopback addresses ({@code 127.0.0.0/8},
 * {@code [::1]}), the address the server is bound to when it is a specific one, and the names and addresses
 * configured. The port is not checked. Never resolves a name (no DNS on the request path). Thread-safe (immutable).
 */
final class HostCheck {
    private final Set<String> names;
    private final Set<InetAddress> addresses;

    /**
     * Creates a check.
     *
     * @param allowed further names or address literals to accept (validated by {@link #validate(String)})
     * @param bound the address the server listens on
     */
    HostCheck(Set<String> allowed, InetAddress bound) {
        Set<String> n = new HashSet<>();
        Set<InetAddress> a = new HashSet<>();
        if (!bound.isAnyLocalAddress()) {
            a.add(bound);
        }
        for (String entry : allowed) {
            InetAddress literal = literal(entry);
            if (literal != null) {
                a.add(literal);
            } else {
                n.add(normalize(entry));
            }
        }
        this.names = Set.copyOf(n);
        this.addresses = Set.copyOf(a);
    }

    /**
     * Checks one configured entry.
     *
     * @param entry a host name or an address literal, no port, no scheme
     * @return the entry
     * @throws IllegalArgumentException if it is empty or is not a bare name or address
     */
    static String validate(String entry) {
        boolean bracketed = entry.startsWith("[") && entry.endsWith("]");
        boolean ipv6 = bracketed || (entry.indexOf(':') >= 0 && literal(entry) != null);
        if (entry.isEmpty()
                || entry.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '@' || c >= 0x7f)
                || (!ipv6 && entry.indexOf(':') >= 0)
                || (ipv6 && literal(entry) == null)) {
            throw new IllegalArgumentException("allowedHosts takes bare host names or addresses (no scheme, port or"
                    + " path), got '" + Echo.of(entry) + "'");
        }
        return entry;
    }

    /**
     * Checks a {@code Host} header.
     *
     * @param header the header's value, or {@code null} when the request has none
     * @return {@code null} when the host is accepted, else why not (for a 403, or a 400 when it is malformed)
     */
    @Nullable
    Refusal refuse(@Nullable String header) {
        if (header == null || header.isBlank()) {
            return new Refusal(400, "the request has no Host header; send one (HTTP/1.1 requires it)");
        }
        String host = hostPart(header.trim());
        if (host == null) {
            return new Refusal(400, "the Host header '" + Echo.of(header) + "' is not a host with an optional port");
        }
        InetAddress address = literal(host);
        if (address != null
                ? address.isLoopbackAddress() || addresses.contains(address)
                : isLoopbackName(normalize(host)) || names.contains(normalize(host))) {
            return null;
        }
        return new Refusal(
                403,
                "this server does not answer for the host '" + Echo.of(host) + "' (a guard against DNS rebinding): it"
                        + " answers for localhost and loopback addresses; to reach it under another name, add the"
                        + " name to the server's allowedHosts");
    }

    /** The host without its port: {@code [::1]:8080} → {@code [::1]}, {@code a.b:80} → {@code a.b}; null if malformed. */
    private static @Nullable String hostPart(String header) {
        String host = header;
        String port = "";
        if (header.startsWith("[")) {
            int close = header.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = header.substring(0, close + 1);
            String rest = header.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return null;
                }
                port = rest.substring(1);
            }
        } else {
            int colon = header.lastIndexOf(':');
            if (colon >= 0) {
                host = header.substring(0, colon);
                port = header.substring(colon + 1);
                if (host.indexOf(':') >= 0) {
                    return null;
                }
            }
        }
        if (host.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        return host;
    }

    private static boolean isLoopbackName(String name) {
        return name.equals("localhost") || name.endsWith(".localhost");
    }

    private static String normalize(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    /**
     * Parses an address literal without a lookup: a dotted IPv4 quad, or an IPv6 address with or without brackets.
     *
     * @return the address, or {@code null} when the text is a name
     */
    static @Nullable InetAddress literal(String host) {
        String inner = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (inner.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            String[] parts = inner.split("\\.");
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int part = Integer.parseInt(parts[i]);
                if (part > 255) {
                    return null;
                }
                bytes[i] = (byte) part;
            }
            return byAddress(bytes);
        }
        if (inner.indexOf(':') >= 0 && inner.matches("[0-9A-Fa-f:.]+")) {
            try {
                // bracketed, the JDK parses an IPv6 literal and never looks the text up
                return InetAddress.getByName("[" + inner + "]");
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }

    private static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    /**
     * Why a {@code Host} header is refused.
     *
     * @param status 400 for a missing or malformed header, 403 for a host this server does not answer for
     * @param message what is wrong and what to do
     */
    record Refusal(int status, String message) {}
}
