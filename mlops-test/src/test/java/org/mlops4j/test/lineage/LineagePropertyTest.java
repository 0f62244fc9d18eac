package org.mlops4j.test.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.data.SnapshotBuilder;
import org.mlops4j.lineage.LineageEdge;
import org.mlops4j.lineage.LineageGraph;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.registry.ModelInput;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.store.StoreKey;
import org.mlops4j.test.InMemoryObjectStore;
import org.quicktheories.core.Gen;

/**
 * Acceptance test 4 of issue "Model registry and lineage from data to models": on generated histories of raw and
 * derived dataset versions (chains and fans, one to three parents, several versions of one name) and models trained on
 * them, {@code upstream} and {@code downstream} of every node equal a brute-force reference computed by scanning every
 * record through the public API, and {@code downstream} reads nothing but the lineage index, one listing page per node
 * reached.
 *
 * <p>{@value #DEFAULT_EXAMPLES} examples by default ({@value #EXAMPLES_PROPERTY}): a history has at most
 * {@value #MAX_OPERATIONS} operations, so its shape (depth, fan-in, fan-out, names shared by datasets and models) is
 * covered many times over by a few hundred examples, and every node of every example is queried both ways; the
 * printed distribution shows the coverage. Replay a failure with {@code -Dmlops4j.qt.seed=<seed>}.
 */
class LineagePropertyTest {
    static final String EXAMPLES_PROPERTY = "mlops4j.lineage.examples";
    static final int DEFAULT_EXAMPLES = 300;
    static final int MAX_OPERATIONS = 40;
    static final long SEED = Long.getLong("mlops4j.qt.seed", 0x6c696e65616765L);

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final Pattern DATASET_RECORD = Pattern.compile("datasets/([^/]+)/v/(\\d{8})\\.json");
    private static final Pattern MODEL_RECORD = Pattern.compile("models/([^/]+)/v/(\\d{8})\\.json");
    /** Datasets and models share names, so that kinds must be told apart by more than the name. */
    private static final List<String> NAMES = List.of("a", "b", "c");

    private static ExecutorService pool;

    @BeforeAll
    static void startPool() {
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void stopPool() throws InterruptedException {
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    enum Kind {
        RAW,
        DERIVED,
        MODEL
    }

    /**
     * One step of a history. {@code picks} choose inputs among the dataset versions made so far, counted back from
     * the newest (0 = the newest, so small picks make chains, repeated ones make fans).
     */
    record Operation(Kind kind, int name, int content, List<Integer> picks) {
        @Override
        public String toString() {
            return kind + "(" + NAMES.get(name) + ", content " + content + ", picks " + picks + ")";
        }
    }

    static Gen<Operation> operations() {
        return integers()
                .between(0, 9)
                .zip(
                        integers().between(0, NAMES.size() - 1),
                        integers().between(0, 3),
                        lists().of(integers().between(0, 12)).ofSizeBetween(1, 3),
                        (kind, name, content, picks) -> new Operation(
                                kind < 3 ? Kind.RAW : kind < 7 ? Kind.DERIVED : Kind.MODEL, name, content, picks));
    }

    static Gen<List<Operation>> histories() {
        return lists().of(operations()).ofSizeBetween(1, MAX_OPERATIONS);
    }

    @Test
    void shouldMatchTheBruteForceClosureAndReadOnlyTheIndexWhenHistoriesAreGenerated() {
        int examples = Integer.getInteger(EXAMPLES_PROPERTY, DEFAULT_EXAMPLES);
        Histograms histograms = new Histograms();
        long[] queries = {0};
        int[] histories = {0};
        long started = System.nanoTime();
        try {
            qt().withFixedSeed(SEED)
                    .withExamples(examples)
                    .withShrinkCycles(100)
                    .forAll(histories())
                    .checkAssert(history -> {
                        histories[0]++;
                        queries[0] += checkHistory(history, histograms);
                    });
        } finally {
            histograms.print("lineage histories, seed " + SEED);
            System.out.printf(
                    "%d examples asked for, %d histories checked, %d upstream + downstream queries, in %d ms%n",
                    examples, histories[0], queries[0], (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** Builds one history, checks every node both ways; returns the number of queries made. */
    private static long checkHistory(List<Operation> history, Histograms histograms) {
        InMemoryObjectStore memory = new InMemoryObjectStore();
        RecordingObjectStore store = new RecordingObjectStore(memory);
        try (Mlops mlops = Mlops.builder()
                .objectStore(store)
                .executor(pool)
                .cacheDirectory(null)
                .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .build()) {
            Set<LineageNode> expectedNodes = new LinkedHashSet<>();
            Set<LineageEdge> expectedEdges = new HashSet<>();
            play(mlops, history, expectedNodes, expectedEdges);

            Set<LineageNode> nodes = new LinkedHashSet<>();
            Set<LineageEdge> edges = new HashSet<>();
            scan(mlops, memory, nodes, edges);
            assertThat(nodes).as("nodes found by scanning every record").isEqualTo(expectedNodes);
            assertThat(edges).as("edges found by scanning every record").isEqualTo(expectedEdges);
            histograms.recordShape(nodes, edges);

            Map<LineageNode, List<LineageEdge>> out = index(edges, LineageEdge::from);
            Map<LineageNode, List<LineageEdge>> in = index(edges, LineageEdge::to);
            for (LineageNode node : nodes) {
                LineageGraph up = mlops.lineage().upstream(node);
                checkGraph(up, node, closure(node, in, LineageEdge::from), edges, LineageEdge::to, "upstream");

                store.startRecording();
                LineageGraph down = mlops.lineage().downstream(node);
                List<String> reads = store.stopRecording();
                long readCount = memory.getReadCount();
                checkGraph(down, node, closure(node, out, LineageEdge::to), edges, LineageEdge::from, "downstream");
                assertThat(reads)
                        .as("what downstream(%s) read", node)
                        .allSatisfy(read -> assertThat(read).startsWith("list lineage/"));
                assertThat(readCount)
                        .as("reads of downstream(%s), counted by the store: %s", node, reads)
                        .isEqualTo(reads.size())
                        .isGreaterThanOrEqualTo(down.nodes().size())
                        .isLessThanOrEqualTo(down.nodes().size() + down.edges().size());
                histograms.count("reads per downstream query", readCount, 1, 2, 3, 5, 10, 20);
                histograms.count("nodes reached downstream", down.nodes().size(), 1, 2, 3, 5, 10, 20);
                histograms.count("nodes reached upstream", up.nodes().size(), 1, 2, 3, 5, 10, 20);
            }
            return 2L * nodes.size();
        }
    }

    /** Runs a history on the lake, noting the nodes and edges it should make. */
    private static void play(
            Mlops mlops, List<Operation> history, Set<LineageNode> expectedNodes, Set<LineageEdge> expectedEdges) {
        List<DatasetRef> datasets = new ArrayList<>(); // every dataset version made, oldest first
        int step = 0;
        for (Operation operation : history) {
            step++;
            String name = NAMES.get(operation.name());
            if (operation.kind() == Kind.MODEL) {
                ModelRegistration registration = new ModelRegistration(name).requestId("req-" + step);
                List<ModelInput> inputs = new ArrayList<>();
                for (int i = 0; i < operation.picks().size() && !datasets.isEmpty(); i++) {
                    String role = i == 1 ? ModelInput.EVAL : ModelInput.TRAIN;
                    inputs.add(new ModelInput(pick(datasets, operation.picks().get(i)), role));
                }
                inputs.forEach(input -> registration.input(input.dataset(), input.role()));
                ModelVersion version = mlops.registry().register(registration);
                LineageNode node = LineageNode.model(name, version.getVersion());
                expectedNodes.add(node);
                for (ModelInput input : inputs) {
                    expectedEdges.add(new LineageEdge(datasetNode(input.dataset()), node, input.role()));
                }
                continue;
            }
            boolean derived = operation.kind() == Kind.DERIVED && !datasets.isEmpty();
            byte[] bytes = ((derived ? "derived " : "raw ") + operation.content()).getBytes(StandardCharsets.UTF_8);
            SnapshotBuilder builder = derived
                    ? mlops.datasets().derive(name).transform("step", "git:1", Map.of())
                    : mlops.datasets().snapshot(name);
            List<DatasetRef> parents = new ArrayList<>();
            if (derived) {
                for (int pick : operation.picks()) {
                    parents.add(pick(datasets, pick));
                }
                builder.from(parents.toArray(DatasetRef[]::new));
            }
            DatasetVersion version = builder.stream("data.txt", () -> new ByteArrayInputStream(bytes))
                    .commit();
            LineageNode node = datasetNode(version.getRef());
            if (expectedNodes.add(node)) {
                datasets.add(version.getRef());
            }
            for (DatasetRef parent : parents) {
                expectedEdges.add(new LineageEdge(datasetNode(parent), node, LineageEdge.PARENT));
            }
        }
    }

    private static DatasetRef pick(List<DatasetRef> datasets, int fromNewest) {
        return datasets.get(datasets.size() - 1 - fromNewest % datasets.size());
    }

    private static LineageNode datasetNode(DatasetRef ref) {
        return LineageNode.dataset(ref.name(), ref.version());
    }

    /**
     * The brute-force reference: lists every dataset and model record in the lake and reads each through the public
     * API ({@code datasets.get}, {@code registry.versions}), collecting every node and every edge.
     */
    private static void scan(Mlops mlops, InMemoryObjectStore lake, Set<LineageNode> nodes, Set<LineageEdge> edges) {
        for (StoreKey key : lake.list("datasets/")) {
            Matcher m = DATASET_RECORD.matcher(key.value());
            if (!m.matches()) {
                continue;
            }
            DatasetVersion version = mlops.datasets().get(m.group(1), Long.parseLong(m.group(2)));
            LineageNode node = datasetNode(version.getRef());
            nodes.add(node);
            for (DatasetRef parent : version.getParents()) {
                edges.add(new LineageEdge(datasetNode(parent), node, LineageEdge.PARENT));
            }
        }
        Set<String> models = new LinkedHashSet<>();
        for (StoreKey key : lake.list("models/")) {
            Matcher m = MODEL_RECORD.matcher(key.value());
            if (m.matches()) {
                models.add(m.group(1));
            }
        }
        for (String model : models) {
            for (ModelVersion version : mlops.registry().versions(model)) {
                LineageNode node = LineageNode.model(model, version.getVersion());
                nodes.add(node);
                for (ModelInput input : version.getInputs()) {
                    edges.add(new LineageEdge(datasetNode(input.dataset()), node, input.role()));
                }
            }
        }
    }

    private static Map<LineageNode, List<LineageEdge>> index(
            Set<LineageEdge> edges, Function<LineageEdge, LineageNode> by) {
        Map<LineageNode, List<LineageEdge>> index = new HashMap<>();
        for (LineageEdge edge : edges) {
            index.computeIfAbsent(by.apply(edge), n -> new ArrayList<>()).add(edge);
        }
        return index;
    }

    /** Every node reachable from {@code start} (itself included) over the indexed edges. */
    private static Set<LineageNode> closure(
            LineageNode start, Map<LineageNode, List<LineageEdge>> next, Function<LineageEdge, LineageNode> across) {
        Set<LineageNode> reached = new HashSet<>();
        Deque<LineageNode> queue = new ArrayDeque<>();
        reached.add(start);
        queue.add(start);
        while (!queue.isEmpty()) {
            for (LineageEdge edge : next.getOrDefault(queue.poll(), List.of())) {
                if (reached.add(across.apply(edge))) {
                    queue.add(across.apply(edge));
                }
            }
        }
        return reached;
    }

    /** The graph holds exactly the reference closure, and exactly the edges whose near end it reached. */
    private static void checkGraph(
            LineageGraph graph,
            LineageNode start,
            Set<LineageNode> reference,
            Set<LineageEdge> allEdges,
            Function<LineageEdge, LineageNode> nearEnd,
            String query) {
        Set<LineageEdge> referenceEdges = new HashSet<>();
        for (LineageEdge edge : allEdges) {
            if (reference.contains(nearEnd.apply(edge))) {
                referenceEdges.add(edge);
            }
        }
        assertThat(graph.start()).isEqualTo(start);
        assertThat(graph.nodes())
                .as("%s(%s): nodes", query, start)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(reference);
        assertThat(graph.edges())
                .as("%s(%s): edges", query, start)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(referenceEdges);
    }

    /** Histograms of the generated histories, printed once at the end. Used from the test thread only. */
    static final class Histograms {
        private final Map<String, TreeMap<Long, Integer>> buckets = new LinkedHashMap<>();
        private final Map<String, long[]> bounds = new HashMap<>();
        private int examples;

        void recordShape(Set<LineageNode> nodes, Set<LineageEdge> edges) {
            examples++;
            Map<LineageNode, Integer> fanIn = new HashMap<>();
            Map<LineageNode, Integer> fanOut = new HashMap<>();
            for (LineageEdge edge : edges) {
                fanIn.merge(edge.to(), 1, Integer::sum);
                fanOut.merge(edge.from(), 1, Integer::sum);
            }
            long models = nodes.stream()
                    .filter(n -> n.kind().equals(LineageNode.MODEL))
                    .count();
            count("nodes per history", nodes.size(), 1, 2, 5, 10, 20, 30, 40);
            count("edges per history", edges.size(), 0, 1, 5, 10, 20, 40, 60);
            count("model versions per history", models, 0, 1, 2, 5, 10, 20);
            count("depth (longest path, edges)", depth(nodes, edges), 0, 1, 2, 3, 4, 6, 8, 12);
            count(
                    "max fan-in per history",
                    fanIn.values().stream().mapToInt(i -> i).max().orElse(0),
                    0,
                    1,
                    2,
                    3,
                    4);
            count(
                    "max fan-out per history",
                    fanOut.values().stream().mapToInt(i -> i).max().orElse(0),
                    0,
                    1,
                    2,
                    3,
                    5,
                    8,
                    12);
            long maxVersion =
                    nodes.stream().mapToLong(LineageNode::version).max().orElse(0);
            count("highest version of one name", maxVersion, 1, 2, 3, 5, 10, 20);
        }

        private static long depth(Set<LineageNode> nodes, Set<LineageEdge> edges) {
            Map<LineageNode, List<LineageEdge>> in = index(edges, LineageEdge::to);
            Map<LineageNode, Long> memo = new HashMap<>();
            long deepest = 0;
            for (LineageNode node : nodes) {
                deepest = Math.max(deepest, depthOf(node, in, memo));
            }
            return deepest;
        }

        private static long depthOf(
                LineageNode node, Map<LineageNode, List<LineageEdge>> in, Map<LineageNode, Long> memo) {
            Long known = memo.get(node);
            if (known != null) {
                return known;
            }
            long depth = 0;
            for (LineageEdge edge : in.getOrDefault(node, List.of())) {
                depth = Math.max(depth, 1 + depthOf(edge.from(), in, memo));
            }
            memo.put(node, depth);
            return depth;
        }

        /** Counts a value into buckets that start at the given lower bounds (ascending). */
        void count(String histogram, long value, long... lowerBounds) {
            bounds.putIfAbsent(histogram, lowerBounds);
            long bucket = lowerBounds[0];
            for (long bound : lowerBounds) {
                if (value >= bound) {
                    bucket = bound;
                }
            }
            buckets.computeIfAbsent(histogram, h -> new TreeMap<>()).merge(bucket, 1, Integer::sum);
        }

        void print(String title) {
            StringBuilder text =
                    new StringBuilder("\n=== distribution: " + title + " (" + examples + " examples) ===\n");
            for (Map.Entry<String, TreeMap<Long, Integer>> histogram : buckets.entrySet()) {
                text.append(histogram.getKey()).append(":\n");
                long[] lower = bounds.get(histogram.getKey());
                int total = histogram.getValue().values().stream()
                        .mapToInt(Integer::intValue)
                        .sum();
                for (Map.Entry<Long, Integer> bucket : histogram.getValue().entrySet()) {
                    text.append(String.format(
                            "  %-10s %7d %3d%% %s%n",
                            label(bucket.getKey(), lower),
                            bucket.getValue(),
                            Math.round(100.0 * bucket.getValue() / total),
                            "#".repeat((int) Math.round(50.0 * bucket.getValue() / total))));
                }
            }
            System.out.print(text);
            System.out.flush();
        }

        private static String label(long from, long[] lowerBounds) {
            for (int i = 0; i < lowerBounds.length; i++) {
                if (lowerBounds[i] == from) {
                    if (i + 1 == lowerBounds.length) {
                        return from + "+";
                    }
                    long to = lowerBounds[i + 1] - 1;
                    return to == from ? Long.toString(from) : from + ".." + to;
                }
            }
            return Long.toString(from);
        }
    }
}
