package dev.hotloop.api.transport.http;

import dev.hotloop.api.context.ContextItem;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.item.Item;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.util.MultiValueMap;

/**
 * One page of items in OpenAI's list shape: {@code GET /v1/responses/{id}/input_items} and the items of a
 * conversation, newest first unless {@code order=asc}, continuing after the item named by {@code after}.
 */
record ItemsPage(String object, List<Item> data, String firstId, String lastId, boolean hasMore) {

    record Query(int limit, boolean ascending, @Nullable String after) {

        static Query of(MultiValueMap<String, String> params) {
            String order = params.getFirst("order");
            if (order != null && !order.equals("asc") && !order.equals("desc")) {
                throw ApiException.invalidValue("order", order, List.of("asc", "desc"));
            }
            return new Query(limit(params.getFirst("limit")), "asc".equals(order), params.getFirst("after"));
        }

        private static int limit(@Nullable String value) {
            if (value == null) {
                return 20;
            }
            try {
                int limit = Integer.parseInt(value);
                if (limit >= 1 && limit <= 100) {
                    return limit;
                }
            } catch (NumberFormatException ignored) {
                // reported below with the range
            }
            throw ApiException.invalidRequest(
                    "limit",
                    ErrorCodes.INVALID_VALUE,
                    "Invalid 'limit': expected an integer between 1 and 100, but got '" + value + "'.");
        }
    }

    /**
     * A page of items the store paged. An empty page names its first and last ids "": the specification and the
     * SDKs require strings there (openai-java rejects a null even without response validation).
     */
    static ItemsPage of(List<Item> data, boolean hasMore) {
        return new ItemsPage(
                "list",
                data,
                data.isEmpty() ? "" : data.getFirst().id(),
                data.isEmpty() ? "" : data.getLast().id(),
                hasMore);
    }

    /** The page {@code query} asks for of a response's input items. */
    static ItemsPage of(List<ContextItem> input, Query query) {
        List<Item> ordered = new ArrayList<>(input.size());
        input.forEach(entry -> ordered.add(entry.item()));
        if (!query.ascending()) {
            java.util.Collections.reverse(ordered);
        }
        int start = 0;
        if (query.after() != null) {
            start = indexOf(ordered, query.after()) + 1;
            if (start == 0) {
                throw ApiException.invalidRequest(
                        "after",
                        ErrorCodes.INVALID_VALUE,
                        "Invalid 'after': no input item with id '" + query.after() + "' in this response.");
            }
        }
        int end = Math.min(ordered.size(), start + query.limit());
        return of(List.copyOf(ordered.subList(start, end)), end < ordered.size());
    }

    private static int indexOf(List<Item> items, String id) {
        for (int i = 0; i < items.size(); i++) {
            if (id.equals(items.get(i).id())) {
                return i;
            }
        }
        return -1;
    }
}
