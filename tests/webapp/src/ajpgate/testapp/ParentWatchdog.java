package ajpgate.testapp;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

/**
 * Halts the JVM when the test process that started it is gone, so a crashed or interrupted test
 * run never leaves Tomcat behind. The harness passes its pid as {@code -Dajpgate.test.parentPid};
 * Tomcat is exec'd by the harness, so that pid is our parent until the parent dies and we are
 * re-parented. Only one of the two contexts starts the thread.
 */
public final class ParentWatchdog implements ServletContextListener {
    private static final String GUARD_KEY = "ajpgate.test.watchdog";

    private Thread thread;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        String expected = System.getProperty("ajpgate.test.parentPid");
        if (expected == null || System.getProperties().putIfAbsent(GUARD_KEY, "on") != null) {
            return;
        }
        long parentPid = Long.parseLong(expected);
        thread = new Thread(() -> watch(parentPid), "ajpgate-parent-watchdog");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (thread != null) {
            thread.interrupt();
            System.getProperties().remove(GUARD_KEY);
        }
    }

    private static void watch(long parentPid) {
        while (!Thread.currentThread().isInterrupted()) {
            long current = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
            if (current != parentPid) {
                System.err.println("ajpgate test watchdog: parent " + parentPid
                        + " is gone; halting");
                Runtime.getRuntime().halt(3);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
