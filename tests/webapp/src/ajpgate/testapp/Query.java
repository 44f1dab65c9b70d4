package ajpgate.testapp;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Reads query parameters from the raw query string. {@code getParameter} is avoided on purpose:
 * for a form POST it would consume the request body that the endpoints hash or echo.
 */
final class Query {
    private Query() {
    }

    /** Every value of parameter {@code name}, decoded, in order. */
    static List<String> all(HttpServletRequest req, String name) {
        List<String> values = new ArrayList<>();
        String qs = req.getQueryString();
        if (qs == null) {
            return values;
        }
        for (String part : qs.split("&")) {
            int eq = part.indexOf('=');
            String k = eq < 0 ? part : part.substring(0, eq);
            String v = eq < 0 ? "" : part.substring(eq + 1);
            if (decode(k).equals(name)) {
                values.add(decode(v));
            }
        }
        return values;
    }

    /** The first value of {@code name}, or {@code fallback} when absent. */
    static String get(HttpServletRequest req, String name, String fallback) {
        List<String> values = all(req, name);
        return values.isEmpty() ? fallback : values.get(0);
    }

    /** The first value of {@code name} as a long, or {@code fallback} when absent. */
    static long num(HttpServletRequest req, String name, long fallback) {
        String v = get(req, name, null);
        return v == null || v.isEmpty() ? fallback : Long.parseLong(v);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
