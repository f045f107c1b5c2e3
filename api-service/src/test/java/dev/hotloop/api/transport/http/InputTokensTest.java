package dev.hotloop.api.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.RateLimitException;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.inputtokens.InputTokenCountParams;
import dev.hotloop.api.PlatformTest;
import dev.hotloop.api.SdkTools;
import dev.hotloop.api.limits.LimitedTenants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/responses/input_tokens} through the official client's {@code responses().inputTokens()}. */
class InputTokensTest extends PlatformTest {

    private OpenAIClient client;

    @BeforeEach
    void sdk() {
        client = client();
    }

    @Test
    void countsTheInputAsTheResponseCountsIt() {
        long counted = client.responses()
                .inputTokens()
                .count(InputTokenCountParams.builder()
                        .model(MODEL)
                        .instructions("Answer briefly.")
                        .addTool(SdkTools.function("get_weather", "city"))
                        .input("What is the weather in Paris today?")
                        .build())
                .inputTokens();

        Response response = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .instructions("Answer briefly.")
                        .addTool(SdkTools.function("get_weather", "city"))
                        .input("What is the weather in Paris today?")
                        .build());

        assertThat(counted).isPositive();
        assertThat(response.usage().orElseThrow().inputTokens()).isEqualTo(counted);
    }

    @Test
    void countsAContinuationWithItsWholeHistory() {
        Response first = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("Remember the number seven.")
                        .build());
        long alone = client.responses()
                .inputTokens()
                .count(InputTokenCountParams.builder()
                        .model(MODEL)
                        .input("Which number was it?")
                        .build())
                .inputTokens();

        long counted = client.responses()
                .inputTokens()
                .count(InputTokenCountParams.builder()
                        .model(MODEL)
                        .previousResponseId(first.id())
                        .input("Which number was it?")
                        .build())
                .inputTokens();
        Response second = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .previousResponseId(first.id())
                        .input("Which number was it?")
                        .build());

        assertThat(counted).isGreaterThan(alone);
        assertThat(second.usage().orElseThrow().inputTokens()).isEqualTo(counted);
    }

    @Test
    void refusesWhatCreateRefuses() {
        assertThatThrownBy(() -> client.responses()
                        .inputTokens()
                        .count(InputTokenCountParams.builder()
                                .model(MODEL)
                                .previousResponseId("resp_unknown")
                                .input("hello")
                                .build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("Previous response with id 'resp_unknown' not found.");
    }

    @Test
    void countsAgainstTheTenantsRequestsPerMinuteAsACall() {
        OpenAIClient limited = client(LimitedTenants.COUNTED_KEY);
        InputTokenCountParams params =
                InputTokenCountParams.builder().model(MODEL).input("hello").build();
        for (int call = 0; call < 2; call++) {
            assertThat(limited.responses().inputTokens().count(params).inputTokens())
                    .isPositive();
        }

        assertThatThrownBy(() -> limited.responses().inputTokens().count(params))
                .isInstanceOf(RateLimitException.class);
    }
}
