package ajpgate.testapp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Request and response bodies: {@code /stream} sends a deterministic pattern, {@code /echo}
 * copies the request body back as it arrives, {@code /sha} hashes it and {@code /ignore-body}
 * answers without reading it. Any method is accepted.
 */
public final class BodyServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        switch (req.getServletPath()) {
            case "/stream" -> stream(req, resp);
            case "/echo" -> echo(req, resp);
            case "/sha" -> sha(req, resp);
            default -> Replies.text(resp, 200, "ignored");
        }
    }

    /**
     * {@code ?bytes=N[&chunk=K][&flush=1][&delayMs=D][&cl=1]}: N bytes where byte i is
     * {@code (i * 31 + 7) & 0xFF}, written K (default 8192) at a time, flushed after each write
     * if flush=1, D ms apart; Content-Length only with cl=1.
     */
    private static void stream(HttpServletRequest req, HttpServletResponse resp)
            throws IOException {
        long total = Query.num(req, "bytes", 0);
        int chunk = (int) Math.max(1, Query.num(req, "chunk", 8192));
        boolean flush = "1".equals(Query.get(req, "flush", "0"));
        long delayMs = Query.num(req, "delayMs", 0);
        resp.setContentType("application/octet-stream");
        if ("1".equals(Query.get(req, "cl", "0"))) {
            resp.setContentLengthLong(total);
        }
        OutputStream out = resp.getOutputStream();
        byte[] buf = new byte[chunk];
        for (long pos = 0; pos < total;) {
            if (pos > 0 && delayMs > 0) {
                sleep(delayMs);
            }
            int n = (int) Math.min(chunk, total - pos);
            for (int j = 0; j < n; j++) {
                buf[j] = (byte) ((pos + j) * 31 + 7);
            }
            out.write(buf, 0, n);
            if (flush) {
                out.flush();
            }
            pos += n;
        }
    }

    /** Writes each piece read (at most 8 KiB) straight back and flushes it. */
    private static void echo(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("application/octet-stream");
        InputStream in = req.getInputStream();
        OutputStream out = resp.getOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) != -1) {
            out.write(buf, 0, n);
            out.flush();
        }
    }

    private static void sha(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Bodies body = Bodies.digest(req.getInputStream());
        Replies.json(resp, new Json()
                .num("bodyLength", body.length)
                .str("bodySha256", body.sha256)
                .num("contentLength", req.getContentLengthLong())
                .str("transferEncoding", req.getHeader("Transfer-Encoding")));
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
