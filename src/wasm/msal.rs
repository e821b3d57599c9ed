//! MSAL.js (`@azure/msal-browser` 5) bound through wasm-bindgen: private raw externs,
//! a typed wrapper, and the `createMsalTokenProvider` object built on it. The MSAL module
//! namespace is handed in by the `autopilot-sync/msal` entry, so the core entry never
//! imports MSAL. The provider either builds its own `PublicClientApplication` from the
//! options, or borrows a portal's (`instance`), whose configuration, active account and
//! redirect handling stay the portal's.

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::rc::Rc;
use core::cell::RefCell;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;

use super::error::sync_error;
use super::object::{async_method, get, obj, set};
use super::options::{check_keys, read, string_opt, strings_opt};
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

/// Option names of `createMsalTokenProvider`: the first seven configure the
/// `PublicClientApplication` it builds, so they are refused with `instance`; the last
/// three come only with `instance`.
const KEYS: [&str; 12] = [
    "cacheLocation",
    "clientId",
    "tenantId",
    "redirectUri",
    "authority",
    "knownAuthorities",
    "protocolMode",
    "cloud",
    "interaction",
    "instance",
    "account",
    "handleRedirect",
];
/// `KEYS[..BUILD_KEYS]` configure a built instance.
const BUILD_KEYS: usize = 7;
/// `KEYS[INSTANCE_KEYS..]` belong to a borrowed instance.
const INSTANCE_KEYS: usize = 9;

/// What a borrowed `instance` must have: the methods the provider calls. Anything else is
/// not MSAL's `PublicClientApplication` (5.x) and is refused before use.
const METHODS: [&str; 11] = [
    "getConfiguration",
    "getActiveAccount",
    "getAllAccounts",
    "handleRedirectPromise",
    "acquireTokenSilent",
    "acquireTokenPopup",
    "acquireTokenRedirect",
    "loginPopup",
    "loginRedirect",
    "logoutPopup",
    "logoutRedirect",
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

/// A portal's own `PublicClientApplication` (the `instance` option): the provider reads
/// its accounts but never changes its active account, configuration or cache.
struct Borrowed {
    /// The `account` option (an MSAL `AccountInfo`), or null: when given, always used.
    account: JsValue,
    /// The account an interactive sign-in through the provider returned, or null.
    signed_in: RefCell<JsValue>,
    /// Where a sign-out ends, from the instance's configuration: its
    /// `postLogoutRedirectUri`, else its `redirectUri` (MSAL 5's redirect bridge).
    post_logout_redirect_uri: JsValue,
}

/// The provider's state: one `PublicClientApplication` and the request scopes.
struct Provider {
    pca: raw::Pca,
    scopes: JsValue,
    popup: bool,
    /// The message for a configuration failure, when the authority is not Microsoft's.
    misconfiguration: Option<String>,
    /// The application (client) ID: MSAL's session keys carry it.
    client_id: String,
    /// `Some` when the instance is the portal's.
    borrowed: Option<Borrowed>,
}

/// `value`, or null when it is not an object (MSAL answers `null` or `undefined`).
fn object_or_null(value: JsValue) -> JsValue {
    if value.is_object() {
        value
    } else {
        JsValue::NULL
    }
}

impl Provider {
    fn error(&self, e: JsValue) -> JsValue {
        sign_in_error(e, self.misconfiguration.as_deref())
    }

    /// The account silent tokens are asked for, or null. A built instance: its active
    /// account, else (after a reload MSAL knows the accounts but not which one is active)
    /// the first one, made active. A borrowed one, never changed: the `account` option,
    /// else the instance's active account, else the one the provider signed in, else the
    /// only account it has.
    fn active_account(&self) -> JsValue {
        let active = object_or_null(self.pca.get_active_account().unwrap_or(JsValue::NULL));
        let all = || {
            self.pca
                .get_all_accounts()
                .map(|a| Array::from(&a))
                .unwrap_or_default()
        };
        match &self.borrowed {
            None => {
                if !active.is_null() {
                    return active;
                }
                let first = object_or_null(all().get(0));
                if !first.is_null() {
                    let _ = self.pca.set_active_account(&first);
                }
                first
            }
            Some(b) => {
                if !b.account.is_null() {
                    return b.account.clone();
                }
                if !active.is_null() {
                    return active;
                }
                let signed_in = b.signed_in.borrow().clone();
                if !signed_in.is_null() {
                    return signed_in;
                }
                let all = all();
                if all.length() == 1 {
                    object_or_null(all.get(0))
                } else {
                    JsValue::NULL
                }
            }
        }
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

    /// Keeps the account an interactive sign-in returned: active in a built instance; in
    /// the provider only for a borrowed one (the portal's active account is the portal's).
    fn remember(&self, result: &JsValue) {
        let account = get(result, "account");
        if !account.is_object() {
            return;
        }
        match &self.borrowed {
            None => {
                let _ = self.pca.set_active_account(&account);
            }
            Some(b) => *b.signed_in.borrow_mut() = account,
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

    /// Ends the account's session at the authority. Popup: the popup ends on the redirect
    /// bridge and closes; this page stays where it is. Redirect: the browser comes back,
    /// through the bridge, to this page's address (see [`return_here_after_sign_out`]).
    /// A built instance also forgets every account; a borrowed one loses only this
    /// account (MSAL's own logout), its other accounts and settings stay the portal's.
    async fn sign_out(&self) -> Result<JsValue, JsValue> {
        let account = self.active_account();
        if account.is_null() {
            return Ok(JsValue::UNDEFINED);
        }
        let request = obj(&[("account", &account)]);
        if let Some(b) = &self.borrowed {
            if !b.post_logout_redirect_uri.is_undefined() {
                set(
                    &request,
                    "postLogoutRedirectUri",
                    &b.post_logout_redirect_uri,
                );
            }
        }
        let r = if self.popup {
            self.pca.logout_popup(&request).await
        } else {
            return_here_after_sign_out(&self.client_id);
            self.pca.logout_redirect(&request).await
        };
        match &self.borrowed {
            None => {
                // Whatever the end-session page did, this page forgets the account.
                let _ = self.pca.clear_cache(&request).await;
                let _ = self.pca.set_active_account(&JsValue::NULL);
            }
            Some(b) => *b.signed_in.borrow_mut() = JsValue::NULL,
        }
        r.map(|_| JsValue::UNDEFINED).map_err(|e| self.error(e))
    }
}

/// Makes a redirect sign-out come back to this page. The authority sends the browser to
/// the redirect bridge (the post-logout URI), and MSAL's bridge (`broadcastResponseToMainFrame`)
/// then opens the address MSAL keeps under `msal.{clientId}.request.origin` in
/// sessionStorage, or the site root when there is none. `loginRedirect` writes that key
/// for sign-in; `logoutRedirect` does not, so a page under a sub-path
/// (`/autopilot/`) would end on `/`. Written here, the bridge returns to this address,
/// and nothing of the sign-out (its `state`) stays in the URL.
fn return_here_after_sign_out(client_id: &str) {
    let global = js_sys::global();
    let here = get(&get(&global, "location"), "href");
    let storage = get(&global, "sessionStorage");
    if let Ok(set_item) = get(&storage, "setItem").dyn_into::<Function>() {
        let key = ["msal.", client_id, ".request.origin"].concat();
        // Storage may be unavailable (a sandboxed frame): then the bridge goes to the root.
        let _ = set_item.call2(&storage, &key.into(), &here);
    }
}

/// What [`configuration`] reads: MSAL's configuration object, the client ID, and the
/// message for a configuration failure.
struct Configuration {
    msal: JsValue,
    client_id: String,
    misconfiguration: Option<String>,
}

/// Reads the options of a built instance into MSAL's configuration object.
fn configuration(options: &JsValue, cloud: Cloud) -> Result<Configuration, UsageError> {
    for name in &KEYS[INSTANCE_KEYS..] {
        if read(options, name)?.is_some() {
            return Err(wrong_type(
                name,
                "given only with instance (a PublicClientApplication of your own)",
            ));
        }
    }
    let client_id = string_opt(options, "clientId")?
        .ok_or_else(|| wrong_type("clientId", "the application (client) ID, a GUID"))?;
    check_client_id(&client_id)?;
    let explicit = string_opt(options, "authority")?.is_some();
    let authority = match string_opt(options, "authority")? {
        Some(a) => check_authority(a.trim())?.to_string(),
        None => {
            let tenant = string_opt(options, "tenantId")?.unwrap_or_else(|| "organizations".into());
            authority_for(cloud, check_tenant(tenant.trim())?)
        }
    };
    let redirect_uri = match string_opt(options, "redirectUri")? {
        Some(r) => r,
        None => default_redirect_uri(),
    };
    // Sign-out comes back to the same redirect bridge: MSAL 5 learns a logout popup's
    // end only from it (landing on the app page would leave it waiting until timed_out),
    // and after a redirect sign-out the bridge returns to the page that signed out.
    let redirect_uri = JsValue::from(redirect_uri);
    let auth = obj(&[
        ("clientId", &client_id.as_str().into()),
        ("authority", &authority.as_str().into()),
        ("redirectUri", &redirect_uri),
        ("postLogoutRedirectUri", &redirect_uri),
    ]);
    let mut known_hosts: Vec<String> = Vec::new();
    if let Some(list) = strings_opt(
        options,
        "knownAuthorities",
        "an array of hosts, each host[:port] as in the authority URL",
    )? {
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
    Ok(Configuration {
        msal: config,
        client_id,
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

/// The refusal of an `instance` that is not MSAL's `PublicClientApplication`.
fn not_msal() -> UsageError {
    wrong_type(
        "instance",
        "a PublicClientApplication from @azure/msal-browser 5, initialized (await instance.initialize())",
    )
}

/// Reads a borrowed `instance` and its options. Nothing of the instance is changed: no
/// `initialize()`, no configuration, no active account; the options that would configure
/// it are refused (its own configuration applies).
fn borrow(
    options: &JsValue,
    instance: JsValue,
) -> Result<(raw::Pca, String, Borrowed), UsageError> {
    for name in &KEYS[..BUILD_KEYS] {
        if read(options, name)?.is_some() {
            return Err(wrong_type(
                name,
                "left out with instance: the instance's own configuration applies",
            ));
        }
    }
    // A Proxy whose traps throw reads as `undefined` here, so it is refused too.
    if !instance.is_object() || !METHODS.iter().all(|m| get(&instance, m).is_function()) {
        return Err(not_msal());
    }
    let get_configuration: Function = get(&instance, "getConfiguration").unchecked_into();
    let auth = get(
        &get_configuration.call0(&instance).map_err(|_| not_msal())?,
        "auth",
    );
    let client_id = get(&auth, "clientId")
        .as_string()
        .filter(|c| !c.is_empty())
        .ok_or_else(not_msal)?;
    let configured = |name| {
        let v = get(&auth, name);
        v.as_string().filter(|s| !s.is_empty()).map(JsValue::from)
    };
    let post_logout_redirect_uri = configured("postLogoutRedirectUri")
        .or_else(|| configured("redirectUri"))
        .unwrap_or(JsValue::UNDEFINED);
    let account = match read(options, "account")? {
        None => JsValue::NULL,
        Some(a) if get(&a, "homeAccountId").is_string() => a,
        Some(_) => {
            return Err(wrong_type(
                "account",
                "an AccountInfo of the instance (from getAllAccounts() or a sign-in result)",
            ))
        }
    };
    let borrowed = Borrowed {
        account,
        signed_in: RefCell::new(JsValue::NULL),
        post_logout_redirect_uri,
    };
    Ok((instance.unchecked_into(), client_id, borrowed))
}

/// Creates the provider (`msal` holds MSAL's `PublicClientApplication`). Without
/// `instance`: a `PublicClientApplication` built from the options, initialised, with any
/// redirect answer handled. With `instance`: the portal's own, as it is; its redirect
/// answer is handled only with `handleRedirect: true`. A redirect that came back with an
/// error does not fail creation; it is kept in `redirectError`.
pub async fn create(options: JsValue, msal: JsValue) -> Result<JsValue, JsValue> {
    check_keys(&options, &KEYS)?;
    let cloud = match string_opt(&options, "cloud")? {
        Some(c) => Cloud::parse(&c)?,
        None => Cloud::Global,
    };
    let popup = match string_opt(&options, "interaction")? {
        Some(i) => check_interaction(&i)?,
        None => true,
    };
    let scopes: JsValue = Array::of1(&cloud.sync_scope().into()).into();
    let (provider, handle_redirect) = match read(&options, "instance")? {
        Some(instance) => {
            let handle_redirect = match read(&options, "handleRedirect")? {
                None => false,
                Some(v) => v
                    .as_bool()
                    .ok_or_else(|| wrong_type("handleRedirect", "true or false"))?,
            };
            let (pca, client_id, borrowed) = borrow(&options, instance)?;
            let provider = Provider {
                pca,
                scopes,
                popup,
                misconfiguration: None,
                client_id,
                borrowed: Some(borrowed),
            };
            (provider, handle_redirect)
        }
        None => {
            let Configuration {
                msal: config,
                client_id,
                misconfiguration,
            } = configuration(&options, cloud)?;
            let failed = |e| sign_in_error(e, misconfiguration.as_deref());
            let ctor: Function =
                get(&msal, "PublicClientApplication")
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
            let provider = Provider {
                pca,
                scopes,
                popup,
                misconfiguration,
                client_id,
                borrowed: None,
            };
            (provider, true)
        }
    };
    let provider = Rc::new(provider);
    let redirect_error = if handle_redirect {
        match provider.pca.handle_redirect_promise().await {
            Ok(r) => {
                if r.is_object() {
                    provider.remember(&r);
                }
                JsValue::NULL
            }
            // A borrowed instance that is not initialized fails creation itself.
            Err(e) => match provider.error(e) {
                e if get(&e, "code").as_string().as_deref() == Some("invalidOptions") => {
                    return Err(e)
                }
                e => e,
            },
        }
    } else {
        JsValue::NULL
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
