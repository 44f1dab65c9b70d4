package ajpgate.testapp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A tiny JSON object writer, so the test webapp needs no library beyond the Servlet API.
 * Every character outside printable ASCII is written as a {@code \\uXXXX} escape, so the
 * output is plain ASCII whatever bytes a header carried.
 */
final class Json {
    private final StringBuilder out = new StringBuilder("{");
    private boolean first = true;

    /** Adds a string member; {@code null} is written as JSON null. */
    Json str(String name, String value) {
        key(name);
        quote(out, value);
        return this;
    }

    /** Adds a number member. */
    Json num(String name, long value) {
        key(name);
        out.append(value);
        return this;
    }

    /** Adds a boolean member. */
    Json bool(String name, boolean value) {
        key(name);
        out.append(value);
        return this;
    }

    /** Adds an array of [name, value] pairs, keeping order and repeats. */
    Json pairs(String name, List<String[]> pairs) {
        key(name);
        out.append('[');
        for (int i = 0; i < pairs.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append('[');
            quote(out, pairs.get(i)[0]);
            out.append(',');
            quote(out, pairs.get(i)[1]);
            out.append(']');
        }
        out.append(']');
        return this;
    }

    /** Adds an object of string members, in the map's iteration order. */
    Json object(String name, Map<String, String> members) {
        key(name);
        out.append('{');
        boolean firstMember = true;
        for (Map.Entry<String, String> e : members.entrySet()) {
            if (!firstMember) {
                out.append(',');
            }
            firstMember = false;
            quote(out, e.getKey());
            out.append(':');
            quote(out, e.getValue());
        }
        out.append('}');
        return this;
    }

    /** The finished object as UTF-8 bytes (pure ASCII in practice). */
    byte[] bytes() {
        return (out.toString() + "}").getBytes(StandardCharsets.UTF_8);
    }

    private void key(String name) {
        if (!first) {
            out.append(',');
        }
        first = false;
        quote(out, name);
        out.append(':');
    }

    private static void quote(StringBuilder sb, String s) {
        if (s == null) {
            sb.append("null");
            return;
        }
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7F) {
                sb.append(c);
            } else {
                sb.append(String.format("\\u%04x", (int) c));
            }
        }
        sb.append('"');
    }
}
