package dev.hotloop.toolrunner.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * One output stream of a process, read to its end while holding at most {@code limit} bytes: the first half and a
 * ring of the last half. Everything in between is counted and dropped, so 100 MB of output costs {@code limit} bytes
 * of memory. {@link #render} then cuts stdout and stderr to a shared budget with an explicit marker in the middle.
 */
final class OutputCapture {

    private static final int CHUNK = 8192;

    private final byte[] head;
    private final byte[] tail;
    private int headLength;
    private long tailWritten;
    private long total;

    /** @param limit the most bytes of this stream that can ever be shown; at least 1 */
    OutputCapture(int limit) {
        this.head = new byte[limit - limit / 2];
        this.tail = new byte[limit / 2];
    }

    /** Reads the stream to its end (or until it fails, e.g. closed); never throws. */
    void drain(InputStream in) {
        byte[] buffer = new byte[CHUNK];
        try (in) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                write(buffer, 0, read);
            }
        } catch (IOException ignored) {
            // the process is gone and its pipe closed under us: keep what was read
        }
    }

    synchronized void write(byte[] bytes, int offset, int length) {
        total += length;
        int toHead = Math.min(length, head.length - headLength);
        System.arraycopy(bytes, offset, head, headLength, toHead);
        headLength += toHead;
        int position = offset + toHead;
        int remaining = length - toHead;
        if (tail.length == 0 || remaining == 0) {
            tailWritten += remaining;
            return;
        }
        if (remaining > tail.length) { // only the last tail.length bytes can stay
            position += remaining - tail.length;
            tailWritten += remaining - tail.length;
            remaining = tail.length;
        }
        while (remaining > 0) {
            int at = (int) (tailWritten % tail.length);
            int count = Math.min(remaining, tail.length - at);
            System.arraycopy(bytes, position, tail, at, count);
            position += count;
            remaining -= count;
            tailWritten += count;
        }
    }

    synchronized Snapshot snapshot() {
        int tailLength = (int) Math.min(tailWritten, tail.length);
        byte[] tailCopy = new byte[tailLength];
        for (int i = 0; i < tailLength; i++) {
            tailCopy[i] = tail[(int) ((tailWritten - tailLength + i) % tail.length)];
        }
        byte[] headCopy = new byte[headLength];
        System.arraycopy(head, 0, headCopy, 0, headLength);
        return new Snapshot(headCopy, tailCopy, total);
    }

    /**
     * What a stream produced.
     *
     * @param head  its first bytes
     * @param tail  its last bytes, following {@code head} directly when {@code total == head + tail}
     * @param total how many bytes it produced in all
     */
    @SuppressWarnings("ArrayRecordComponent") // a copy taken once, read once, never compared
    record Snapshot(byte[] head, byte[] tail, long total) {

        boolean complete() {
            return head.length + tail.length == total;
        }

        /** The whole stream when it fits {@code budget} bytes, else its start, a marker and its end. */
        String render(int budget) {
            if (total <= budget && complete()) {
                byte[] all = new byte[head.length + tail.length];
                System.arraycopy(head, 0, all, 0, head.length);
                System.arraycopy(tail, 0, all, head.length, tail.length);
                return new String(all, StandardCharsets.UTF_8);
            }
            int headBytes = Utf8.prefixEnd(head, Math.min(head.length, budget - budget / 2));
            int tailStart = Utf8.suffixStart(tail, tail.length - Math.min(tail.length, budget / 2));
            long omitted = total - headBytes - (tail.length - tailStart);
            return new String(head, 0, headBytes, StandardCharsets.UTF_8)
                    + marker(omitted)
                    + new String(tail, tailStart, tail.length - tailStart, StandardCharsets.UTF_8);
        }
    }

    /** The text that stands for the bytes left out. */
    static String marker(long omitted) {
        return "\n[... " + omitted + " bytes truncated ...]\n";
    }

    /**
     * Renders both streams of a command within {@code max} bytes together (stdout and stderr each get half, and
     * either one gets what the other leaves), so neither can crowd out the other. UTF-8 sequences are never split,
     * so the text holds at most {@code max} characters besides the markers.
     */
    static Rendered render(Snapshot stdout, Snapshot stderr, int max) {
        long out = stdout.total();
        long err = stderr.total();
        int outBudget;
        int errBudget;
        if (out + err <= max) {
            outBudget = (int) out;
            errBudget = (int) err;
        } else if (err <= max / 2) {
            errBudget = (int) err;
            outBudget = max - errBudget;
        } else if (out <= max - max / 2) {
            outBudget = (int) out;
            errBudget = max - outBudget;
        } else {
            outBudget = max - max / 2;
            errBudget = max / 2;
        }
        boolean truncated = out > outBudget || err > errBudget;
        return new Rendered(stdout.render(outBudget), stderr.render(errBudget), truncated);
    }

    /**
     * @param stdout    the shown standard output
     * @param stderr    the shown standard error
     * @param truncated whether either lost bytes to the cap (its text then holds the marker)
     */
    record Rendered(String stdout, String stderr, boolean truncated) {}

    /** UTF-8 boundaries, so a cut never leaves half a character. */
    static final class Utf8 {

        private Utf8() {}

        /** The largest end {@code <= end} that does not split a multi-byte sequence. */
        static int prefixEnd(byte[] bytes, int end) {
            int start = end;
            while (start > 0 && start > end - 4 && isContinuation(bytes[start - 1])) {
                start--;
            }
            if (start > 0 && start > end - 4 && isLead(bytes[start - 1])) {
                int lead = start - 1;
                if (lead + sequenceLength(bytes[lead]) > end) {
                    return lead;
                }
            }
            return end;
        }

        /** The smallest start {@code >= start} that is not inside a multi-byte sequence. */
        static int suffixStart(byte[] bytes, int start) {
            int at = start;
            while (at < bytes.length && at < start + 3 && isContinuation(bytes[at])) {
                at++;
            }
            return at;
        }

        private static boolean isContinuation(byte b) {
            return (b & 0xC0) == 0x80;
        }

        private static boolean isLead(byte b) {
            return (b & 0xC0) == 0xC0;
        }

        private static int sequenceLength(byte lead) {
            if ((lead & 0xE0) == 0xC0) {
                return 2;
            }
            if ((lead & 0xF0) == 0xE0) {
                return 3;
            }
            return 4;
        }
    }
}
