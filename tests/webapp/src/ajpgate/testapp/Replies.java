package ajpgate.testapp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

/** Writes small complete responses with an exact Content-Length. */
final class Replies {
    private Replies() {
    }

    /** Sends {@code json} as {@code application/json} with status 200. */
    static void json(HttpServletResponse resp, Json json) throws IOException {
        send(resp, 200, "application/json", json.bytes());
    }

    /** Sends {@code text} as {@code text/plain} (UTF-8) with {@code status}. */
    static void text(HttpServletResponse resp, int status, String text) throws IOException {
        send(resp, status, "text/plain;charset=UTF-8", text.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpServletResponse resp, int status, String type, byte[] body)
            throws IOException {
        resp.setStatus(status);
        resp.setContentType(type);
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }
}
