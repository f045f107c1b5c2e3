package dev.hotloop.benchmarks;

import java.util.Arrays;

/**
 * Entry point of the benchmarks jar: {@code turn-overhead [warm-up] [measured]},
 * {@code soak [connections] [turns] [steady turns]} or {@code drive}.
 */
public final class Benchmarks {

    private Benchmarks() {
    }

    public static void main(String[] args) throws Exception {
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (args.length == 0 ? "turn-overhead" : args[0]) {
            case "turn-overhead" -> TurnOverheadBenchmark.main(rest);
            case "soak" -> SoakBenchmark.main(rest);
            case "drive" -> LoopDriver.main(rest);
            default -> throw new IllegalArgumentException("Unknown command '" + args[0]
                    + "': turn-overhead, soak or drive");
        }
    }
}
