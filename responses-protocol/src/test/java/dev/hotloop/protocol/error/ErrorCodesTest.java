package dev.hotloop.protocol.error;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.core.JsonValue;
import com.openai.models.responses.ResponseError;
import com.openai.models.responses.ResponseSteerErrorCode;
import com.openai.models.responses.ResponseSteerFailedEvent;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorCodesTest {

    @Test
    void failedResponseCodesAreTheOnesOpenAisSdkKnows() {
        for (String code :
                List.of(ErrorCodes.SERVER_ERROR, ErrorCodes.RATE_LIMIT_EXCEEDED, ErrorCodes.INVALID_PROMPT)) {
            assertThat(ResponseError.Code.of(code).value()).as(code).isNotEqualTo(ResponseError.Code.Value._UNKNOWN);
        }
    }

    @Test
    void responseNotFoundIsOpenAisCode() {
        assertThat(ResponseSteerErrorCode.of(ErrorCodes.RESPONSE_NOT_FOUND).value())
                .isEqualTo(ResponseSteerErrorCode.Value.RESPONSE_NOT_FOUND);
    }

    @Test
    void invalidRequestIsOpenAisErrorType() {
        ResponseSteerFailedEvent.Error error = ResponseSteerFailedEvent.Error.builder()
                .code(ResponseSteerErrorCode.RESPONSE_NOT_FOUND)
                .message("m")
                .build();
        assertThat(error._type()).isEqualTo(JsonValue.from(ErrorTypes.INVALID_REQUEST));
    }

    @Test
    void codesOpenAiDocumentsOnlyInProseAreSpelledAsThere() {
        // OpenAPI Error.type: "e.g. invalid_request_error, server_error"
        assertThat(ErrorTypes.SERVER).isEqualTo("server_error");
        // WebSocket mode guide and its OpenAPI error example
        assertThat(ErrorCodes.WEBSOCKET_CONNECTION_LIMIT_REACHED).isEqualTo("websocket_connection_limit_reached");
        assertThat(ErrorCodes.WEBSOCKET_STREAM_LIMIT_REACHED).isEqualTo("websocket_stream_limit_reached");
        // conversation state guide: a missing previous_response_id
        assertThat(ErrorCodes.PREVIOUS_RESPONSE_NOT_FOUND).isEqualTo("previous_response_not_found");
    }

    @Test
    void everyCodeIsItsConstantsNameInSnakeCaseAndDefinedOnce() throws IllegalAccessException {
        List<Field> constants = Arrays.stream(ErrorCodes.class.getDeclaredFields())
                .filter(field -> Modifier.isStatic(field.getModifiers()))
                .toList();
        List<Object> codes = new java.util.ArrayList<>();
        for (Field constant : constants) {
            Object code = constant.get(null);
            assertThat(code).isEqualTo(constant.getName().toLowerCase());
            codes.add(code);
        }
        assertThat(codes).hasSizeGreaterThan(30).doesNotHaveDuplicates();
    }
}
