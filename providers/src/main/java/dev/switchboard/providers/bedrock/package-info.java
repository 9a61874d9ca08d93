/**
 * Amazon Bedrock as a backend: the Converse and ConverseStream APIs ({@link
 * dev.switchboard.providers.bedrock.BedrockConverseCodec}), and the unwrapping of InvokeModelWithResponseStream's
 * chunks for Claude on Bedrock ({@link dev.switchboard.providers.bedrock.InvokeStreamUnwrapper}). Streams use the
 * binary framing of {@code dev.switchboard.providers.eventstream}. Values are non-null unless documented otherwise.
 */
package dev.switchboard.providers.bedrock;
