/**
 * Code the built-in plugins share across their packages. Not an API: it may change or go away at any time.
 */
package dev.switchboard.picker.plugins.internal;
