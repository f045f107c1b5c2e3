package dev.hotloop.toolrunner.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutputCaptureTest {

    @Test
    void outputWithinTheCapIsKeptWhole() {
        OutputCapture.Rendered rendered = render("hello\n", "warning\n", 100);

        assertThat(rendered).isEqualTo(new OutputCapture.Rendered("hello\n", "warning\n", false));
    }

    @Test
    void outputOfExactlyTheCapIsKeptWhole() {
        OutputCapture.Rendered rendered = render("0123456789", "", 10);

        assertThat(rendered).isEqualTo(new OutputCapture.Rendered("0123456789", "", false));
    }

    @Test
    void longOutputKeepsItsStartAndEndAroundAMarker() {
        OutputCapture.Rendered rendered = render("a".repeat(50) + "b".repeat(1_000) + "c".repeat(50), "", 100);

        assertThat(rendered.truncated()).isTrue();
        assertThat(rendered.stdout()).isEqualTo("a".repeat(50) + "\n[... 1000 bytes truncated ...]\n" + "c".repeat(50));
    }

    @Test
    void smallStderrIsKeptWholeAndStdoutGetsTheRest() {
        OutputCapture.Rendered rendered = render("x".repeat(1_000), "error!", 100);

        assertThat(rendered.stderr()).isEqualTo("error!");
        assertThat(rendered.stdout()).isEqualTo("x".repeat(47) + OutputCapture.marker(906) + "x".repeat(47));
    }

    @Test
    void smallStdoutIsKeptWholeAndStderrGetsTheRest() {
        OutputCapture.Rendered rendered = render("ok", "e".repeat(1_000), 100);

        assertThat(rendered.stdout()).isEqualTo("ok");
        assertThat(rendered.stderr()).isEqualTo("e".repeat(49) + OutputCapture.marker(902) + "e".repeat(49));
    }

    @Test
    void twoLongStreamsShareTheCapEqually() {
        OutputCapture.Rendered rendered = render("o".repeat(1_000), "e".repeat(1_000), 100);

        assertThat(rendered.stdout()).isEqualTo("o".repeat(25) + OutputCapture.marker(950) + "o".repeat(25));
        assertThat(rendered.stderr()).isEqualTo("e".repeat(25) + OutputCapture.marker(950) + "e".repeat(25));
    }

    @Test
    void multiByteCharactersAreNeverCut() {
        OutputCapture.Rendered rendered = render("é".repeat(1_000) + "€".repeat(1_000) + "😀".repeat(1_000), "", 101);

        assertThat(rendered.stdout())
                .doesNotContain("\uFFFD")
                .startsWith("é".repeat(25))
                .endsWith("😀".repeat(12));
        String[] parts = rendered.stdout().split("\n");
        assertThat(parts[0]).isEqualTo("é".repeat(25));
        assertThat(parts[2]).isEqualTo("😀".repeat(12));
    }

    @Test
    void aHundredMegabytesCostOnlyTheCap() {
        OutputCapture capture = new OutputCapture(1_000);
        capture.drain(new RepeatingStream("yes\n".getBytes(StandardCharsets.US_ASCII), 100L * 1024 * 1024));

        OutputCapture.Snapshot snapshot = capture.snapshot();
        assertThat(snapshot.total()).isEqualTo(100L * 1024 * 1024);
        assertThat(snapshot.head().length + snapshot.tail().length).isEqualTo(1_000);
        assertThat(snapshot.render(1_000))
                .startsWith("yes\nyes\n")
                .endsWith("yes\n")
                .contains("[... " + (100L * 1024 * 1024 - 1_000) + " bytes truncated ...]");
    }

    @Test
    void aCapOfOneStillShowsTheMarker() {
        OutputCapture.Rendered rendered = render("abc", "", 1);

        assertThat(rendered.stdout()).isEqualTo("a" + OutputCapture.marker(2));
    }

    private static OutputCapture.Rendered render(String stdout, String stderr, int max) {
        return OutputCapture.render(capture(stdout, max), capture(stderr, max), max);
    }

    private static OutputCapture.Snapshot capture(String text, int max) {
        OutputCapture capture = new OutputCapture(max);
        capture.drain(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        return capture.snapshot();
    }

    /** {@code total} bytes of a repeated 4-byte pattern, produced a block at a time without holding them. */
    private static final class RepeatingStream extends InputStream {
        private final byte[] block = new byte[8192];
        private long remaining;

        RepeatingStream(byte[] pattern, long total) {
            for (int i = 0; i < block.length; i++) {
                block[i] = pattern[i % pattern.length];
            }
            this.remaining = total;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (remaining == 0) {
                return -1;
            }
            int count = (int) Math.min(Math.min(length, remaining), block.length);
            System.arraycopy(block, 0, buffer, offset, count); // drain reads whole blocks, so the pattern stays aligned
            remaining -= count;
            return count;
        }
    }
}
