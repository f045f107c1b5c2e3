package dev.hotloop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The dashboards and alert rules in files/: well-formed, documented, and shipped unchanged by the chart. */
class ObservabilityFilesTest {

    private static final String RUNBOOKS = "https://github.com/hotloop/hotloop/blob/main/docs/runbooks.md";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void everyAlertHasASeverityADurationAndARunbookSection() {
        String runbooks = HotloopChart.read(HotloopChart.ROOT.resolve("docs/runbooks.md"));
        List<JsonNode> rules = rules(ScenarioValues.YAML.readTree(HotloopChart.read(HotloopChart.ALERTS)));

        assertThat(rules)
                .extracting(rule -> rule.get("alert").asString())
                .contains(
                        "HotloopApiOverheadHigh",
                        "HotloopErrorRateHigh",
                        "HotloopCacheHitRateDrop",
                        "HotloopCircuitBreakerOpen",
                        "HotloopRedisLatencyHigh");
        assertThat(rules).allSatisfy(rule -> {
            String alert = rule.get("alert").asString();
            assertThat(rule.at("/labels/severity").asString()).as(alert).isIn("warning", "critical");
            assertThat(rule.get("for").asString()).as(alert).matches("[0-9]+[smh]");
            assertThat(rule.at("/annotations/summary").asString()).as(alert).isNotBlank();
            assertThat(rule.at("/annotations/description").asString()).as(alert).isNotBlank();
            String runbook = rule.at("/annotations/runbook_url").asString();
            assertThat(runbook).as(alert).startsWith(RUNBOOKS + "#");
            String anchor = runbook.substring(runbook.indexOf('#') + 1);
            assertThat(runbooks.lines()
                            .filter(line -> line.startsWith("## "))
                            .map(line -> line.substring(3).strip().toLowerCase()))
                    .as("runbook section of %s", alert)
                    .contains(anchor);
        });
    }

    @Test
    void prometheusRuleCarriesTheRuleFileWithTheConfiguredRunbookUrl() {
        Rendered chart = HotloopChart.render(Map.of(
                "monitoring.prometheusRule.enabled", true, "monitoring.runbookUrl", "https://wiki.example/runbooks"));

        JsonNode spec = Rendered.tree(chart.all("PrometheusRule").getFirst()).get("spec");
        JsonNode expected = ScenarioValues.YAML.readTree(
                HotloopChart.read(HotloopChart.ALERTS).replace(RUNBOOKS, "https://wiki.example/runbooks"));
        assertThat(spec).isEqualTo(expected);
    }

    @Test
    void rulesConfigMapCarriesTheRuleFileAsItIs() {
        Rendered chart = HotloopChart.render(Map.of());

        assertThat(chart.configMap("hotloop-alert-rules").getData().get("hotloop-alerts.yaml"))
                .isEqualTo(HotloopChart.read(HotloopChart.ALERTS).stripTrailing());
    }

    @Test
    void dashboardsUseTheDatasourceVariableEverywhere() throws IOException {
        Set<String> uids = new HashSet<>();
        for (Path file : dashboardFiles()) {
            JsonNode dashboard = JSON.readTree(Files.readString(file));
            String name = file.getFileName().toString();
            assertThat(uids.add(dashboard.get("uid").asString()))
                    .as("unique uid of %s", name)
                    .isTrue();
            assertThat(dashboard.get("title").asString()).as(name).startsWith("hotloop / ");
            assertThat(dashboard.at("/templating/list"))
                    .as(name)
                    .anySatisfy(variable ->
                            assertThat(variable.get("type").asString()).isEqualTo("datasource"));
            List<JsonNode> panels = panels(dashboard);
            assertThat(panels).as(name).isNotEmpty().allSatisfy(panel -> {
                String title = name + " / " + panel.get("title").asString();
                assertThat(panel.at("/datasource/uid").asString()).as(title).isEqualTo("${datasource}");
                assertThat(panel.at("/gridPos/x").asInt()
                                + panel.at("/gridPos/w").asInt())
                        .as(title)
                        .isLessThanOrEqualTo(24);
                assertThat(panel.get("targets")).as(title).isNotEmpty().allSatisfy(target -> {
                    assertThat(target.at("/datasource/uid").asString()).isEqualTo("${datasource}");
                    assertThat(target.get("expr").asString()).isNotBlank();
                });
            });
        }
        assertThat(uids)
                .contains("hotloop-overview", "hotloop-agent-loop", "hotloop-session-service", "hotloop-tool-runner");
    }

    @Test
    void observabilityDirectoryPointsAtTheChartFiles() throws IOException {
        Path observability = HotloopChart.ROOT.resolve("observability");

        assertThat(Files.isSameFile(observability.resolve("dashboards"), HotloopChart.DASHBOARDS))
                .isTrue();
        assertThat(Files.isSameFile(observability.resolve("alerts/hotloop-alerts.yaml"), HotloopChart.ALERTS))
                .isTrue();
        assertThat(observability.resolve("check")).isExecutable();
    }

    private static List<JsonNode> rules(JsonNode file) {
        List<JsonNode> rules = new ArrayList<>();
        file.get("groups").forEach(group -> group.get("rules").forEach(rules::add));
        return rules;
    }

    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        dashboard.get("panels").forEach(panel -> {
            if (!"row".equals(panel.get("type").asString())) {
                panels.add(panel);
            }
            if (panel.has("panels")) {
                panel.get("panels").forEach(panels::add);
            }
        });
        return panels;
    }

    private static List<Path> dashboardFiles() throws IOException {
        try (Stream<Path> files = Files.list(HotloopChart.DASHBOARDS)) {
            return files.sorted().toList();
        }
    }
}
