/**
 * The admin port: Prometheus metrics and HTTP probes. Values are non-null unless documented otherwise.
 */
package dev.switchboard.extproc.admin;
