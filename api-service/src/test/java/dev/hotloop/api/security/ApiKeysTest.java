package dev.hotloop.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotloop.api.config.SecurityProperties;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    @Test
    void mapsEachKeyToItsTenant() {
        ApiKeys keys = new ApiKeys(new SecurityProperties(List.of("acme:sk-1", "beta.eu:sk-2")));

        assertThat(keys.tenantOf("sk-1")).contains("acme");
        assertThat(keys.tenantOf("sk-2")).contains("beta.eu");
        assertThat(keys.tenantOf("sk-3")).isEmpty();
    }

    @Test
    void aTenantTheWorkspacesWouldRefuseStopsTheStartUp() {
        // '.acme' once passed here, stored responses, and then had every hosted tool call refused with a 400
        assertThatThrownBy(() -> new ApiKeys(new SecurityProperties(List.of(".acme:sk-1"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(".acme")
                .hasMessageContaining("not starting with a dot");
        assertThatThrownBy(() -> new ApiKeys(new SecurityProperties(List.of("..:sk-1"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void malformedEntriesStopTheStartUp() {
        assertThatThrownBy(() -> new ApiKeys(new SecurityProperties(List.of("acme"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ApiKeys(new SecurityProperties(List.of("acme:"))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
