// Comparator (b): the same POST through @microsoft/microsoft-graph-client 3.x with its
// default middleware (auth, retry: 429/503/504 three times, telemetry), the raw Response
// mapped exactly as comparator (a) maps it. Bundled by bench/run.mjs with esbuild.
import { Client, ResponseType } from "@microsoft/microsoft-graph-client";
import { mapResponse, noAnswer } from "./fetch-wrapper.js";

let client;
let currentToken;

/** Creates the client (the SDK's own set-up cost). */
export function ready() {
  client = Client.initWithMiddleware({
    authProvider: { getAccessToken: async () => currentToken },
    defaultVersion: "beta",
  });
  return Promise.resolve();
}

/**
 * One POST to https://graph.microsoft.com (the SDK attaches the token only to https Graph
 * hosts, so the bench redirects that origin to the simulator in-page when needed).
 */
export async function triggerSync(token) {
  currentToken = token;
  try {
    const res = await client
      .api("/deviceManagement/windowsAutopilotSettings/sync")
      .responseType(ResponseType.RAW)
      .post(undefined); // no body, as the action expects
    return await mapResponse(res);
  } catch {
    return noAnswer(false, null);
  }
}
