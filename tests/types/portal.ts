// Compiled with `tsc --strict --noEmit` by tests/portal.test.mjs: a portal that already
// uses MSAL passes its own PublicClientApplication (MSAL's types), and the options that
// would configure MSAL are refused beside it.
import { PublicClientApplication, type AccountInfo } from "@azure/msal-browser";
import { createSyncClient } from "autopilot-sync";
import { createMsalTokenProvider, type MsalTokenProvider } from "autopilot-sync/msal";

export async function portal(pca: PublicClientApplication, account: AccountInfo): Promise<MsalTokenProvider> {
  const provider = await createMsalTokenProvider({ instance: pca });
  await createMsalTokenProvider({ instance: pca, account, handleRedirect: true, interaction: "redirect", cloud: "usGov" });
  // @ts-expect-error the instance's own configuration applies: no clientId beside it
  await createMsalTokenProvider({ instance: pca, clientId: "x" });
  // @ts-expect-error nor a cache choice
  await createMsalTokenProvider({ instance: pca, cacheLocation: "memory" });
  // @ts-expect-error handleRedirect is a boolean
  await createMsalTokenProvider({ instance: pca, handleRedirect: "yes" });
  // @ts-expect-error an instance is MSAL's, not any object
  await createMsalTokenProvider({ instance: {} });
  // Building one still takes the build options.
  await createMsalTokenProvider({ clientId: "x", cacheLocation: "memory" });
  createSyncClient({ getToken: provider.getToken });
  return provider;
}
