package org.mlops4j.common;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.StringJoiner;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * A listing that fetches its pages lazily, as the caller iterates. Iterate the items, {@link #stream()} them, or walk
 * {@link #byPage()} to keep the continuation token (to resume later with {@link #byPage(String)}).
 *
 * <p>Not thread-safe; each iteration fetches the pages again.
 *
 * @param <T> the item type
 */
public final class Paged<T> implements Iterable<T> {
    /** Fetches one page, given the continuation token of the previous one ({@code null} for the first). */
    @FunctionalInterface
    public interface PageFetcher<T> {
        /**
         * Fetches a page.
         *
         * @param continuationToken the previous page's token, {@code null} for the first page
         * @return the page
         */
        Page<T> fetch(@Nullable String continuationToken);
    }

    /** How many items {@link #toString()} shows. */
    private static final int SHOWN = 10;

    private final PageFetcher<T> fetcher;

    private Paged(PageFetcher<T> fetcher) {
        this.fetcher = fetcher;
    }

    /**
     * Creates a lazy listing.
     *
     * @param fetcher fetches one page at a time
     * @param <T> the item type
     * @return the listing
     */
    public static <T> Paged<T> of(PageFetcher<T> fetcher) {
        return new Paged<>(Objects.requireNonNull(fetcher, "fetcher"));
    }

    /** Returns an iterable over the pages, from the first. */
    public Iterable<Page<T>> byPage() {
        return () -> new PageIterator(null);
    }

    /**
     * Returns an iterable over the pages, resuming after the page that returned {@code continuationToken}.
     *
     * @param continuationToken a token from an earlier page
     * @return the pages from there on
     */
    public Iterable<Page<T>> byPage(String continuationToken) {
        Objects.requireNonNull(continuationToken, "continuationToken");
        return () -> new PageIterator(continuationToken);
    }

    @Override
    public Iterator<T> iterator() {
        Iterator<Page<T>> pages = new PageIterator(null);
        return new Iterator<>() {
            private Iterator<T> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && pages.hasNext()) {
                    current = pages.next().items().iterator();
                }
                return current.hasNext();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    /** Returns the items as a sequential stream. */
    public Stream<T> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED), false);
    }

    /**
     * Shows the first items, for JShell and logs: {@code Paged[a, b, c]}, or {@code Paged[a, …, j, … (first page: 50
     * items, more pages)]}. Fetches the first page (one call to the backend) and never throws: a failed fetch prints
     * as {@code Paged[cannot list: …]}.
     */
    @Override
    public String toString() {
        Page<T> first;
        try {
            first = fetcher.fetch(null);
        } catch (RuntimeException e) {
            return "Paged[cannot list: " + e.getMessage() + "]";
        }
        List<T> items = first.items();
        StringJoiner shown = new StringJoiner(", ", "Paged[", "]");
        items.stream().limit(SHOWN).forEach(item -> shown.add(String.valueOf(item)));
        if (items.size() > SHOWN || first.continuationToken() != null) {
            shown.add("… (first page: " + items.size() + " items"
                    + (first.continuationToken() != null ? ", more pages)" : ")"));
        }
        return shown.toString();
    }

    private final class PageIterator implements Iterator<Page<T>> {
        private @Nullable String token;
        private boolean done;

        PageIterator(@Nullable String token) {
            this.token = token;
        }

        @Override
        public boolean hasNext() {
            return !done;
        }

        @Override
        public Page<T> next() {
            if (done) {
                throw new NoSuchElementException();
            }
            Page<T> page = fetcher.fetch(token);
            token = page.continuationToken();
            done = token == null;
            return page;
        }
    }
}
