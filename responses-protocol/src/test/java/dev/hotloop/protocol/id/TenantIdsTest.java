package dev.hotloop.protocol.id;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TenantIdsTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "acme",
                "a",
                "A-Z_0.9",
                "acme.",
                "a..b",
                "-acme",
                "_acme",
                "0",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            })
    void accepts(String tenant) {
        assertThat(TenantIds.isValid(tenant)).isTrue();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                ".",
                "..",
                ".acme",
                ".trash",
                "a/b",
                "../x",
                "a:b",
                "a b",
                "é",
                "acme\n",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            })
    void refuses(String tenant) {
        assertThat(TenantIds.isValid(tenant)).isFalse();
    }
}
