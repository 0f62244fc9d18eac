package org.mlops4j.report;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.mlops4j.lineage.LineageEdge;
import org.mlops4j.lineage.LineageGraph;
import org.mlops4j.lineage.LineageNode;

/**
 * A layered (Sugiyama-style) layout of a lineage graph, drawn as SVG, in which no edge crosses a box or a label and no
 * two labels overlap.
 *
 * <p>How: (1) cycles, which lineage should not have but a hand-built graph may, are broken by laying each back edge
 * out reversed (its arrowhead still points at its real target); (2) a node's depth is the longest path of edges to it,
 * a source is pulled right next to its nearest child, and depth {@code d} becomes column {@code 2d}; (3) an edge
 * becomes a chain with one dummy in every column it crosses, and the dummy in the odd column next to the edge's real
 * target carries its label, so label columns sit between box columns; (4) each column is ordered by barycentre sweeps
 * and adjacent swaps, keeping the order with the fewest crossings; (5) heights come from repeated weighted
 * least-squares placement towards each element's neighbours, under the column's order and minimum gaps (isotonic
 * regression); (6) inside a column an edge runs straight along its own dummy's lane, and between columns it is a cubic
 * curve with horizontal ends.
 *
 * <p>That gives the guarantee by construction: boxes, labels and lanes exist only inside columns and are separated
 * vertically within a column, edges inside a column run only along their lanes, and the gaps between columns hold
 * nothing but edge curves (a cubic with horizontal tangents never leaves the gap between its ends). So an edge meets a
 * box only at a port on its side, and a label meets nothing but the line under it.
 */
final class LineageLayout {
    static final double BOX_WIDTH = 210;
    static final double BOX_HEIGHT = 46;
    static final double STATE_LINE = 16;
    static final double GAP = 40;
    static final double STUB = 12;
    static final double PAD = 16;
    static final double LABEL_FONT = 11;
    static final double NAME_FONT = 14;
    static final double STATE_FONT = 11.5;
    private static final double PORT_GAP = 11;
    private static final double LABEL_PAD = 5;
    private static final double LABEL_UP = 17;
    private static final double LANE_HALF = 2;
    private static final double LOOP_TRACK = 9;
    private static final double MIN_LANE_WIDTH = 16;
    private static final double ARROW_LENGTH = 8;
    private static final double ARROW_HALF = 3.5;
    private static final int ORDER_SWEEPS = 24;
    private static final int PLACE_SWEEPS = 40;

    private enum Kind {
        BOX,
        LANE,
        LABEL,
        LOOP
    }

    /** A box, or one edge's dummy in a column. */
    private static final class Element {
        final Kind kind;
        final int rank;
        final @Nullable LineageNode node;
        final @Nullable Route route;
        final double width;
        double up;
        double down;
        final List<Element> prev = new ArrayList<>();
        final List<Element> next = new ArrayList<>();
        final List<Port> left = new ArrayList<>();
        final List<Port> right = new ArrayList<>();
        int order;
        double y;

        Element(
                Kind kind,
                int rank,
                @Nullable LineageNode node,
                @Nullable Route route,
                double width,
                double up,
                double down) {
            this.kind = kind;
            this.rank = rank;
            this.node = node;
            this.route = route;
            this.width = width;
            this.up = up;
            this.down = down;
        }

        double top() {
            return y - up;
        }
    }

    /** One edge's attachment to a box side; {@code back} is a self-loop's returning end. */
    private static final class Port {
        final Route route;
        final boolean back;
        double y;

        Port(Route route, boolean back) {
            this.route = route;
            this.back = back;
        }

        /** The height the port's edge arrives from, to order ports without crossings at the box. */
        double towards(Element box) {
            List<Element> chain = route.chain;
            Element other = chain.get(0) == box ? chain.get(1) : chain.get(chain.size() - 2);
            return other.y + (back ? LOOP_TRACK : 0);
        }
    }

    /** One edge, laid out from its left end to its right end. */
    private static final class Route {
        final LineageEdge edge;
        final boolean reversed;
        final List<Element> chain = new ArrayList<>();

        @Nullable
        Element label;

        Route(LineageEdge edge, boolean reversed) {
            this.edge = edge;
            this.reversed = reversed;
        }

        boolean loop() {
            return edge.from().equals(edge.to());
        }
    }

    private final Map<LineageNode, NodeState> states;
    private final Map<LineageNode, Element> boxes = new LinkedHashMap<>();
    private final List<Route> routes = new ArrayList<>();
    private final List<List<Element>> ranks = new ArrayList<>();
    private double[] columnX = new double[0];
    private double[] columnWidth = new double[0];
    private double width;
    private double height;

    LineageLayout(LineageGraph graph) {
        this(graph, Map.of());
    }

    LineageLayout(LineageGraph graph, Map<LineageNode, NodeState> states) {
        this.states = states;
        List<LineageNode> nodes = new ArrayList<>();
        Map<LineageNode, Integer> index = new HashMap<>();
        for (LineageNode node : graph.nodes()) {
            index.computeIfAbsent(node, n -> {
                nodes.add(n);
                return nodes.size() - 1;
            });
        }
        for (LineageEdge edge : graph.edges()) {
            for (LineageNode end : List.of(edge.from(), edge.to())) {
                index.computeIfAbsent(end, n -> {
                    nodes.add(n);
                    return nodes.size() - 1;
                });
            }
        }
        List<LineageEdge> edges = graph.edges();
        boolean[] reversed = backEdges(nodes.size(), index, edges);
        int[] depth = depths(nodes.size(), index, edges, reversed);
        int maxRank = 0;
        for (int i = 0; i < nodes.size(); i++) {
            LineageNode node = nodes.get(i);
            NodeState state = states.getOrDefault(node, NodeState.NONE);
            double base = BOX_HEIGHT + STATE_LINE * stateLines(state).size();
            boxes.put(node, new Element(Kind.BOX, 2 * depth[i], node, null, BOX_WIDTH, base / 2, base / 2));
            maxRank = Math.max(maxRank, 2 * depth[i]);
        }
        for (int e = 0; e < edges.size(); e++) {
            LineageEdge edge = edges.get(e);
            Route route = new Route(edge, reversed[e]);
            routes.add(route);
            Element from = boxes.get(reversed[e] ? edge.to() : edge.from());
            Element to = boxes.get(reversed[e] ? edge.from() : edge.to());
            double labelWidth = Markup.textWidth(edge.role(), LABEL_FONT) + 2 * LABEL_PAD;
            route.chain.add(from);
            if (route.loop()) {
                Element turn = new Element(
                        Kind.LOOP,
                        from.rank + 1,
                        null,
                        route,
                        labelWidth + LOOP_TRACK,
                        LABEL_UP,
                        LOOP_TRACK + LANE_HALF);
                route.chain.add(turn);
                route.label = turn;
                from.right.add(new Port(route, false));
                from.right.add(new Port(route, true));
                maxRank = Math.max(maxRank, turn.rank);
            } else {
                int labelRank = reversed[e] ? from.rank + 1 : to.rank - 1;
                for (int rank = from.rank + 1; rank < to.rank; rank++) {
                    Element dummy = rank == labelRank
                            ? new Element(Kind.LABEL, rank, null, route, labelWidth, LABEL_UP, LANE_HALF)
                            : new Element(Kind.LANE, rank, null, route, 0, LANE_HALF, LANE_HALF);
                    if (rank == labelRank) {
                        route.label = dummy;
                    }
                    route.chain.add(dummy);
                }
                route.chain.add(to);
                from.right.add(new Port(route, false));
                to.left.add(new Port(route, false));
            }
            for (int i = 1; i < route.chain.size(); i++) {
                route.chain.get(i - 1).next.add(route.chain.get(i));
                route.chain.get(i).prev.add(route.chain.get(i - 1));
            }
        }
        for (Element box : boxes.values()) { // room for every port, one arrowhead apart
            double h = Math.max(box.up + box.down, PORT_GAP * (Math.max(box.left.size(), box.right.size()) + 1));
            box.up = h / 2;
            box.down = h / 2;
        }
        for (int r = 0; r <= maxRank; r++) {
            ranks.add(new ArrayList<>());
        }
        for (Element box : boxes.values()) {
            ranks.get(box.rank).add(box);
        }
        for (Route route : routes) {
            for (Element dummy : route.chain) {
                if (dummy.kind != Kind.BOX) {
                    ranks.get(dummy.rank).add(dummy);
                }
            }
        }
        if (nodes.isEmpty()) {
            this.width = 2 * PAD;
            this.height = 2 * PAD;
            return;
        }
        order();
        place();
        measure();
    }

    /** Edges to lay out reversed so that the rest is acyclic: the back edges of a depth-first search. */
    private static boolean[] backEdges(int n, Map<LineageNode, Integer> index, List<LineageEdge> edges) {
        List<List<Integer>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new ArrayList<>());
        }
        for (int e = 0; e < edges.size(); e++) {
            out.get(index.get(edges.get(e).from())).add(e);
        }
        boolean[] reversed = new boolean[edges.size()];
        int[] colour = new int[n]; // 0 unseen, 1 on the stack, 2 done
        for (int start = 0; start < n; start++) {
            if (colour[start] != 0) {
                continue;
            }
            Deque<int[]> stack = new ArrayDeque<>(); // {node, next edge position}
            stack.push(new int[] {start, 0});
            colour[start] = 1;
            while (!stack.isEmpty()) {
                int[] top = stack.peek();
                List<Integer> mine = out.get(top[0]);
                if (top[1] == mine.size()) {
                    colour[top[0]] = 2;
                    stack.pop();
                    continue;
                }
                int e = mine.get(top[1]++);
                int to = index.get(edges.get(e).to());
                if (to == top[0]) {
                    continue; // a self-loop is drawn as a loop, not reversed
                }
                if (colour[to] == 1) {
                    reversed[e] = true;
                } else if (colour[to] == 0) {
                    colour[to] = 1;
                    stack.push(new int[] {to, 0});
                }
            }
        }
        return reversed;
    }

    /**
     * Longest-path depths of the acyclic orientation, with sources pulled right next to their nearest child (a raw
     * dataset used only by a late step should not stretch every edge), then renumbered without empty depths.
     */
    private static int[] depths(int n, Map<LineageNode, Integer> index, List<LineageEdge> edges, boolean[] reversed) {
        List<List<Integer>> children = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            children.add(new ArrayList<>());
        }
        int[] indegree = new int[n];
        for (int e = 0; e < edges.size(); e++) {
            int from = index.get(edges.get(e).from());
            int to = index.get(edges.get(e).to());
            if (from == to) {
                continue;
            }
            int a = reversed[e] ? to : from;
            int b = reversed[e] ? from : to;
            children.get(a).add(b);
            indegree[b]++;
        }
        int[] remaining = indegree.clone();
        List<Integer> topological = new ArrayList<>();
        Deque<Integer> ready = new ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            if (remaining[i] == 0) {
                ready.add(i);
            }
        }
        int[] depth = new int[n];
        while (!ready.isEmpty()) {
            int a = ready.poll();
            topological.add(a);
            for (int b : children.get(a)) {
                depth[b] = Math.max(depth[b], depth[a] + 1);
                if (--remaining[b] == 0) {
                    ready.add(b);
                }
            }
        }
        for (int i = topological.size() - 1; i >= 0; i--) {
            int a = topological.get(i);
            if (indegree[a] == 0 && !children.get(a).isEmpty()) {
                depth[a] =
                        children.get(a).stream().mapToInt(b -> depth[b]).min().orElseThrow() - 1;
            }
        }
        TreeSet<Integer> used = new TreeSet<>();
        for (int d : depth) {
            used.add(d);
        }
        List<Integer> distinct = new ArrayList<>(used);
        for (int i = 0; i < n; i++) {
            depth[i] = distinct.indexOf(depth[i]);
        }
        return depth;
    }

    // ---- ordering within columns ------------------------------------------------------------------------------

    private void order() {
        renumber();
        List<List<Element>> best = snapshot();
        long fewest = crossings();
        for (int sweep = 0; sweep < ORDER_SWEEPS && fewest > 0; sweep++) {
            boolean down = sweep % 2 == 0;
            for (int i = 1; i < ranks.size(); i++) {
                int r = down ? i : ranks.size() - 1 - i;
                List<Element> rank = ranks.get(r);
                Map<Element, Double> key = new HashMap<>();
                for (Element e : rank) {
                    List<Element> towards = down ? e.prev : e.next;
                    key.put(
                            e,
                            towards.isEmpty()
                                    ? e.order
                                    : towards.stream()
                                            .mapToInt(t -> t.order)
                                            .average()
                                            .orElseThrow());
                }
                rank.sort(Comparator.comparingDouble(key::get));
                renumber(rank);
            }
            swapNeighbours();
            long now = crossings();
            if (now < fewest) {
                fewest = now;
                best = snapshot();
            }
        }
        restore(best);
    }

    /** Swaps adjacent elements of a column while that removes crossings (the "transpose" heuristic). */
    private void swapNeighbours() {
        boolean improved = true;
        for (int round = 0; improved && round < 8; round++) {
            improved = false;
            for (List<Element> rank : ranks) {
                for (int i = 0; i + 1 < rank.size(); i++) {
                    if (crossings(rank.get(i + 1), rank.get(i)) < crossings(rank.get(i), rank.get(i + 1))) {
                        swap(rank, i);
                        improved = true;
                    }
                }
            }
        }
    }

    /** Crossings between the segments of two elements of a column when {@code upper} is placed above {@code lower}. */
    private static int crossings(Element upper, Element lower) {
        int count = 0;
        for (List<Element> side : List.of(upper.prev, upper.next)) {
            List<Element> other = side == upper.prev ? lower.prev : lower.next;
            for (Element a : side) {
                for (Element b : other) {
                    if (a.order > b.order) {
                        count++;
                    }
                }
            }
        }
        return count;
    }

    private static void swap(List<Element> rank, int i) {
        Element a = rank.get(i);
        rank.set(i, rank.get(i + 1));
        rank.set(i + 1, a);
        rank.get(i).order = i;
        rank.get(i + 1).order = i + 1;
    }

    private long crossings() {
        long total = 0;
        for (int r = 0; r + 1 < ranks.size(); r++) {
            total += crossings(r);
        }
        return total;
    }

    /** Crossings between the segments from column {@code r} to column {@code r + 1}. */
    private long crossings(int r) {
        if (r < 0 || r + 1 >= ranks.size()) {
            return 0;
        }
        List<int[]> segments = new ArrayList<>();
        for (Element e : ranks.get(r)) {
            for (Element n : e.next) {
                segments.add(new int[] {e.order, n.order});
            }
        }
        long count = 0;
        for (int i = 0; i < segments.size(); i++) {
            for (int j = i + 1; j < segments.size(); j++) {
                int[] a = segments.get(i);
                int[] b = segments.get(j);
                if ((long) (a[0] - b[0]) * (a[1] - b[1]) < 0) {
                    count++;
                }
            }
        }
        return count;
    }

    private void renumber() {
        ranks.forEach(LineageLayout::renumber);
    }

    private static void renumber(List<Element> rank) {
        for (int i = 0; i < rank.size(); i++) {
            rank.get(i).order = i;
        }
    }

    private List<List<Element>> snapshot() {
        List<List<Element>> copy = new ArrayList<>();
        ranks.forEach(rank -> copy.add(new ArrayList<>(rank)));
        return copy;
    }

    private void restore(List<List<Element>> saved) {
        for (int r = 0; r < ranks.size(); r++) {
            ranks.set(r, saved.get(r));
        }
        renumber();
    }

    // ---- heights ----------------------------------------------------------------------------------------------

    private static double gap(Element a, Element b) {
        if (a.kind == Kind.BOX && b.kind == Kind.BOX) {
            return 24;
        }
        return a.kind == Kind.BOX || b.kind == Kind.BOX ? 12 : 7;
    }

    private void place() {
        for (List<Element> rank : ranks) {
            double y = 0;
            for (int i = 0; i < rank.size(); i++) {
                Element e = rank.get(i);
                y += i == 0 ? e.up : rank.get(i - 1).down + gap(rank.get(i - 1), e) + e.up;
                e.y = y;
            }
        }
        for (int sweep = 0; sweep < PLACE_SWEEPS; sweep++) {
            boolean down = sweep % 2 == 0;
            for (int i = 0; i < ranks.size(); i++) {
                List<Element> rank = ranks.get(down ? i : ranks.size() - 1 - i);
                double[] target = new double[rank.size()];
                double[] weight = new double[rank.size()];
                for (int k = 0; k < rank.size(); k++) {
                    Element e = rank.get(k);
                    double sum = 0;
                    double w = 0;
                    for (List<Element> side : List.of(e.prev, e.next)) {
                        for (Element n : side) {
                            double pull = pull(e, n);
                            sum += pull * n.y;
                            w += pull;
                        }
                    }
                    target[k] = w == 0 ? e.y : sum / w;
                    weight[k] = w == 0 ? 1e-3 : w;
                }
                isotonic(rank, target, weight);
            }
        }
        double top = ranks.stream()
                .flatMap(List::stream)
                .mapToDouble(Element::top)
                .min()
                .orElse(0);
        ranks.stream().flatMap(List::stream).forEach(e -> e.y += PAD - top);
    }

    /**
     * How hard two neighbours pull on each other's height: dummies of one edge hard, so that long edges run straight;
     * a label and the box its edge points at less so, so that the arrow arrives level and the bend comes before the
     * label; anything else gently.
     */
    private static double pull(Element a, Element b) {
        if (a.kind != Kind.BOX && b.kind != Kind.BOX) {
            return 8;
        }
        Element dummy = a.kind == Kind.BOX ? b : a;
        Element box = a.kind == Kind.BOX ? a : b;
        Route route = dummy.route;
        if (dummy.kind == Kind.LABEL && route != null) {
            Element head = route.reversed ? route.chain.get(0) : route.chain.get(route.chain.size() - 1);
            return head == box ? 4 : 1;
        }
        return 1;
    }

    /**
     * Moves a column's elements as near their targets as possible (weighted least squares) while keeping their order
     * and minimum gaps: with {@code z_i = y_i - offset_i} the gaps become {@code z} non-decreasing, an isotonic
     * regression solved exactly by pooling adjacent violators.
     */
    private static void isotonic(List<Element> rank, double[] target, double[] weight) {
        int n = rank.size();
        double[] offset = new double[n];
        for (int i = 1; i < n; i++) {
            Element a = rank.get(i - 1);
            Element b = rank.get(i);
            offset[i] = offset[i - 1] + a.down + gap(a, b) + b.up;
        }
        double[] value = new double[n];
        double[] mass = new double[n];
        int[] size = new int[n];
        int blocks = 0;
        for (int i = 0; i < n; i++) {
            value[blocks] = target[i] - offset[i];
            mass[blocks] = weight[i];
            size[blocks] = 1;
            blocks++;
            while (blocks > 1 && value[blocks - 2] > value[blocks - 1]) {
                double m = mass[blocks - 2] + mass[blocks - 1];
                value[blocks - 2] = (value[blocks - 2] * mass[blocks - 2] + value[blocks - 1] * mass[blocks - 1]) / m;
                mass[blocks - 2] = m;
                size[blocks - 2] += size[blocks - 1];
                blocks--;
            }
        }
        int i = 0;
        for (int b = 0; b < blocks; b++) {
            for (int k = 0; k < size[b]; k++, i++) {
                rank.get(i).y = value[b] + offset[i];
            }
        }
    }

    // ---- columns and ports ------------------------------------------------------------------------------------

    private void measure() {
        int columns = ranks.size();
        columnX = new double[columns];
        columnWidth = new double[columns];
        double x = PAD;
        for (int r = 0; r < columns; r++) {
            double w = r % 2 == 0 ? BOX_WIDTH : MIN_LANE_WIDTH;
            for (Element e : ranks.get(r)) {
                w = Math.max(w, e.width);
            }
            columnX[r] = x;
            columnWidth[r] = w;
            x += w + GAP;
        }
        this.width = x - GAP + PAD;
        this.height = ranks.stream()
                        .flatMap(List::stream)
                        .mapToDouble(e -> e.y + e.down)
                        .max()
                        .orElse(0)
                + PAD;
        for (Element box : boxes.values()) {
            spread(box, box.left);
            spread(box, box.right);
        }
    }

    /** Spreads a box side's ports evenly, ordered by where their edges come from, so they do not cross at the box. */
    private static void spread(Element box, List<Port> ports) {
        ports.sort(Comparator.comparingDouble((Port p) -> p.towards(box)).thenComparing(p -> p.back));
        double h = boxHeight(box);
        for (int i = 0; i < ports.size(); i++) {
            ports.get(i).y = box.top() + h * (i + 1) / (ports.size() + 1);
        }
    }

    private static double boxHeight(Element box) {
        return box.up + box.down;
    }

    // ---- drawing ----------------------------------------------------------------------------------------------

    /** Appends the SVG element. */
    void appendSvg(StringBuilder out) {
        Svg svg = new Svg(out).open("lineage", width, height, "lineage graph", "id", "lineage-graph");
        out.append('\n');
        for (Route route : routes) {
            appendEdge(out, route);
        }
        for (Element box : boxes.values()) {
            appendNode(out, box);
        }
        svg.close();
    }

    private double left(Element e) {
        return columnX[e.rank];
    }

    private double right(Element e) {
        return e.kind == Kind.BOX ? columnX[e.rank] + BOX_WIDTH : columnX[e.rank] + columnWidth[e.rank];
    }

    private static Port port(List<Port> ports, Route route, boolean back) {
        for (Port p : ports) {
            if (p.route == route && p.back == back) {
                return p;
            }
        }
        throw new IllegalStateException("no port for " + route.edge);
    }

    private void appendEdge(StringBuilder out, Route route) {
        StringBuilder path = new StringBuilder();
        double[] stub; // x1, y1, x2 (the arrow's tip), y2
        Element first = route.chain.get(0);
        Element label = route.label;
        if (route.loop()) {
            Element turn = route.chain.get(1);
            double x = right(first);
            double lane = left(turn);
            double end = lane + turn.width - LOOP_TRACK;
            double outY = port(first.right, route, false).y;
            double backY = port(first.right, route, true).y;
            moveTo(path, x, outY);
            curveTo(path, x, outY, lane, turn.y);
            lineTo(path, end, turn.y);
            path.append(" C")
                    .append(point(end + LOOP_TRACK, turn.y))
                    .append(' ')
                    .append(point(end + LOOP_TRACK, turn.y + LOOP_TRACK))
                    .append(' ')
                    .append(point(end, turn.y + LOOP_TRACK));
            lineTo(path, lane, turn.y + LOOP_TRACK);
            curveTo(path, lane, turn.y + LOOP_TRACK, x + STUB, backY);
            stub = new double[] {x + STUB, backY, x, backY};
        } else {
            Element last = route.chain.get(route.chain.size() - 1);
            double startX = right(first);
            double startY = port(first.right, route, false).y;
            double endX = left(last);
            double endY = port(last.left, route, false).y;
            double x = startX;
            double y = startY;
            if (route.reversed) { // the arrow points back into the left end's right side
                stub = new double[] {startX + STUB, startY, startX, startY};
                x = startX + STUB;
            } else {
                stub = new double[] {endX - STUB, endY, endX, endY};
            }
            moveTo(path, x, y);
            for (int i = 1; i + 1 < route.chain.size(); i++) {
                Element dummy = route.chain.get(i);
                curveTo(path, x, y, left(dummy), dummy.y);
                x = right(dummy);
                y = dummy.y;
                lineTo(path, x, y);
            }
            curveTo(path, x, y, route.reversed ? endX : endX - STUB, endY);
        }
        LineageEdge edge = route.edge;
        out.append("<g class=\"edge\" data-from=\"")
                .append(Markup.xml(edge.from().toString()))
                .append("\" data-to=\"")
                .append(Markup.xml(edge.to().toString()))
                .append("\" data-role=\"")
                .append(Markup.xml(edge.role()))
                .append(route.reversed ? "\" data-reversed=\"true" : "")
                .append("\"><title>")
                .append(Markup.xml(edge.from() + " → " + edge.to() + " (" + edge.role() + ")"))
                .append("</title><path class=\"route\" d=\"")
                .append(path)
                .append("\"/>");
        Svg svg = new Svg(out).line("stub", stub[0], stub[1], stub[2], stub[3]);
        double direction = Math.signum(stub[2] - stub[0]);
        out.append("<polygon points=\"")
                .append(point(stub[2], stub[3]))
                .append(' ')
                .append(point(stub[2] - direction * ARROW_LENGTH, stub[3] - ARROW_HALF))
                .append(' ')
                .append(point(stub[2] - direction * ARROW_LENGTH, stub[3] + ARROW_HALF))
                .append("\"/>");
        if (label != null) {
            double centre = route.loop()
                    ? left(label) + (label.width - LOOP_TRACK) / 2
                    : left(label) + columnWidth[label.rank] / 2;
            svg.text("role", centre, label.y - 5, "middle", edge.role());
        }
        out.append("</g>\n");
    }

    private static void moveTo(StringBuilder path, double x, double y) {
        path.append('M').append(point(x, y));
    }

    private static void lineTo(StringBuilder path, double x, double y) {
        path.append(" L").append(point(x, y));
    }

    /** A cubic with horizontal tangents at both ends: it stays between x1 and x2. */
    private static void curveTo(StringBuilder path, double x1, double y1, double x2, double y2) {
        double mid = (x1 + x2) / 2;
        path.append(" C")
                .append(point(mid, y1))
                .append(' ')
                .append(point(mid, y2))
                .append(' ')
                .append(point(x2, y2));
    }

    private static String point(double x, double y) {
        return Markup.coordinate(x) + "," + Markup.coordinate(y);
    }

    private void appendNode(StringBuilder out, Element box) {
        LineageNode node = box.node;
        if (node == null) {
            throw new IllegalStateException("a box without a node");
        }
        NodeState state = states.getOrDefault(node, NodeState.NONE);
        String label = node.name() + "@" + node.version();
        String shown = Markup.fit(label, NAME_FONT, BOX_WIDTH - 24);
        boolean model = LineageNode.MODEL.equals(node.kind());
        double x = left(box);
        double y = box.top();
        out.append("<g class=\"node ")
                .append(Markup.xml(node.kind()))
                .append(state.cssClasses())
                .append("\" data-node=\"")
                .append(Markup.xml(node.toString()))
                .append(state.isEmpty() ? "" : "\" data-state=\"" + Markup.xml(state.describe()))
                .append("\"><title>")
                .append(Markup.xml(node + (state.isEmpty() ? "" : " — " + state.describe())))
                .append("</title>");
        Svg svg = new Svg(out)
                .rect("box", x, y, BOX_WIDTH, boxHeight(box), "rx", model ? "18" : "4")
                .text("kind", x + 14, y + 17, "start", node.kind())
                .text("name", x + 14, y + 35, "start", shown);
        List<String> lines = stateLines(state);
        for (int i = 0; i < lines.size(); i++) {
            svg.text("state", x + 14, y + 53 + i * STATE_LINE, "start", lines.get(i));
        }
        out.append("</g>\n");
    }

    private static List<String> stateLines(NodeState state) {
        return state.lines(STATE_FONT, BOX_WIDTH - 28);
    }

    /** Returns the drawing's width. */
    double width() {
        return width;
    }

    /** Returns the drawing's height. */
    double height() {
        return height;
    }

    @Override
    public String toString() {
        return "LineageLayout[" + boxes.size() + " boxes, " + routes.size() + " edges, " + ranks.size() + " columns, "
                + Arrays.toString(columnWidth) + "]";
    }
}
