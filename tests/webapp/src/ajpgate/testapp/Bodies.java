package ajpgate.testapp;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Reads a whole request body while counting and hashing it, without keeping it. */
final class Bodies {
    /** Bytes read. */
    long length;
    /** Lower-case hex SHA-256 of the bytes read. */
    String sha256;

    private Bodies() {
    }

    /** Drains {@code in} to its end. */
    static Bodies digest(InputStream in) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Bodies b = new Bodies();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) != -1) {
            md.update(buf, 0, n);
            b.length += n;
        }
        b.sha256 = hex(md.digest());
        return b;
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (byte x : bytes) {
            sb.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return sb.toString();
    }
}
