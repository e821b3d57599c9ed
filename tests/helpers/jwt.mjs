// Unsigned JWT-shaped access tokens for tests (the package decodes, never verifies, them).
const b64url = (s) => Buffer.from(s).toString("base64url");

/** A token whose payload is `claims`; the signature part is a fixed marker tests look for. */
export function jwt(claims, signature = "U0lHTkFUVVJFLXNlY3JldA") {
  return `${b64url(JSON.stringify({ alg: "RS256", typ: "JWT" }))}.${b64url(JSON.stringify(claims))}.${signature}`;
}

/** Seconds since the epoch, `offsetS` from `now` (ms). */
export const epoch = (now, offsetS = 0) => Math.floor(now / 1000) + offsetS;

export const TEST_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
export const SYNC_PERMISSION = "DeviceManagementServiceConfig.ReadWrite.All";
export const READ_PERMISSION = "DeviceManagementServiceConfig.Read.All";

/**
 * The claims of a delegated Graph token (global cloud) with the sync permission, issued
 * 10 minutes before `now` (ms) and valid for `lifetimeS` seconds from `now`; `extra`
 * overrides or adds claims (`undefined` drops one).
 */
export const delegatedClaims = (now, extra = {}, lifetimeS = 3000) => ({
  aud: "https://graph.microsoft.com",
  iss: `https://sts.windows.net/${TEST_TENANT}/`,
  tid: TEST_TENANT,
  upn: "admin@contoso.com",
  appid: "0f3c1c9e-1111-4222-8333-444455556666",
  idtyp: "user",
  scp: `${SYNC_PERMISSION} User.Read`,
  iat: epoch(now, -600),
  nbf: epoch(now, -600),
  exp: epoch(now, lifetimeS),
  ...extra,
});
