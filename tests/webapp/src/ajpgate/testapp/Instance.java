package ajpgate.testapp;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Facts about the Tomcat instance this webapp runs in, given by the harness as system properties
 * ({@code -Dajpgate.test.instance=t1 -DjvmRoute=r1}). The request counter is per instance (per
 * JVM), not per context: the ROOT and /app contexts have separate class loaders, so the counter
 * lives in the system properties table, which both see.
 */
final class Instance {
    private static final String COUNTER_KEY = "ajpgate.test.requestCount";

    private Instance() {
    }

    /** The instance name from {@code -Dajpgate.test.instance}, or null. */
    static String servedBy() {
        return System.getProperty("ajpgate.test.instance");
    }

    /** The Engine's jvmRoute: StandardEngine also takes its default from {@code -DjvmRoute}. */
    static String jvmRoute() {
        return System.getProperty("jvmRoute");
    }

    /** The JVM-wide counter of requests served by /probe and /basic. */
    static AtomicLong requestCounter() {
        // Properties is a Hashtable<Object, Object>; an AtomicLong comes from the boot class
        // loader, so both contexts get the same object.
        return (AtomicLong) System.getProperties().computeIfAbsent(COUNTER_KEY, k -> new AtomicLong());
    }
}
