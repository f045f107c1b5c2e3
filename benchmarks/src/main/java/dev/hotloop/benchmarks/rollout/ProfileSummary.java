package dev.hotloop.benchmarks.rollout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * The top frames of a JFR recording's execution samples (what {@code jfr print --events jdk.ExecutionSample}
 * lists, aggregated): by the sampled method itself and by the first hotloop method on the stack.
 */
record ProfileSummary(
        int samples, List<Map.Entry<String, Integer>> topFrames, List<Map.Entry<String, Integer>> topHotloopFrames) {

    static ProfileSummary of(Path recording, int top) throws IOException {
        Map<String, Integer> frames = new HashMap<>();
        Map<String, Integer> hotloop = new HashMap<>();
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            if (!"jdk.ExecutionSample".equals(event.getEventType().getName()) || event.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> stack = event.getStackTrace().getFrames();
            if (stack.isEmpty()) {
                continue;
            }
            samples++;
            frames.merge(name(stack.getFirst()), 1, Integer::sum);
            stack.stream()
                    .map(ProfileSummary::name)
                    .filter(name -> name.startsWith("dev.hotloop."))
                    .findFirst()
                    .ifPresent(name -> hotloop.merge(name, 1, Integer::sum));
        }
        return new ProfileSummary(samples, top(frames, top), top(hotloop, top));
    }

    /** A markdown table of both rankings, with each frame's share of all samples. */
    String markdown(String title) {
        StringBuilder text = new StringBuilder("#### " + title + " (" + samples + " samples)\n\n")
                .append("| top frame | share | first hotloop frame on the stack | share |\n|---|---:|---|---:|\n");
        for (int i = 0; i < Math.max(topFrames.size(), topHotloopFrames.size()); i++) {
            text.append("| ")
                    .append(cell(topFrames, i))
                    .append(" | ")
                    .append(share(topFrames, i))
                    .append(" | ")
                    .append(cell(topHotloopFrames, i))
                    .append(" | ")
                    .append(share(topHotloopFrames, i))
                    .append(" |\n");
        }
        return text.toString();
    }

    private String cell(List<Map.Entry<String, Integer>> entries, int i) {
        return i < entries.size() ? "`" + entries.get(i).getKey() + "`" : "";
    }

    private String share(List<Map.Entry<String, Integer>> entries, int i) {
        return i < entries.size()
                ? String.format("%.1f%%", 100.0 * entries.get(i).getValue() / samples)
                : "";
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static List<Map.Entry<String, Integer>> top(Map<String, Integer> counts, int top) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
                .limit(top)
                .toList();
    }
}
