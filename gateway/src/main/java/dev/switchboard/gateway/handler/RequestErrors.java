package dev.switchboard.gateway.handler;

import dev.switchboard.core.error.ApiError;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Duration;

/** The errors the gateway answers itself while reading a request, in the OpenAI shape, with what to do about them. */
final class RequestErrors {
    private RequestErrors() {}

    static ApiError unknownPath(String path) {
        return ApiError.notFound("Unknown path " + path + "; Switchboard serves /v1/chat/completions, /v1/completions,"
                + " /v1/embeddings, /v1/responses and GET /v1/models.", "unknown_url");
    }

    static ApiError methodNotAllowed(HttpMethod method, Api api) {
        return new ApiError(405, ApiError.INVALID_REQUEST, "Method " + method + " is not allowed on " + api.path
                + "; use " + api.method + ".", null, "method_not_allowed");
    }

    static ApiError malformed(Throwable cause) {
        return ApiError.badRequest("Malformed HTTP request: " + cause.getMessage(), null);
    }

    static ApiError tooLarge(int max) {
        return new ApiError(413, ApiError.INVALID_REQUEST, "The request body is larger than this gateway's limit of "
                + max + " bytes.", null, "request_too_large");
    }

    static ApiError noBufferSpace(RequestBuffers full) {
        return new ApiError(503, ApiError.SERVICE_UNAVAILABLE, "The gateway is holding as many request bodies as it may ("
                + full.limit() + " bytes); retry shortly.", null, "gateway_buffers_full");
    }

    static ApiError receivedTooSlowly(Duration timeout) {
        return new ApiError(408, ApiError.INVALID_REQUEST, "The request was not received within "
                + timeout.toMillis() + " ms (requestReceivedTimeout); send the whole body without pausing.", null,
                "request_timeout");
    }

    static ApiError notJson(String why) {
        return ApiError.badRequest("The request body is not valid JSON: " + why, null);
    }

    static ApiError badModel(String problem) {
        return ApiError.badRequest("The request body's 'model' is " + problem
                + "; every request names the model to use, e.g. \"model\": \"gpt-4o-mini\".", "model");
    }

    static ApiError modelNotAHeaderValue(String why) {
        return ApiError.badRequest("The request body's 'model' cannot be passed on in the x-ai-eg-model header: "
                + why + "; a model name is printable text with no control characters and no leading space.", "model");
    }

    static ApiError badStream() {
        return ApiError.badRequest("'stream' must be true or false.", "stream");
    }

    /** A client that did not authenticate (401) or may not do this (403); the message says what to do. */
    static ApiError denied(int status, String message, String code) {
        return new ApiError(status, status == 401 ? ApiError.AUTHENTICATION : ApiError.PERMISSION, message, null, code);
    }

    static ApiError noRoute(String model) {
        return new ApiError(404, ApiError.NOT_FOUND, "The model `" + model + "` does not exist or no route serves it;"
                + " GET /v1/models lists the models this gateway serves.", "model", "model_not_found");
    }
}
