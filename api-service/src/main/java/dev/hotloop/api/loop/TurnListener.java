package dev.hotloop.api.loop;

import dev.hotloop.api.context.Conversation;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.response.Response;

/** Hears how a turn ended, before its terminal event is emitted (so a cache is current when the client reacts). */
public interface TurnListener {

    TurnListener NONE = new TurnListener() {};

    /** The response completed or is incomplete; {@code after} is the conversation to continue from. */
    default void finished(Turn turn, Response response, Conversation after) {}

    /** The response failed; {@code cause} is what a caller that cannot see the failed response should get. */
    default void failed(Turn turn, ApiException cause) {}
}
