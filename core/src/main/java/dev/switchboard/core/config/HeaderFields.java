package dev.switchboard.core.config;

import dev.switchboard.core.http.HeaderValues;

/**
 * Reads configuration fields that end up in HTTP headers (header mutations, header match names, models the gateway
 * sends as {@code x-ai-eg-model}). Each is checked as the gateway's Netty headers will check it ({@link HeaderValues}),
 * so a value that cannot be sent is refused when the file loads, with its path, instead of failing every request it
 * applies to.
 */
final class HeaderFields {
    private HeaderFields() {}

    /** The header name at {@code field}: required, and an RFC 9110 token (Gateway API's HTTPHeaderName). */
    static String name(Fields f, String field) throws ConfigException {
        return checkName(f.string(field), f, field);
    }

    /** This list element as a header name. */
    static String name(Fields element) throws ConfigException {
        return checkName(element.text(), element, null);
    }

    /** The header value at {@code field}, {@code dflt} when absent. */
    static String value(Fields f, String field, String dflt) throws ConfigException {
        return checkValue(f.optionalString(field, dflt), f, field);
    }

    /** The required, non-empty header value at {@code field}. */
    static String value(Fields f, String field) throws ConfigException {
        return checkValue(f.string(field), f, field);
    }

    private static String checkName(String name, Fields f, String field) throws ConfigException {
        String why = HeaderValues.describeInvalidName(name);
        if (why != null) {
            String message = "not a valid header name: " + why;
            throw field == null ? f.error(message) : f.error(field, message);
        }
        return name;
    }

    private static String checkValue(String value, Fields f, String field) throws ConfigException {
        String why = value == null ? null : HeaderValues.describeInvalidValue(value);
        if (why != null) {
            throw f.error(field, "not a valid header value: " + why);
        }
        return value;
    }
}
