package dev.hotloop.api.limits;

/**
 * Tenants of {@link dev.hotloop.api.PlatformTest}'s shared context with low limits, each used by one test only (their
 * buckets live as long as the test JVM's Redis).
 */
public final class LimitedTenants {

    public static final String API_KEYS = "rpm:sk-rpm-test-key,solo:sk-solo-test-key,metered:sk-metered-test-key,"
            + "noisy:sk-noisy-test-key," + "counted:sk-counted-test-key," + "serial:sk-serial-test-key";
    public static final String RPM = "hotloop.api.limits.tenants.rpm.requests-per-minute=3";
    public static final String SOLO = "hotloop.api.limits.tenants.solo.websocket-connections=1";
    public static final String METERED = "hotloop.api.limits.tenants.metered.tokens-per-minute=1000";
    public static final String NOISY_RPM = "hotloop.api.limits.tenants.noisy.requests-per-minute=120";
    public static final String NOISY_TPM = "hotloop.api.limits.tenants.noisy.tokens-per-minute=20000";
    public static final String NOISY_RESPONSES = "hotloop.api.limits.tenants.noisy.concurrent-responses=2";
    public static final String COUNTED_RPM = "hotloop.api.limits.tenants.counted.requests-per-minute=2";
    public static final String SERIAL_RESPONSES = "hotloop.api.limits.tenants.serial.concurrent-responses=1";
    /** Limits shared through Redis even on a loaded machine (deciding locally is {@link TenantLimiterTest}'s). */
    public static final String REDIS_DECIDES = "hotloop.api.limits.redis-timeout=10s";

    static final String RPM_KEY = "sk-rpm-test-key";
    static final String SOLO_KEY = "sk-solo-test-key";
    static final String METERED_KEY = "sk-metered-test-key";
    static final String NOISY_KEY = "sk-noisy-test-key";
    public static final String COUNTED_KEY = "sk-counted-test-key";
    static final String SERIAL_KEY = "sk-serial-test-key";

    private LimitedTenants() {}
}
