package org.mlops4j.test.process;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Counts where kills landed: one row per place (a step name), one column per kind of kill ({@code halt},
 * {@code SIGKILL}, …), printed as a text table by {@link #toTable()}. Thread-safe.
 *
 * <pre>{@code
 * where                 halt  SIGKILL  total
 * content.temp-written     6        4     10
 * ...
 * total                   36       20     56
 * }</pre>
 */
public final class KillHistogram {
    private final Map<String, Map<String, Integer>> counts = new TreeMap<>();
    private final Set<String> kinds = new LinkedHashSet<>();

    /** Creates an empty histogram. */
    public KillHistogram() {}

    /**
     * Counts one kill.
     *
     * @param where where it landed
     * @param kind how the child was killed
     * @return this histogram
     */
    @CanIgnoreReturnValue
    public synchronized KillHistogram record(String where, String kind) {
        Objects.requireNonNull(where, "where");
        Objects.requireNonNull(kind, "kind");
        kinds.add(kind);
        counts.computeIfAbsent(where, w -> new TreeMap<>()).merge(kind, 1, Integer::sum);
        return this;
    }

    /**
     * Returns how many kills of a kind landed at a place.
     *
     * @param where the place
     * @param kind the kind
     * @return the count, 0 if none
     */
    public synchronized int count(String where, String kind) {
        return counts.getOrDefault(where, Map.of()).getOrDefault(kind, 0);
    }

    /**
     * Returns how many kills of a kind landed at any of some places, e.g. at the steps of one phase.
     *
     * @param places the places
     * @param kind the kind
     * @return the count
     */
    public synchronized int count(Collection<String> places, String kind) {
        return places.stream().mapToInt(where -> count(where, kind)).sum();
    }

    /**
     * Returns how many kills of any kind landed at a place.
     *
     * @param where the place
     * @return the count
     */
    public synchronized int countAt(String where) {
        return counts.getOrDefault(where, Map.of()).values().stream()
                .mapToInt(Integer::intValue)
                .sum();
    }

    /**
     * Returns how many kills of a kind there were, wherever they landed.
     *
     * @param kind the kind
     * @return the count
     */
    public synchronized int countOf(String kind) {
        return counts.values().stream()
                .mapToInt(row -> row.getOrDefault(kind, 0))
                .sum();
    }

    /** Returns how many kills were counted. */
    public synchronized int total() {
        return counts.values().stream()
                .flatMap(row -> row.values().stream())
                .mapToInt(Integer::intValue)
                .sum();
    }

    /** Returns the places, sorted. */
    public synchronized List<String> places() {
        return List.copyOf(counts.keySet());
    }

    /** Returns the table: a header, one line per place, and a total line. */
    public synchronized String toTable() {
        List<String> columns = new ArrayList<>(kinds);
        int whereWidth = "total".length();
        for (String where : counts.keySet()) {
            whereWidth = Math.max(whereWidth, where.length());
        }
        StringBuilder out = new StringBuilder();
        appendRow(out, whereWidth, "where", columns, columns, "total");
        for (Map.Entry<String, Map<String, Integer>> row : counts.entrySet()) {
            List<String> cells = new ArrayList<>();
            int sum = 0;
            for (String kind : columns) {
                int n = row.getValue().getOrDefault(kind, 0);
                cells.add(Integer.toString(n));
                sum += n;
            }
            appendRow(out, whereWidth, row.getKey(), columns, cells, Integer.toString(sum));
        }
        List<String> totals = new ArrayList<>();
        for (String kind : columns) {
            totals.add(Integer.toString(countOf(kind)));
        }
        appendRow(out, whereWidth, "total", columns, totals, Integer.toString(total()));
        return out.toString();
    }

    private static void appendRow(
            StringBuilder out, int whereWidth, String where, List<String> columns, List<String> cells, String total) {
        out.append(String.format(Locale.ROOT, "%-" + whereWidth + "s", where));
        for (int i = 0; i < columns.size(); i++) {
            int width = Math.max(5, columns.get(i).length());
            out.append("  ").append(String.format(Locale.ROOT, "%" + width + "s", cells.get(i)));
        }
        out.append("  ").append(String.format(Locale.ROOT, "%5s", total)).append('\n');
    }

    @Override
    public String toString() {
        return "KillHistogram{total=" + total() + ", places=" + places() + "}";
    }
}
