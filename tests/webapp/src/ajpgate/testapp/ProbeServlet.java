package ajpgate.testapp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * {@code /probe/*} reports what Tomcat made of the request, so tests can check what the gateway
 * put into FORWARD_REQUEST. {@code /basic/*} does the same behind HTTP Basic auth (user "gate",
 * password "gatepw"), checked in code so no Realm is needed. {@code service()} is overridden so
 * every method reaches it: PATCH, WebDAV methods and unknown tokens alike.
 */
public final class ProbeServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private static final String BASIC_CREDENTIALS = "Basic "
            + Base64.getEncoder().encodeToString("gate:gatepw".getBytes(StandardCharsets.UTF_8));

    /**
     * Attributes looked up by name as well: getAttributeNames() lists only those set at the
     * Catalina level, not the ones AJP stored on the Coyote request (T Request.getAttribute).
     */
    private static final String[] KNOWN_ATTRIBUTES = {
        "jakarta.servlet.request.X509Certificate",
        "jakarta.servlet.request.cipher_suite",
        "jakarta.servlet.request.key_size",
        "jakarta.servlet.request.ssl_session_id",
        "jakarta.servlet.request.secure_protocol",
        "org.apache.tomcat.util.net.secure_protocol_version",
        "JK_LB_ACTIVATION",
    };

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if ("/basic".equals(req.getServletPath())
                && !BASIC_CREDENTIALS.equals(req.getHeader("Authorization"))) {
            resp.setHeader("WWW-Authenticate", "Basic realm=\"ajpgate-test\"");
            Replies.text(resp, 401, "authentication required\n");
            return;
        }
        long count = Instance.requestCounter().incrementAndGet();
        Bodies body = Bodies.digest(req.getInputStream());
        HttpSession session = req.getSession(false);
        Replies.json(resp, new Json()
                .str("method", req.getMethod())
                .str("requestURI", req.getRequestURI())
                .str("queryString", req.getQueryString())
                .str("scheme", req.getScheme())
                .bool("secure", req.isSecure())
                .str("serverName", req.getServerName())
                .num("serverPort", req.getServerPort())
                .str("remoteAddr", req.getRemoteAddr())
                .num("remotePort", req.getRemotePort())
                .str("remoteHost", req.getRemoteHost())
                .str("localAddr", req.getLocalAddr())
                .num("localPort", req.getLocalPort())
                .str("protocol", req.getProtocol())
                .str("contextPath", req.getContextPath())
                .str("servletPath", req.getServletPath())
                .str("pathInfo", req.getPathInfo())
                .str("remoteUser", req.getRemoteUser())
                .str("authType", req.getAuthType())
                .pairs("headers", headers(req))
                .object("attributes", attributes(req))
                .num("contentLength", req.getContentLengthLong())
                .num("bodyLength", body.length)
                .str("bodySha256", body.sha256)
                .str("jvmRoute", Instance.jvmRoute())
                .str("sessionId", session == null ? null : session.getId())
                .str("requestedSessionId", req.getRequestedSessionId())
                .str("servedBy", Instance.servedBy())
                .num("requestCount", count));
    }

    private static List<String[]> headers(HttpServletRequest req) {
        List<String[]> pairs = new ArrayList<>();
        for (String name : Collections.list(req.getHeaderNames())) {
            for (String value : Collections.list(req.getHeaders(name))) {
                pairs.add(new String[] {name, value});
            }
        }
        return pairs;
    }

    private static Map<String, String> attributes(HttpServletRequest req) {
        List<String> names = new ArrayList<>(Collections.list(req.getAttributeNames()));
        Collections.addAll(names, KNOWN_ATTRIBUTES);
        // ?attr=NAME asks for more names, e.g. one allowed by allowedRequestAttributesPattern.
        names.addAll(Query.all(req, "attr"));
        Map<String, String> out = new TreeMap<>();
        for (String name : names) {
            Object value = req.getAttribute(name);
            if (value != null) {
                out.put(name, describe(value));
            }
        }
        return out;
    }

    private static String describe(Object value) {
        if (value instanceof X509Certificate[] certs) {
            List<String> subjects = new ArrayList<>();
            for (X509Certificate c : certs) {
                subjects.add(c.getSubjectX500Principal().getName());
            }
            return String.join(" | ", subjects);
        }
        return String.valueOf(value);
    }
}
