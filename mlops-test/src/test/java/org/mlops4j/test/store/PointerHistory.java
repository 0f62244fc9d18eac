package org.mlops4j.test.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Checks that a pointer's logged moves form one chain: the first move expected no pointer, and each later move
 * expected the tag the move before it produced. It compares tags only for equality, so it holds for a generation
 * counter and for an opaque ETag alike. A fork (two moves that expected the same tag) is a lost update; a move whose
 * expected tag no move produced is a gap.
 */
final class PointerHistory {
    private PointerHistory() {}

    /**
     * One logged move.
     *
     * @param expected the tag the writer read and passed to compare-and-set, {@code null} if the pointer was absent
     * @param newTag the tag the compare-and-set returned
     * @param writer who moved it
     * @param commit for which commit
     * @param version to which version
     */
    record Move(@Nullable String expected, String newTag, String writer, String commit, long version) {
        Move {
            Objects.requireNonNull(newTag, "newTag");
        }
    }

    /**
     * Orders the moves into their chain.
     *
     * @param moves the logged moves, in any order
     * @return the moves from the first to the last
     * @throws AssertionError describing the first break: no or several first moves, a fork, a repeated tag, a gap
     */
    static List<Move> toChain(Collection<Move> moves) {
        if (moves.isEmpty()) {
            return List.of();
        }
        Move first = null;
        Map<String, Move> byExpected = new HashMap<>();
        Map<String, Move> byNew = new HashMap<>();
        for (Move move : moves) {
            Move sameNew = byNew.putIfAbsent(move.newTag(), move);
            if (sameNew != null) {
                throw new AssertionError(
                        "two moves produced the tag " + move.newTag() + ": " + sameNew + " and " + move);
            }
            if (move.expected() == null) {
                if (first != null) {
                    throw new AssertionError("two moves created the pointer (expected no tag): " + first + " and "
                            + move + "; compare-and-set let both through");
                }
                first = move;
                continue;
            }
            Move sameExpected = byExpected.putIfAbsent(move.expected(), move);
            if (sameExpected != null) {
                throw new AssertionError("the chain forks: two moves expected the tag " + move.expected() + ": "
                        + sameExpected + " and " + move + "; one update was lost");
            }
        }
        if (first == null) {
            throw new AssertionError("no move created the pointer (expected no tag) among " + moves.size() + " moves");
        }
        List<Move> chain = new ArrayList<>(moves.size());
        for (Move move = first; move != null && chain.size() <= moves.size(); move = byExpected.get(move.newTag())) {
            chain.add(move);
        }
        if (chain.size() != moves.size()) {
            List<Move> off = new ArrayList<>(moves);
            off.removeAll(chain);
            throw new AssertionError("the chain from the first move covers " + chain.size() + " of " + moves.size()
                    + " moves; the first move off the chain expected a tag no move on it produced: " + off.get(0));
        }
        return chain;
    }
}
