/**
 * AWS's binary event-stream framing ({@code application/vnd.amazon.eventstream}), the body of Bedrock's
 * ConverseStream and InvokeModelWithResponseStream: a decoder fed chunks split anywhere, and an encoder for the
 * simulator's Bedrock personality and tests. Written by hand (no AWS SDK on the hot path). Values are non-null unless
 * documented otherwise.
 */
package dev.switchboard.providers.eventstream;
