// Unsigned JWT-shaped access tokens for tests (the package decodes, never verifies, them).
const b64url = (s) => Buffer.from(s).toString("base64url");

/** A token whose payload is `claims`; the signature part is a fixed marker tests look for. */
export function jwt(claims, signature = "U0lHTkFUVVJFLXNlY3JldA") {
  return `${b64url(JSON.stringify({ alg: "RS256", typ: "JWT" }))}.${b64url(JSON.stringify(claims))}.${signature}`;
}

/** Seconds since the epoch, `offsetS` from `now` (ms). */
export const epoch = (now, offsetS = 0) => Math.floor(now / 1000) + offsetS;
