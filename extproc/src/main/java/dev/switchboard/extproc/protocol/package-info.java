/**
 * The Endpoint Picker Protocol on Envoy's ext_proc messages: names, reading Envoy's headers and metadata, and
 * building the responses Envoy expects. No state: the stream's state machine lives in {@code service}. Values
 * are non-null unless documented otherwise.
 */
package dev.switchboard.extproc.protocol;
