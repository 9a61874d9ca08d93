/**
 * Backend credentials at run time (the data side of {@code BackendSecurityPolicy}): a {@link
 * dev.switchboard.providers.credentials.Credential} adds what one attempt's request needs (an API key header, a
 * SigV4 signature, a bearer token) to a plain {@link dev.switchboard.providers.credentials.SignableRequest}. Token
 * credentials are fetched and refreshed in the background on an executor the caller owns, so {@code apply} never
 * blocks. Secrets are held as {@link dev.switchboard.providers.credentials.Secret}, whose {@code toString} is
 * redacted, and never appear in a log line or an exception message. Values are non-null unless documented otherwise.
 */
package dev.switchboard.providers.credentials;
