/**
 * {@code switchboard extproc}: an Envoy External Processing server that is an Endpoint Picker (Gateway API
 * Inference Extension) for the InferencePools of a configuration, and a body-based model router. Depends on
 * {@code picker}, {@code core} and {@code transport}, never on the gateway. Values are non-null unless documented
 * otherwise.
 */
package dev.switchboard.extproc;
