package ajpgate.testapp;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * Response shapes and instance state: {@code /headers}, {@code /cookies}, {@code /sleep},
 * {@code /status}, {@code /redirect}, {@code /session} and {@code /count}. Any method is
 * accepted; none of them reads the request body.
 */
public final class MiscServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        switch (req.getServletPath()) {
            case "/headers" -> {
                // ?n=N: X-Test-1: v-1 ... X-Test-N: v-N
                long n = Query.num(req, "n", 1);
                for (long i = 1; i <= n; i++) {
                    resp.addHeader("X-Test-" + i, "v-" + i);
                }
                Replies.text(resp, 200, "headers " + n);
            }
            case "/cookies" -> {
                // ?n=N: Set-Cookie c1=v1 ... cN=vN, in order
                long n = Query.num(req, "n", 1);
                for (long i = 1; i <= n; i++) {
                    resp.addHeader("Set-Cookie", "c" + i + "=v" + i);
                }
                Replies.text(resp, 200, "cookies " + n);
            }
            case "/sleep" -> {
                BodyServlet.sleep(Query.num(req, "ms", 0));
                Replies.text(resp, 200, "slept");
            }
            case "/status" -> status(req, resp);
            case "/redirect" -> {
                // ?to=URL[&code=302]: a Location header, for rewriting tests
                resp.setHeader("Location", Query.get(req, "to", "/"));
                Replies.text(resp, (int) Query.num(req, "code", 302), "redirect");
            }
            case "/session" -> {
                HttpSession session = req.getSession(true);
                Replies.json(resp, new Json()
                        .str("sessionId", session.getId())
                        .bool("isNew", session.isNew())
                        .str("servedBy", Instance.servedBy())
                        .str("jvmRoute", Instance.jvmRoute()));
            }
            default -> count(req, resp);
        }
    }

    /** {@code ?code=N[&body=text]}: that status; 1xx, 204 and 304 carry no body. */
    private static void status(HttpServletRequest req, HttpServletResponse resp)
            throws IOException {
        int code = (int) Query.num(req, "code", 200);
        if (code == 204 || code == 304 || code < 200) {
            resp.setStatus(code);
            return;
        }
        String body = Query.get(req, "body", "status " + code + "\n");
        Replies.text(resp, code, body);
        // Commit now, so that Tomcat's error report valve leaves an empty body alone.
        resp.flushBuffer();
    }

    /** {@code /count} reports the instance's /probe counter; {@code ?reset=1} zeroes it. */
    private static void count(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long value = "1".equals(Query.get(req, "reset", "0"))
                ? Instance.requestCounter().getAndSet(0)
                : Instance.requestCounter().get();
        Replies.json(resp, new Json()
                .num("requestCount", value)
                .str("servedBy", Instance.servedBy())
                .str("jvmRoute", Instance.jvmRoute()));
    }
}
