package dev.hotloop.benchmarks.rollout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNG plot of the p50 overhead above the floor against the history size, one line per mode. */
final class OverheadPlot {

    private OverheadPlot() {}

    /**
     * @param series per line name, the (history tokens, overhead p50 ms) points in history order
     */
    static void write(Path png, String title, Map<String, List<double[]>> series) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder()
                .width(900)
                .height(560)
                .title(title)
                .xAxisTitle("history (tokens)")
                .yAxisTitle("overhead above the floor, p50 (ms)")
                .build();
        chart.getStyler().setXAxisLogarithmic(true);
        series.forEach((name, points) -> chart.addSeries(
                        name,
                        points.stream().mapToDouble(point -> point[0]).toArray(),
                        points.stream().mapToDouble(point -> point[1]).toArray())
                .setMarker(SeriesMarkers.CIRCLE));
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
