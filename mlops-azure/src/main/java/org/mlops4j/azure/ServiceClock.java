package org.mlops4j.azure;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.publisher.Mono;

/**
 * The service's time, read from the {@code Date} header of every response (whole seconds) and carried forward by
 * this host's monotonic timer between responses, so that hosts whose clocks differ agree on when a lease ends
 * (DESIGN §3.1). The time never goes backwards. Also counts the HTTP requests sent, for request budgets.
 * Thread-safe.
 */
final class ServiceClock extends Clock implements HttpPipelinePolicy {
    /** Service time minus the host's nano timer, in nanoseconds; {@link Long#MIN_VALUE} until a response arrived. */
    private final AtomicLong offsetNanos = new AtomicLong(Long.MIN_VALUE);
    /** The latest instant handed out, in epoch nanoseconds: the floor of the next. */
    private final AtomicLong lastNanos = new AtomicLong(Long.MIN_VALUE);

    private final LongAdder requests = new LongAdder();
    private final Runnable probe;

    /** @param probe a cheap request, sent when the time is asked before any response arrived */
    ServiceClock(Runnable probe) {
        this.probe = probe;
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        requests.increment();
        long sent = System.nanoTime();
        return next.process().doOnNext(response -> observe(response, sent));
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        requests.increment();
        long sent = System.nanoTime();
        HttpResponse response = next.processSync();
        observe(response, sent);
        return response;
    }

    @Override
    public HttpPipelinePosition getPipelinePosition() {
        return HttpPipelinePosition.PER_RETRY;
    }

    private void observe(HttpResponse response, long sent) {
        String date = response.getHeaderValue(com.azure.core.http.HttpHeaderName.DATE);
        if (date == null) {
            return;
        }
        try {
            Instant service = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
            // the header is whole seconds, stamped somewhere between send and receipt: take the midpoint, plus half
            // a second for the truncation
            long mid = sent + (System.nanoTime() - sent) / 2;
            long serviceNanos = service.getEpochSecond() * 1_000_000_000L + 500_000_000L;
            offsetNanos.set(serviceNanos - mid);
        } catch (DateTimeParseException e) {
            // a response without a usable date leaves the last offset in place
        }
    }

    /** Returns how many HTTP requests (each try counted) the store sent. */
    long requests() {
        return requests.sum();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the service clock is in UTC");
    }

    @Override
    public Instant instant() {
        if (offsetNanos.get() == Long.MIN_VALUE) {
            probe.run();
            if (offsetNanos.get() == Long.MIN_VALUE) {
                throw new org.mlops4j.common.StorageException(
                        "the time of Azure Blob Storage is unknown: no response with a Date header arrived; check that"
                                + " the endpoint is reachable, then try again",
                        true,
                        null);
            }
        }
        long now = System.nanoTime() + offsetNanos.get();
        long shown = lastNanos.accumulateAndGet(now, Math::max);
        return Instant.ofEpochSecond(Math.floorDiv(shown, 1_000_000_000L), Math.floorMod(shown, 1_000_000_000L));
    }

    @Override
    public String toString() {
        return "ServiceClock{Azure Blob Storage}";
    }
}
