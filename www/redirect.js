// Sign-in redirect target (the default redirectUri): hands MSAL's answer back to the page
// that opened the popup or iframe, or returns to it after a full-page redirect.
import { broadcastResponseToMainFrame } from "@azure/msal-browser/redirect-bridge";

broadcastResponseToMainFrame().catch((e) => {
  const status = document.getElementById("redirect-status");
  status.textContent = `Sign-in could not be completed (${e?.errorCode ?? e?.name ?? "error"}). Close this window and try again from the Autopilot sync page.`;
});
