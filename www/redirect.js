// The redirect bridge: the default redirectUri and postLogoutRedirectUri. Hands MSAL's
// answer back to the page that opened the popup or iframe, or, after a full-page sign-in
// or sign-out, returns to the page that started it (the address MSAL and, for sign-out,
// the provider left in sessionStorage), also when the page lives under a sub-path.
import { broadcastResponseToMainFrame } from "@azure/msal-browser/redirect-bridge";

broadcastResponseToMainFrame().catch((e) => {
  const status = document.getElementById("redirect-status");
  status.textContent = `Sign-in or sign-out could not be completed (${e?.errorCode ?? e?.name ?? "error"}). Close this window and try again from the Autopilot sync page.`;
});
