//! The authority's HTML: the error page, the consent page, the cancel page and its
//! script, and the signed-out page. No inline script (pages run under strict CSPs).

use std::sync::Arc;

use http::{Response, StatusCode};

use super::config::User;
use super::scopes::grant_scopes;
use super::session::AuthRequest;
use super::wire::{aadsts, build_return, no_store};
use crate::http::{full, guid, response, Body, IntoResponse};
use crate::router::{Req, Res};
use crate::state::AppState;

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn html(status: StatusCode, title: &str, body: &str) -> Response<Body> {
    let page = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\
<style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}}\
button{{font-size:1rem;padding:.4rem 1.2rem;margin-right:.5rem}}</style></head>\n<body>\n<h1>{t}</h1>\n{body}\n</body></html>\n",
        t = html_escape(title),
    );
    let mut res = response(status, "text/html; charset=utf-8", full(page));
    no_store(&mut res);
    res
}

/// A sign-in error that cannot go back to the application (unknown client, bad
/// redirect URI, unknown consent request): a 400 page, never a redirect.
#[derive(Debug)]
pub struct ErrorPage(pub String);

impl IntoResponse for ErrorPage {
    fn into_response(self) -> Response<Body> {
        html(
            StatusCode::BAD_REQUEST,
            "Sign-in error",
            &format!(
                "<p id=\"error\">{}</p>\n<p>graph-sim local authority: the request cannot be sent back to the application.</p>",
                html_escape(&self.0)
            ),
        )
    }
}

/// The page after a logout without a return address.
pub fn signed_out() -> Response<Body> {
    html(
        StatusCode::OK,
        "Signed out",
        "<p id=\"signed-out\">You signed out of the graph-sim local authority. You can close this window.</p>",
    )
}

// The user cancelled: back to the application with error=access_denied, as Entra ID does,
// in popups too. MSAL 5 learns a popup's outcome only from the redirect-bridge page at the
// redirect URI; a popup that merely closed would leave it waiting until `timed_out`.
const CANCEL_JS: &str = "\
// graph-sim: the user cancelled; return to the application with error=access_denied.
(function () {
  var back = document.body && document.body.getAttribute('data-return');
  if (back) window.location.replace(back);
})();
";

/// `GET /{tenant}/oauth2/v2.0/cancel.js`: the cancel page's script.
pub async fn cancel_script(_state: Arc<AppState>, _req: Req) -> Res {
    let mut res = response(
        StatusCode::OK,
        "text/javascript; charset=utf-8",
        full(CANCEL_JS),
    );
    no_store(&mut res);
    res
}

/// The page of a cancelled sign-in: its script returns `error=access_denied` to the app.
pub fn cancel_page(req: &AuthRequest, user: &User, now_ms: i64) -> Response<Body> {
    let mut params = vec![
        ("error", "access_denied".to_string()),
        ("error_subcode", "cancel".to_string()),
        (
            "error_description",
            aadsts(
                65004,
                "User declined to consent to access the app.",
                &guid(),
                now_ms,
            ),
        ),
    ];
    if let Some(s) = &req.state {
        params.push(("state", s.clone()));
    }
    let back = html_escape(&build_return(&req.redirect_uri, req.mode, &params));
    // No inline script: cancel.js reads the return address from <body data-return>.
    let page = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign-in cancelled</title>\
<script src=\"/{t}/oauth2/v2.0/cancel.js\" defer></script></head>\n<body data-return=\"{back}\">\n\
<h1>Sign-in cancelled</h1>\n<p id=\"cancelled\">{u} cancelled the sign-in. Returning to the application…</p>\n\
<p><a id=\"return\" href=\"{back}\">Return to the application</a></p>\n</body></html>\n",
        t = html_escape(&req.tenant),
        u = html_escape(user.username),
    );
    let mut res = response(StatusCode::OK, "text/html; charset=utf-8", full(page));
    no_store(&mut res);
    res
}

/// The consent page: the scopes asked for, Accept and Cancel.
pub fn consent_page(req: &AuthRequest, user: &User, pending_id: &str) -> Response<Body> {
    let granted = grant_scopes(user, &req.scopes)
        .map(|g| g.scp)
        .unwrap_or_default();
    let items: String = granted
        .iter()
        .map(|s| format!("<li>{}</li>", html_escape(s)))
        .collect();
    html(
        StatusCode::OK,
        "Permissions requested",
        &format!(
            "<p>Signed in as <strong id=\"user\">{u}</strong>.</p>\n<p>The application <code>{c}</code> asks for:</p>\n<ul id=\"scopes\">{items}</ul>\n\
<form method=\"post\" action=\"/{t}/oauth2/v2.0/consent\">\n<input type=\"hidden\" name=\"request\" value=\"{p}\">\n\
<button id=\"accept\" type=\"submit\" name=\"decision\" value=\"accept\">Accept</button>\n\
<button id=\"cancel\" type=\"submit\" name=\"decision\" value=\"cancel\">Cancel</button>\n</form>",
            u = html_escape(user.username),
            c = html_escape(&req.client_id),
            t = html_escape(&req.tenant),
            p = html_escape(pending_id),
        ),
    )
}
