package org.mlops4j.serving;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * Answers the errors Jetty raises itself (a malformed request line, a URI or headers beyond the size limit, an
 * ambiguous path) with the server's JSON error body instead of Jetty's HTML page, and never repeats more than a capped
 * part of what the client sent.
 */
final class JsonErrorHandler extends ErrorHandler {
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(
            Request request,
            Response response,
            int code,
            @Nullable String message,
            @Nullable Throwable cause,
            Callback callback) {
        byte[] body = JsonAnswers.object(Dialect.NATIVE.error(code, describe(code, message)));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, @Nullable String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(JsonAnswers.object(Dialect.NATIVE.error(status, describe(status, reason))));
    }

    /** Jetty's reason, capped, with what to do for the limits a client can meet. */
    static String describe(int status, @Nullable String reason) {
        String what = reason == null || reason.isBlank() ? HttpStatus.getMessage(status) : Echo.of(reason, 200);
        switch (status) {
            case 414:
                return what + "; the request line is longer than this server reads: shorten the path";
            case 431:
                return what + "; the request headers are larger than this server reads: send fewer or shorter ones";
            default:
                return what.startsWith("Ambiguous URI")
                        ? what + "; this server decodes no %2F into a '/' and takes no '.' or '..' segment: endpoint"
                                + " names have no slashes"
                        : what;
        }
    }
}
