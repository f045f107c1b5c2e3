package dev.hotloop.toolrunner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotloop.testsupport.DocumentedSettings;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The README's settings table against the configuration metadata the build generated from the properties records. */
class DocumentedSettingsTest {

    @ParameterizedTest
    @ValueSource(strings = {"hotloop.tools."})
    void theReadmeDocumentsEverySettingWithItsDefault(String prefix) {
        assertThat(DocumentedSettings.inReadme(Path.of("README.md"), prefix))
                .as("the README's settings under %s (left) against %s", prefix, DocumentedSettings.METADATA)
                .isEqualTo(DocumentedSettings.inMetadata(DocumentedSettings.METADATA, prefix));
    }
}
