package org.mlops4j.test.data;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Histograms of what a property run generated, printed once at its end. Used from the test thread only. */
final class Distribution {
    private final String title;
    private final Map<String, TreeMap<String, Integer>> histograms = new LinkedHashMap<>();
    private int examples;

    Distribution(String title) {
        this.title = title;
    }

    /** Counts a value into buckets that start at the given lower bounds (ascending, the first one 0). */
    void count(String histogram, long value, long... lowerBounds) {
        int bucket = 0;
        while (bucket + 1 < lowerBounds.length && value >= lowerBounds[bucket + 1]) {
            bucket++;
        }
        String label = bucket + 1 < lowerBounds.length && lowerBounds[bucket + 1] - 1 == lowerBounds[bucket]
                ? Long.toString(lowerBounds[bucket])
                : bucket + 1 < lowerBounds.length
                        ? lowerBounds[bucket] + ".." + (lowerBounds[bucket + 1] - 1)
                        : lowerBounds[bucket] + "+";
        count(histogram, String.format("%12d %s", bucket, label));
    }

    /** Counts a named outcome. */
    void count(String histogram, String bucket) {
        histograms.computeIfAbsent(histogram, h -> new TreeMap<>()).merge(bucket, 1, Integer::sum);
    }

    void example() {
        examples++;
    }

    /** Records the shape of one example. */
    void record(TreeGen.Example example) {
        example();
        Tree tree = example.tree();
        count("files per tree", tree.files().size(), 0, 1, 10, 50, 100, 150);
        count("depth of tree", tree.maxDepth(), 0, 1, 2, 3, 4, 5);
        count("bytes per tree", tree.totalBytes(), 0, 1, 64 * 1024, 512 * 1024, 1024 * 1024);
        count("empty directories per tree", tree.emptyDirectories().size(), 0, 1, 2, 5);
        count("case-twin pairs per tree (ASCII fold)", tree.caseTwinPairs(true), 0, 1, 2, 5);
        count("case-twin pairs per tree (Unicode fold)", tree.caseTwinPairs(false), 0, 1, 2, 5);
        int executables = 0;
        int nonAscii = 0;
        int duplicates = 0;
        Set<Tree.FileSpec> seen = new HashSet<>();
        for (Map.Entry<String, Tree.FileSpec> file : tree.files().entrySet()) {
            Tree.FileSpec spec = file.getValue();
            count("file sizes (bytes)", spec.size(), 0, 1, 4 * 1024 + 1, 64 * 1024 + 1, 1024 * 1024 + 1);
            executables += spec.executable ? 1 : 0;
            nonAscii += file.getKey().chars().anyMatch(c -> c >= 0x80) ? 1 : 0;
            duplicates += seen.add(new Tree.FileSpec(spec.bytes(), false)) ? 0 : 1;
        }
        count("executables per tree", executables, 0, 1, 5);
        count("files with non-ASCII paths per tree", nonAscii, 0, 1, 5);
        count("files duplicating another's bytes per tree", duplicates, 0, 1, 2);
        for (TreeGen.Edit edit : example.edits()) {
            count("edits", edit.kind().toString());
        }
        org.mlops4j.data.DatasetDiff diff = Tree.diff(tree, example.other());
        count(
                "diff size, tree vs other",
                diff.added().size() + diff.removed().size() + diff.changed().size(),
                0,
                1,
                5,
                20,
                50);
    }

    void print() {
        StringBuilder out = new StringBuilder("\n=== distribution: " + title + " (" + examples + " examples) ===\n");
        for (Map.Entry<String, TreeMap<String, Integer>> histogram : histograms.entrySet()) {
            out.append(histogram.getKey()).append(":\n");
            int total = histogram.getValue().values().stream()
                    .mapToInt(Integer::intValue)
                    .sum();
            for (Map.Entry<String, Integer> bucket : histogram.getValue().entrySet()) {
                String label = bucket.getKey().replaceFirst("^\\s*\\d+ ", "");
                int percent = (int) Math.round(100.0 * bucket.getValue() / total);
                out.append(String.format(
                        "  %-24s %6d %3d%% %s%n", label, bucket.getValue(), percent, "#".repeat(percent / 2)));
            }
        }
        System.out.print(out);
        System.out.flush();
    }
}
