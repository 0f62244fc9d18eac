package org.mlops4j.test;

/**
 * The operations of an {@link org.mlops4j.store.ObjectStore} that cost one request on a remote store, as
 * {@link LatencyObjectStore} counts them. A listing costs one request per page, a read stream one request when it is
 * opened.
 */
public enum StoreOperation {
    /** {@code putContent}, from a stream or a channel. */
    PUT_CONTENT,
    /** {@code findContent}. */
    FIND_CONTENT,
    /** {@code findContents}: many contents looked up in one round trip. */
    FIND_CONTENTS,
    /** {@code openContent} of a whole content. */
    OPEN_CONTENT,
    /** {@code openContent} of a byte range (a ranged GET). */
    OPEN_CONTENT_RANGE,
    /** {@code createIfAbsent}. */
    CREATE_IF_ABSENT,
    /** {@code compareAndSet}. */
    COMPARE_AND_SET,
    /** {@code find} and {@code get}. */
    FIND,
    /** {@code exists}. */
    EXISTS,
    /** One page of {@code list}. */
    LIST_PAGE,
    /** {@code delete}. */
    DELETE
}
