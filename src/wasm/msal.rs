//! MSAL.js (`@azure/msal-browser` 5) bound through wasm-bindgen: private raw externs,
//! a typed wrapper, and the `createMsalTokenProvider` object built on it. The MSAL module
//! namespace is handed in by the `autopilot-sync/msal` entry, so the core entry never
//! imports MSAL.

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;

use super::error::sync_error;
use super::object::{async_method, get, obj, set};
use super::options::{check_keys, string_opt};
use crate::model::{
    authority_for, check_authority, check_client_id, check_interaction, check_tenant,
    error_code_for, is_configuration_error, is_interaction_required, message_for,
    misconfiguration_message,
};
use crate::model::{wrong_type, Cloud, UsageError};

/// The raw bindings: private, one line per MSAL method used. Every method is `catch`, so
/// an MSAL exception becomes a `Result`, never an unwinding through wasm.
mod raw {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// `PublicClientApplication` instance.
        pub type Pca;

        #[wasm_bindgen(method, catch)]
        pub async fn initialize(this: &Pca) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(method, catch, js_name = handleRedirectPromise)]
        pub async fn handle_redirect_promise(this: &Pca) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(method, catch, js_name = loginPopup)]
        pub async fn login_popup(this: &Pca, request: &JsValue) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(method, catch, js_name = loginRedirect)]
        pub async fn login_redirect(this: &Pca, request: &JsValue) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(method, catch, js_name = acquireTokenSilent)]
        pub async fn acquire_token_silent(
            this: &Pca,
            request: &JsValue,
        ) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(method, catch, js_name = acquireTokenPopup)]
        pub async fn acquire_token_popup(this: &Pca, request: &JsValue)
            -> Result<JsValue, JsValue>;
        #[wasm_bindgen(method, catch, js_name = acquireTokenRedirect)]
        pub async fn acquire_token_redirect(
            this: &Pca,
            request: &JsValue,
        ) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(method, catch, js_name = logoutPopup)]
        pub async fn logout_popup(this: &Pca, request: &JsValue) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(method, catch, js_name = logoutRedirect)]
        pub async fn logout_redirect(this: &Pca, request: &JsValue) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(method, catch, js_name = clearCache)]
        pub async fn clear_cache(this: &Pca, request: &JsValue) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(method, catch, js_name = getAllAccounts)]
        pub fn get_all_accounts(this: &Pca) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(method, catch, js_name = getActiveAccount)]
        pub fn get_active_account(this: &Pca) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(method, catch, js_name = setActiveAccount)]
        pub fn set_active_account(this: &Pca, account: &JsValue) -> Result<JsValue, JsValue>;
    }
}

/// Option names of `createMsalTokenProvider`.
const KEYS: [&str; 9] = [
    "cacheLocation",
    "clientId",
    "tenantId",
    "cloud",
    "redirectUri",
    "interaction",
    "authority",
    "knownAuthorities",
    "protocolMode",
];

/// An MSAL error as our `SyncError`, MSAL's `errorCode` kept and the original as `cause`.
/// A configuration failure says what in the options likely caused it (`misconfiguration`).
fn sign_in_error(e: JsValue, misconfiguration: Option<&str>) -> JsValue {
    let msal_code = get(&e, "errorCode").as_string().unwrap_or_default();
    let code = error_code_for(&msal_code);
    let code_ref = (!msal_code.is_empty()).then_some(msal_code.as_str());
    let message = match misconfiguration {
        Some(m) if is_configuration_error(&msal_code) => m,
        _ => message_for(code),
    };
    sync_error(code, message, Some(&e), code_ref)
}

/// The provider's state: one `PublicClientApplication` and the request scopes.
struct Provider {
    pca: raw::Pca,
    scopes: JsValue,
    popup: bool,
    /// The message for a configuration failure, when the authority is not Microsoft's.
    misconfiguration: Option<String>,
}

impl Provider {
    fn error(&self, e: JsValue) -> JsValue {
        sign_in_error(e, self.misconfiguration.as_deref())
    }

    fn active_account(&self) -> JsValue {
        let a = self.pca.get_active_account().unwrap_or(JsValue::NULL);
        if !a.is_null() && !a.is_undefined() {
            return a;
        }
        // After a reload MSAL knows the accounts but not which one is active.
        let first = self
            .pca
            .get_all_accounts()
            .ok()
            .map(|all| Array::from(&all).get(0))
            .unwrap_or(JsValue::UNDEFINED);
        if first.is_undefined() {
            return JsValue::NULL;
        }
        let _ = self.pca.set_active_account(&first);
        first
    }

    /// `{ username, name, tenantId }` of the active account, or null.
    fn account_summary(&self) -> JsValue {
        let a = self.active_account();
        if a.is_null() {
            return JsValue::NULL;
        }
        let name = get(&a, "name");
        obj(&[
            ("username", &get(&a, "username")),
            (
                "name",
                &if name.is_undefined() {
                    JsValue::NULL
                } else {
                    name
                },
            ),
            ("tenantId", &get(&a, "tenantId")),
        ])
    }

    fn remember(&self, result: &JsValue) {
        let account = get(result, "account");
        if account.is_object() {
            let _ = self.pca.set_active_account(&account);
        }
    }

    async fn sign_in(&self) -> Result<JsValue, JsValue> {
        let request = obj(&[("scopes", &self.scopes)]);
        if self.popup {
            let r = self
                .pca
                .login_popup(&request)
                .await
                .map_err(|e| self.error(e))?;
            self.remember(&r);
        } else {
            self.pca
                .login_redirect(&request)
                .await
                .map_err(|e| self.error(e))?;
        }
        Ok(self.account_summary())
    }

    async fn interactive_token(&self, account: &JsValue) -> Result<JsValue, JsValue> {
        let request = if account.is_null() {
            obj(&[("scopes", &self.scopes)])
        } else {
            obj(&[("scopes", &self.scopes), ("account", account)])
        };
        if self.popup {
            let r = self
                .pca
                .acquire_token_popup(&request)
                .await
                .map_err(|e| self.error(e))?;
            self.remember(&r);
            Ok(get(&r, "accessToken"))
        } else {
            self.pca
                .acquire_token_redirect(&request)
                .await
                .map_err(|e| self.error(e))?;
            // The page is navigating to the sign-in page: nothing to resolve with.
            Ok(wasm_bindgen_futures::JsFuture::from(Promise::new(&mut |_, _| {})).await?)
        }
    }

    /// Silent first; interaction only when MSAL says it is required (or no account yet).
    async fn token(&self, force_refresh: bool) -> Result<JsValue, JsValue> {
        let account = self.active_account();
        if account.is_null() {
            return self.interactive_token(&account).await;
        }
        let request = obj(&[
            ("scopes", &self.scopes),
            ("account", &account),
            ("forceRefresh", &JsValue::from_bool(force_refresh)),
        ]);
        match self.pca.acquire_token_silent(&request).await {
            Ok(r) => Ok(get(&r, "accessToken")),
            Err(e) => {
                let name = get(&e, "name").as_string().unwrap_or_default();
                let code = get(&e, "errorCode").as_string().unwrap_or_default();
                if is_interaction_required(&name, &code) {
                    self.interactive_token(&account).await
                } else {
                    Err(self.error(e))
                }
            }
        }
    }

    async fn sign_out(&self) -> Result<JsValue, JsValue> {
        let account = self.active_account();
        if account.is_null() {
            return Ok(JsValue::UNDEFINED);
        }
        let request = obj(&[("account", &account)]);
        let r = if self.popup {
            self.pca.logout_popup(&request).await
        } else {
            self.pca.logout_redirect(&request).await
        };
        // Whatever the end-session page did, this page forgets the account.
        let _ = self.pca.clear_cache(&request).await;
        let _ = self.pca.set_active_account(&JsValue::NULL);
        r.map(|_| JsValue::UNDEFINED).map_err(|e| self.error(e))
    }
}

/// What [`configuration`] reads: MSAL's configuration object, the scopes, whether
/// interaction uses popups, and the message for a configuration failure.
struct Configuration {
    msal: JsValue,
    scopes: JsValue,
    popup: bool,
    misconfiguration: Option<String>,
}

/// Reads the options into MSAL's configuration object.
fn configuration(options: &JsValue) -> Result<Configuration, UsageError> {
    check_keys(options, &KEYS)?;
    let client_id = string_opt(options, "clientId")?
        .ok_or_else(|| wrong_type("clientId", "the application (client) ID, a GUID"))?;
    check_client_id(&client_id)?;
    let cloud = match string_opt(options, "cloud")? {
        Some(c) => Cloud::parse(&c)?,
        None => Cloud::Global,
    };
    let explicit = string_opt(options, "authority")?.is_some();
    let authority = match string_opt(options, "authority")? {
        Some(a) => check_authority(a.trim())?.to_string(),
        None => {
            let tenant = string_opt(options, "tenantId")?.unwrap_or_else(|| "organizations".into());
            authority_for(cloud, check_tenant(tenant.trim())?)
        }
    };
    let popup = match string_opt(options, "interaction")? {
        Some(i) => check_interaction(&i)?,
        None => true,
    };
    let redirect_uri = match string_opt(options, "redirectUri")? {
        Some(r) => r,
        None => default_redirect_uri(),
    };
    // Sign-out comes back to the same redirect bridge: MSAL 5 learns a logout popup's
    // end only from it (landing on the app page would leave it waiting until timed_out).
    let redirect_uri = JsValue::from(redirect_uri);
    let auth = obj(&[
        ("clientId", &client_id.into()),
        ("authority", &authority.as_str().into()),
        ("redirectUri", &redirect_uri),
        ("postLogoutRedirectUri", &redirect_uri),
    ]);
    let known = get(options, "knownAuthorities");
    let mut known_hosts: Vec<String> = Vec::new();
    if !known.is_undefined() && !known.is_null() {
        let list = Array::is_array(&known)
            .then(|| Array::from(&known))
            .filter(|a| a.iter().all(|v| v.is_string()))
            .ok_or_else(|| {
                wrong_type(
                    "knownAuthorities",
                    "an array of hosts, each host[:port] as in the authority URL",
                )
            })?;
        known_hosts = list.iter().filter_map(|v| v.as_string()).collect();
        set(&auth, "knownAuthorities", &list);
    }
    // MSAL's names; "memory" reads better in our options than MSAL's "memoryStorage".
    let cache_location = match string_opt(options, "cacheLocation")?.as_deref() {
        None | Some("sessionStorage") => "sessionStorage",
        Some("localStorage") => "localStorage",
        Some("memory") => "memoryStorage",
        Some(_) => {
            return Err(wrong_type(
                "cacheLocation",
                "\"sessionStorage\", \"localStorage\" or \"memory\"",
            ))
        }
    };
    let system: JsValue = Object::new().into();
    let protocol_mode = string_opt(options, "protocolMode")?;
    if let Some(mode) = &protocol_mode {
        if mode != "AAD" && mode != "OIDC" {
            return Err(wrong_type("protocolMode", "\"AAD\" or \"OIDC\""));
        }
        set(&system, "protocolMode", &mode.as_str().into());
    }
    let misconfiguration = explicit
        .then(|| misconfiguration_message(&authority, &known_hosts, protocol_mode.as_deref()))
        .flatten();
    let config = obj(&[
        ("auth", &auth),
        ("cache", &obj(&[("cacheLocation", &cache_location.into())])),
        ("system", &system),
    ]);
    let scopes: JsValue = Array::of1(&cloud.sync_scope().into()).into();
    Ok(Configuration {
        msal: config,
        scopes,
        popup,
        misconfiguration,
    })
}

/// `redirect.html` beside the current page (the redirect bridge `www/` ships).
fn default_redirect_uri() -> String {
    let href = get(&get(&js_sys::global(), "location"), "href")
        .as_string()
        .unwrap_or_default();
    web_sys::Url::new_with_base("redirect.html", &href)
        .map(|u| u.href())
        .unwrap_or_else(|_| "/redirect.html".into())
}

/// Creates the provider (`msal` holds MSAL's `PublicClientApplication`): a `PublicClientApplication`, initialised, with any redirect
/// answer handled. A redirect that came back with an error does not fail creation; it is
/// kept in `redirectError`.
pub async fn create(options: JsValue, msal: JsValue) -> Result<JsValue, JsValue> {
    let Configuration {
        msal: config,
        scopes,
        popup,
        misconfiguration,
    } = configuration(&options)?;
    let failed = |e| sign_in_error(e, misconfiguration.as_deref());
    let ctor: Function = get(&msal, "PublicClientApplication")
        .dyn_into()
        .map_err(|_| {
            JsValue::from(wrong_type(
                "msal",
                "an object with MSAL's PublicClientApplication",
            ))
        })?;
    let pca: raw::Pca = Reflect::construct(&ctor, &Array::of1(&config))
        .map_err(failed)?
        .unchecked_into();
    pca.initialize().await.map_err(failed)?;
    let provider = Rc::new(Provider {
        pca,
        scopes,
        popup,
        misconfiguration: misconfiguration.clone(),
    });
    let redirect_error = match provider.pca.handle_redirect_promise().await {
        Ok(r) => {
            if r.is_object() {
                provider.remember(&r);
            }
            JsValue::NULL
        }
        Err(e) => provider.error(e),
    };

    let out: JsValue = Object::new().into();
    set(
        &out,
        "signIn",
        &async_method(&provider, |p, _| async move { p.sign_in().await }),
    );
    set(
        &out,
        "signOut",
        &async_method(&provider, |p, _| async move { p.sign_out().await }),
    );
    set(
        &out,
        "getToken",
        &async_method(&provider, |p, request| {
            let force = get(&request, "forceRefresh").as_bool().unwrap_or(false);
            async move { p.token(force).await }
        }),
    );
    let p = provider;
    let getter = Closure::<dyn Fn() -> JsValue>::new(move || p.account_summary()).into_js_value();
    let descriptor = obj(&[("get", &getter), ("enumerable", &JsValue::TRUE)]);
    Object::define_property(
        out.unchecked_ref::<Object>(),
        &JsValue::from_str("account"),
        descriptor.unchecked_ref::<Object>(),
    );
    set(&out, "redirectError", &redirect_error);
    Ok(out)
}
