package dev.hotloop.simulator.reply;

import static dev.hotloop.simulator.ModelRequests.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.MissingNode;

class ArgumentsGeneratorTest {

    @Test
    void requiredPropertiesGetAnExampleOfTheirTypeInSchemaOrder() {
        String schema = """
                {"type":"object","properties":{
                  "city":{"type":"string"},
                  "unit":{"type":"string","enum":["celsius","fahrenheit"]},
                  "days":{"type":"integer"},
                  "threshold":{"type":"number"},
                  "alerts":{"type":"boolean"},
                  "tags":{"type":"array","items":{"type":"string"}},
                  "where":{"type":"object","properties":{"lat":{"type":"number"},"exact":{"const":"yes"}},
                           "required":["lat","exact"]},
                  "nothing":{"type":"null"}
                },"required":["city","unit","days","threshold","alerts","tags","where","nothing"]}""";

        assertThat(ArgumentsGenerator.argumentsFor(json(schema))).isEqualTo("""
                {"city":"example","unit":"celsius","days":1,"threshold":1,"alerts":true,"tags":["example"],\
                "where":{"lat":1,"exact":"yes"},"nothing":null}""");
    }

    @Test
    void optionalPropertiesAreLeftOut() {
        String schema = """
                {"type":"object","properties":{
                  "cmd":{"type":"string"},
                  "workdir":{"type":"string"},
                  "login":{"type":"boolean"},
                  "options":{"type":"object","properties":{"depth":{"type":"integer"},"mode":{"type":"string"}},
                             "required":["mode"]}
                },"required":["options","cmd"]}""";

        assertThat(ArgumentsGenerator.argumentsFor(json(schema)))
                .isEqualTo("{\"cmd\":\"example\",\"options\":{\"mode\":\"example\"}}");
    }

    @Test
    void numbersAreIntegersWithinTheirBoundsWheneverOneFits() {
        String schema = """
                {"type":"object","properties":{
                  "page":{"type":"integer","minimum":3},
                  "offset":{"type":"integer","minimum":-5,"maximum":0},
                  "ratio":{"type":"number","minimum":0.25,"maximum":0.5},
                  "count":{"type":"integer","minimum":1.5},
                  "timeout":{"type":"number","minimum":0.5},
                  "above":{"type":"integer","exclusiveMinimum":1},
                  "below":{"type":"number","exclusiveMaximum":1}
                },"required":["page","offset","ratio","count","timeout","above","below"]}""";

        assertThat(ArgumentsGenerator.argumentsFor(json(schema)))
                .isEqualTo("{\"page\":3,\"offset\":0,\"ratio\":0.375,\"count\":2,\"timeout\":1,\"above\":2,"
                        + "\"below\":0}");
    }

    @Test
    void stringsFitTheirFormatAndLength() {
        String schema = """
                {"type":"object","properties":{
                  "when":{"type":"string","format":"date-time"},
                  "day":{"type":"string","format":"date"},
                  "mail":{"type":"string","format":"email"},
                  "link":{"type":"string","format":"uri"},
                  "id":{"type":"string","format":"uuid"},
                  "code":{"type":"string","minLength":10},
                  "tag":{"type":"string","maxLength":3}
                },"required":["when","day","mail","link","id","code","tag"]}""";

        assertThat(ArgumentsGenerator.argumentsFor(json(schema)))
                .isEqualTo("{\"when\":\"2026-01-01T00:00:00Z\",\"day\":\"2026-01-01\",\"mail\":\"user@example.com\","
                        + "\"link\":\"https://example.com/\",\"id\":\"00000000-0000-4000-8000-000000000000\","
                        + "\"code\":\"examplexxx\",\"tag\":\"exa\"}");
    }

    @Test
    void unionsTakeTheirFirstNonNullAlternative() {
        String schema = """
                {"type":"object","properties":{
                  "nullable":{"type":["null","integer"]},
                  "either":{"anyOf":[{"type":"null"},{"type":"boolean"}]},
                  "one":{"oneOf":[{"type":"array","items":{"type":"integer"}},{"type":"string"}]}
                },"required":["nullable","either","one"]}""";

        assertThat(ArgumentsGenerator.argumentsFor(json(schema)))
                .isEqualTo("{\"nullable\":1,\"either\":true,\"one\":[1]}");
    }

    @Test
    void untypedSchemasAreReadFromTheirKeywords() {
        String schema = """
                {"properties":{"nested":{"properties":{"x":{}},"required":["x"]},"list":{"items":{"type":"integer"}},
                 "free":{}},"required":["nested","list","free"]}""";

        assertThat(ArgumentsGenerator.argumentsFor(json(schema)))
                .isEqualTo("{\"nested\":{\"x\":\"example\"},\"list\":[1],\"free\":\"example\"}");
    }

    @Test
    void noSchemaOrNothingRequiredMeansNoArguments() {
        assertThat(ArgumentsGenerator.argumentsFor(MissingNode.getInstance())).isEqualTo("{}");
        assertThat(ArgumentsGenerator.argumentsFor(json("{\"type\":\"object\"}")))
                .isEqualTo("{}");
        assertThat(ArgumentsGenerator.argumentsFor(json("{\"type\":\"object\",\"properties\":{\"a\":{}}}")))
                .isEqualTo("{}");
    }
}
