package dev.hotloop.simulator.reply;

import static dev.hotloop.simulator.ModelRequests.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.MissingNode;

class ArgumentsGeneratorTest {

    @Test
    void everyPropertyGetsAnExampleOfItsTypeInSchemaOrder() {
        String schema = """
                {"type":"object","properties":{
                  "city":{"type":"string"},
                  "unit":{"type":"string","enum":["celsius","fahrenheit"]},
                  "days":{"type":"integer"},
                  "threshold":{"type":"number"},
                  "alerts":{"type":"boolean"},
                  "tags":{"type":"array","items":{"type":"string"}},
                  "where":{"type":"object","properties":{"lat":{"type":"number"},"exact":{"const":"yes"}}},
                  "nothing":{"type":"null"}
                },"required":["city"]}""";

        assertThat(ArgumentsGenerator.argumentsFor(json(schema))).isEqualTo("""
                {"city":"example","unit":"celsius","days":1,"threshold":1.0,"alerts":true,"tags":["example"],\
                "where":{"lat":1.0,"exact":"yes"},"nothing":null}""");
    }

    @Test
    void numbersRespectTheirBounds() {
        String schema = """
                {"type":"object","properties":{
                  "page":{"type":"integer","minimum":3},
                  "offset":{"type":"integer","minimum":-5,"maximum":0},
                  "ratio":{"type":"number","minimum":0.25,"maximum":0.5},
                  "count":{"type":"integer","minimum":1.5}
                }}""";

        assertThat(ArgumentsGenerator.argumentsFor(json(schema)))
                .isEqualTo("{\"page\":3,\"offset\":0,\"ratio\":0.5,\"count\":2}");
    }

    @Test
    void unionsTakeTheirFirstNonNullAlternative() {
        String schema = """
                {"type":"object","properties":{
                  "nullable":{"type":["null","integer"]},
                  "either":{"anyOf":[{"type":"null"},{"type":"boolean"}]},
                  "one":{"oneOf":[{"type":"array","items":{"type":"integer"}},{"type":"string"}]}
                }}""";

        assertThat(ArgumentsGenerator.argumentsFor(json(schema)))
                .isEqualTo("{\"nullable\":1,\"either\":true,\"one\":[1]}");
    }

    @Test
    void untypedSchemasAreReadFromTheirKeywords() {
        String schema = """
                {"properties":{"nested":{"properties":{"x":{}}},"list":{"items":{"type":"integer"}},"free":{}}}""";

        assertThat(ArgumentsGenerator.argumentsFor(json(schema)))
                .isEqualTo("{\"nested\":{\"x\":\"example\"},\"list\":[1],\"free\":\"example\"}");
    }

    @Test
    void noSchemaMeansNoArguments() {
        assertThat(ArgumentsGenerator.argumentsFor(MissingNode.getInstance())).isEqualTo("{}");
        assertThat(ArgumentsGenerator.argumentsFor(json("{\"type\":\"object\"}")))
                .isEqualTo("{}");
    }
}
