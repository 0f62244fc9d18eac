package org.mlops4j.test.architecture;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which package of the library depends on which, with one example dependency per edge, and its cycles. A package's
 * own {@code spi}, {@code local} and {@code internal} sub-packages count as part of it (a driver SPI speaks the
 * parent's value types, and the parent calls its SPI), as in ArchUnit's {@code slices().matching("org.mlops4j.(*)..")};
 * every other package is a node of its own.
 */
final class PackageGraph {
    private static final String ROOT = "org.mlops4j";

    /** package → package it depends on → one dependency that shows it. */
    private final Map<String, Map<String, String>> edges = new TreeMap<>();

    private PackageGraph() {}

    static PackageGraph of(JavaClasses classes) {
        PackageGraph graph = new PackageGraph();
        for (JavaClass type : classes) {
            String from = node(type.getPackageName());
            graph.edges.computeIfAbsent(from, k -> new TreeMap<>());
            for (Dependency d : type.getDirectDependenciesFromSelf()) {
                String to = node(d.getTargetClass().getPackageName());
                if (!to.equals(from) && (to.equals(ROOT) || to.startsWith(ROOT + "."))) {
                    graph.edges.get(from).putIfAbsent(to, d.getDescription());
                }
            }
        }
        return graph;
    }

    /** The graph's node for a package: the package itself, or its parent for an spi, local or internal part. */
    static String node(String pkg) {
        for (String part : new String[] {".spi", ".local", ".internal"}) {
            if (pkg.endsWith(part) && !pkg.equals(ROOT + part)) {
                return pkg.substring(0, pkg.length() - part.length());
            }
        }
        return pkg;
    }

    Set<String> packages() {
        return edges.keySet();
    }

    /**
     * Finds the strongly connected components of more than one package (Tarjan's algorithm).
     *
     * @return one line per cycle: its packages and, for each edge inside it, a dependency that makes it
     */
    List<String> cycles() {
        Tarjan tarjan = new Tarjan();
        for (String pkg : edges.keySet()) {
            if (!tarjan.index.containsKey(pkg)) {
                tarjan.visit(pkg);
            }
        }
        List<String> out = new ArrayList<>();
        for (Set<String> component : tarjan.components) {
            if (component.size() < 2) {
                continue;
            }
            StringBuilder text = new StringBuilder("cycle among " + component + ":");
            for (String from : component) {
                edges.getOrDefault(from, Map.of()).forEach((to, why) -> {
                    if (component.contains(to)) {
                        text.append("\n    ")
                                .append(from)
                                .append(" -> ")
                                .append(to)
                                .append(": ")
                                .append(why);
                    }
                });
            }
            out.add(text.toString());
        }
        return out;
    }

    private final class Tarjan {
        final Map<String, Integer> index = new HashMap<>();
        final Map<String, Integer> low = new HashMap<>();
        final Deque<String> stack = new ArrayDeque<>();
        final Set<String> onStack = new TreeSet<>();
        final List<Set<String>> components = new ArrayList<>();

        void visit(String v) {
            index.put(v, index.size());
            low.put(v, index.get(v));
            stack.push(v);
            onStack.add(v);
            for (String w : edges.getOrDefault(v, Map.of()).keySet()) {
                if (!index.containsKey(w)) {
                    visit(w);
                    low.put(v, Math.min(low.get(v), low.get(w)));
                } else if (onStack.contains(w)) {
                    low.put(v, Math.min(low.get(v), index.get(w)));
                }
            }
            if (low.get(v).equals(index.get(v))) {
                Set<String> component = new TreeSet<>();
                String w;
                do {
                    w = stack.pop();
                    onStack.remove(w);
                    component.add(w);
                } while (!w.equals(v));
                components.add(component);
            }
        }
    }
}
