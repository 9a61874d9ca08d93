/**
 * The ext_proc service: one {@code ProcessingStream} per Envoy request, and the pieces it is made of (body
 * buffering and parsing, pool choice, the pool visit and its lease, the response relay). Values are non-null
 * unless a parameter or return says "or null".
 */
package dev.switchboard.extproc.service;
