// Microsoft Entra ID's sign-in endpoints, answered in the browser (Playwright routing) so
// real MSAL.js runs offline: instance discovery, OpenID metadata, and an authorize
// endpoint that answers as Entra ID does when the user cancels (back to the redirect
// URI with error=access_denied, suberror=user_cancelled). Works for any login host.

/** Answers `route` (a request to a login host) for MSAL; `url` is its parsed URL. */
export function entraStub(route, url = new URL(route.request().url())) {
  const origin = url.origin;
  const tenant = url.pathname.split("/")[1];
  if (url.pathname.endsWith("/discovery/instance")) {
    return route.fulfill({ json: { tenant_discovery_endpoint: `${origin}/${tenant}/v2.0/.well-known/openid-configuration`, metadata: [{ preferred_network: url.hostname, preferred_cache: url.hostname, aliases: [url.hostname] }] } });
  }
  if (url.pathname.endsWith("/.well-known/openid-configuration")) {
    return route.fulfill({ json: {
      issuer: `${origin}/{tenantid}/v2.0`,
      authorization_endpoint: `${origin}/${tenant}/oauth2/v2.0/authorize`,
      token_endpoint: `${origin}/${tenant}/oauth2/v2.0/token`,
      end_session_endpoint: `${origin}/${tenant}/oauth2/v2.0/logout`,
      jwks_uri: `${origin}/${tenant}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
    } });
  }
  if (url.pathname.endsWith("/oauth2/v2.0/authorize")) {
    const back = new URL(url.searchParams.get("redirect_uri"));
    const answer = new URLSearchParams({ error: "access_denied", suberror: "user_cancelled", error_description: "AADSTS65004: User declined to consent.", state: url.searchParams.get("state") ?? "" });
    const location = url.searchParams.get("response_mode") === "query" ? `${back.href}?${answer}` : `${back.href}#${answer}`;
    return route.fulfill({ status: 302, headers: { location } });
  }
  return route.fulfill({ status: 404, body: "" });
}
