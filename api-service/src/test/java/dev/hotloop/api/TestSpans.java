package dev.hotloop.api;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import org.springframework.context.ConfigurableApplicationContext;

/** One in-memory span exporter shared by every service context of the test JVM, so a test sees whole traces. */
public final class TestSpans {

    public static final InMemorySpanExporter EXPORTER = InMemorySpanExporter.create();

    private TestSpans() {}

    /** Registers the shared exporter in a service's context before it starts (Boot's OpenTelemetry SDK picks it up). */
    public static void register(ConfigurableApplicationContext context) {
        context.getBeanFactory().registerSingleton("testSpanExporter", EXPORTER);
    }
}
