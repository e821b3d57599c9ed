//! Response building blocks shared by the Graph routes, the control API, the authority
//! and the faults: bodies, [`IntoResponse`], CORS, and Graph's request identity and errors.

use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE, DATE};
use http::{Response, StatusCode};
use http_body_util::{combinators::UnsyncBoxBody, BodyExt, Empty, Full};
use serde::Serialize;

use crate::timefmt;

/// Turns a handler's answer into a response (axum's trait of the same name).
pub trait IntoResponse {
    /// The response.
    fn into_response(self) -> Response<Body>;
}

impl IntoResponse for Response<Body> {
    fn into_response(self) -> Response<Body> {
        self
    }
}

impl<T: IntoResponse, E: IntoResponse> IntoResponse for Result<T, E> {
    fn into_response(self) -> Response<Body> {
        match self {
            Ok(r) => r.into_response(),
            Err(e) => e.into_response(),
        }
    }
}

/// Returned instead of a response to drop the connection without answering (the `close`
/// fault, a request body that broke off).
#[derive(Debug)]
pub struct Abort;

impl std::fmt::Display for Abort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for Abort {}

/// Error type of response bodies (a body that fails truncates the response).
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
/// Every response body.
pub type Body = UnsyncBoxBody<Bytes, BoxError>;

/// A body holding `bytes`.
pub fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed_unsync()
}

/// An empty body.
pub fn empty() -> Body {
    Empty::new().map_err(|never| match never {}).boxed_unsync()
}

/// A response with a body and a content type.
pub fn response(status: StatusCode, content_type: &'static str, body: Body) -> Response<Body> {
    let mut res = Response::new(body);
    *res.status_mut() = status;
    res.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    res
}

/// `application/json` response of `value`.
pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Response<Body> {
    let text = serde_json::to_vec(value).unwrap_or_else(|_| b"null".to_vec());
    response(status, "application/json", full(text))
}

/// A 204 without a body.
pub fn no_content() -> Response<Body> {
    let mut res = Response::new(empty());
    *res.status_mut() = StatusCode::NO_CONTENT;
    res
}

/// The headers Graph exposes to browsers. Public reports say Graph exposes neither
/// `Retry-After` nor `Date` (the default here); `--expose-retry-after` adds both.
pub fn expose_headers(expose_retry_after: bool) -> &'static str {
    if expose_retry_after {
        "ETag, Location, Preference-Applied, Content-Range, request-id, client-request-id, ReadWriteConsistencyToken, Retry-After, Date, SdkVersion, WWW-Authenticate"
    } else {
        "ETag, Location, Preference-Applied, Content-Range, request-id, client-request-id, ReadWriteConsistencyToken, SdkVersion, WWW-Authenticate"
    }
}

const ALLOW_METHODS: &str = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
const ALLOW_HEADERS: &str = "Authorization, Content-Type, Accept, client-request-id, return-client-request-id, SdkVersion, Prefer, ConsistencyLevel, If-Match, If-None-Match, Cache-Control, X-Requested-With";

/// Adds the CORS headers every response carries.
pub fn add_cors(headers: &mut HeaderMap, expose_retry_after: bool) {
    headers.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    headers.insert(
        "access-control-expose-headers",
        HeaderValue::from_static(expose_headers(expose_retry_after)),
    );
}

/// Adds the preflight answer headers; echoes `Access-Control-Request-Headers` when sent.
pub fn add_preflight(headers: &mut HeaderMap, request: &HeaderMap) {
    headers.insert(
        "access-control-allow-methods",
        HeaderValue::from_static(ALLOW_METHODS),
    );
    let allow = request
        .get("access-control-request-headers")
        .filter(|v| !v.as_bytes().is_empty())
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_static(ALLOW_HEADERS));
    headers.insert("access-control-allow-headers", allow);
    headers.insert("access-control-max-age", HeaderValue::from_static("86400"));
}

/// Per-request identity of a Graph call.
#[derive(Clone, Debug)]
pub struct GraphCtx {
    /// Fresh `request-id`.
    pub request_id: String,
    /// Echoed or fresh `client-request-id`.
    pub client_request_id: String,
    /// Simulated time the request arrived.
    pub now_ms: i64,
}

/// A fresh GUID string.
pub fn guid() -> String {
    uuid::Uuid::new_v4().to_string()
}

impl GraphCtx {
    /// Identity for a request with these headers at `now_ms`.
    pub fn new(request: &HeaderMap, now_ms: i64) -> Self {
        let client_request_id = request
            .get("client-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .unwrap_or_else(guid);
        GraphCtx {
            request_id: guid(),
            client_request_id,
            now_ms,
        }
    }

    /// Adds `request-id`, `client-request-id` and `Date`.
    pub fn add_headers(&self, headers: &mut HeaderMap) {
        if let Ok(v) = HeaderValue::from_str(&self.request_id) {
            headers.insert(HeaderName::from_static("request-id"), v);
        }
        if let Ok(v) = HeaderValue::from_str(&self.client_request_id) {
            headers.insert(HeaderName::from_static("client-request-id"), v);
        }
        if let Ok(v) = HeaderValue::from_str(&timefmt::http_date(self.now_ms)) {
            headers.insert(DATE, v);
        }
    }

    /// A Graph error document as text.
    pub fn error_text(&self, code: &str, message: &str) -> String {
        #[derive(Serialize)]
        struct Inner<'a> {
            date: String,
            #[serde(rename = "request-id")]
            request_id: &'a str,
            #[serde(rename = "client-request-id")]
            client_request_id: &'a str,
        }
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Error<'a> {
            code: &'a str,
            message: &'a str,
            inner_error: Inner<'a>,
        }
        #[derive(Serialize)]
        struct Doc<'a> {
            error: Error<'a>,
        }
        let doc = Doc {
            error: Error {
                code,
                message,
                inner_error: Inner {
                    date: timefmt::inner_error_date(self.now_ms),
                    request_id: &self.request_id,
                    client_request_id: &self.client_request_id,
                },
            },
        };
        serde_json::to_string(&doc).unwrap_or_default()
    }

    /// A Graph error response (`application/json`).
    pub fn error(&self, status: StatusCode, code: &str, message: &str) -> Response<Body> {
        response(
            status,
            "application/json",
            full(self.error_text(code, message)),
        )
    }

    /// The JSON document Intune services put inside `error.message`.
    pub fn intune_message(&self, url: &str, text: &str) -> String {
        #[derive(Serialize)]
        struct Nested<'a> {
            #[serde(rename = "_version")]
            version: u32,
            #[serde(rename = "Message")]
            message: String,
            #[serde(rename = "CustomApiErrorPhrase")]
            phrase: &'a str,
            #[serde(rename = "RetryAfter")]
            retry_after: Option<u64>,
            #[serde(rename = "ErrorSourceService")]
            source: &'a str,
            #[serde(rename = "HttpHeaders")]
            http_headers: &'a str,
        }
        let nested = Nested {
            version: 3,
            message: format!(
                "An error has occurred - Operation ID (for customer support): {} - Activity ID: {} - Url: {} - {}",
                guid(),
                self.client_request_id,
                url,
                text
            ),
            phrase: "",
            retry_after: None,
            source: "",
            http_headers: "{}",
        };
        serde_json::to_string(&nested).unwrap_or_default()
    }
}

/// A Graph error answer: `{"error": {"code", "message", "innerError"}}` for the request
/// `ctx`, with optional extra headers (`Allow`, `WWW-Authenticate`, `Retry-After`).
#[derive(Debug)]
pub struct GraphError(Box<GraphErrorParts>);

#[derive(Debug)]
struct GraphErrorParts {
    ctx: GraphCtx,
    status: StatusCode,
    code: String,
    message: String,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl GraphError {
    /// An error for the request `ctx`.
    pub fn new(ctx: &GraphCtx, status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        GraphError(Box::new(GraphErrorParts {
            ctx: ctx.clone(),
            status,
            code: code.to_string(),
            message: message.into(),
            headers: Vec::new(),
        }))
    }

    /// Adds a response header.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.0.headers.push((name, value));
        self
    }
}

impl IntoResponse for GraphError {
    fn into_response(self) -> Response<Body> {
        let e = *self.0;
        let mut res = e.ctx.error(e.status, &e.code, &e.message);
        for (name, value) in e.headers {
            res.headers_mut().insert(name, value);
        }
        res
    }
}

/// The Graph error code that goes with an HTTP status.
pub fn code_for_status(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "BadRequest",
        401 => "InvalidAuthenticationToken",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        412 => "PreconditionFailed",
        413 => "RequestEntityTooLarge",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => "UnknownError",
    }
}
