package dev.hotloop.benchmarks;

import dev.hotloop.benchmarks.rollout.RolloutBenchmark;
import java.util.Arrays;

/**
 * Entry point of the benchmarks jar: {@code turn-overhead [warm-up] [measured]},
 * {@code soak [connections] [turns] [steady turns]}, {@code rollout [--quick]} or {@code drive}.
 */
public final class Benchmarks {

    private Benchmarks() {}

    public static void main(String[] args) throws Exception {
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (args.length == 0 ? "turn-overhead" : args[0]) {
            case "turn-overhead" -> TurnOverheadBenchmark.main(rest);
            case "soak" -> SoakBenchmark.main(rest);
            case "drive" -> LoopDriver.main(rest);
            case "rollout" -> RolloutBenchmark.main(rest);
            default ->
                throw new IllegalArgumentException(
                        "Unknown command '" + args[0] + "': turn-overhead, soak, rollout or drive");
        }
    }
}
