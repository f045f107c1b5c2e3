package dev.hotloop.benchmarks.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CellResultTest {

    private static final long MS = 1_000_000;

    @Test
    void overheadIsPairedWithTheFloorByRolloutAndTurnIndex() {
        CellResult floor = result(Mode.FLOOR, List.of(10, 20), List.of(30, 40));
        CellResult webSocket = result(Mode.WEBSOCKET_STATELESS, List.of(11, 25), List.of(33, 40));

        assertThat(webSocket.overheadsMillis(floor)).containsExactly(1, 5, 3, 0);
        // medians are nearest-rank: the lower of two
        assertThat(webSocket.ratioToFloor(floor)).isEqualTo(73.0 / 70);
        assertThat(webSocket.p50Spread()).containsExactly(11, 11, 33);
    }

    @Test
    void cpuIsSummedPerProcessOverRolloutsAndSharedByTheirTurns() {
        CellResult result = new CellResult(Mode.HTTP_PREVIOUS);
        result.add(
                turns(List.of(1, 1)),
                Map.of("platform", 100 * MS, "platform/redis-server", 0L),
                Map.of("platform", 110 * MS, "platform/redis-server", 2 * MS));
        result.add(
                turns(List.of(1, 1)),
                Map.of("platform", 200 * MS, "platform/redis-server", 2 * MS),
                Map.of("platform", 230 * MS, "platform/redis-server", 4 * MS));

        assertThat(result.cpuMillisPerTurn())
                .containsEntry("platform", 10.0)
                .containsEntry("platform/redis-server", 1.0);
    }

    @Test
    void percentileIsTheNearestRankValue() {
        double[] values = {5, 1, 4, 2, 3};

        assertThat(CellResult.percentile(values, 50)).isEqualTo(3);
        assertThat(CellResult.percentile(values, 99)).isEqualTo(5);
        assertThat(CellResult.percentile(values, 0)).isEqualTo(1);
        assertThat(values).containsExactly(5, 1, 4, 2, 3);
    }

    private static CellResult result(Mode mode, List<Integer> first, List<Integer> second) {
        CellResult result = new CellResult(mode);
        result.add(turns(first), Map.of(), Map.of());
        result.add(turns(second), Map.of(), Map.of());
        return result;
    }

    private static List<Turn> turns(List<Integer> millis) {
        return millis.stream().map(ms -> new Turn(ms * MS, 100, 200)).toList();
    }
}
