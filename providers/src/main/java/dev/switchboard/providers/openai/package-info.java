/**
 * OpenAI's Chat Completions wire format: {@link dev.switchboard.providers.openai.OpenAiChatCodec} and the readers and
 * writers it is made of. Values are non-null unless documented otherwise.
 */
package dev.switchboard.providers.openai;
