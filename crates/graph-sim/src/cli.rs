//! Command-line flags.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

use clap::Parser;

use crate::auth::Access;
use crate::oidc::config::{Consent, OidcConfig};
use crate::sim::{RuntimeConfig, SyncResult};
use crate::static_files::Mount;

const AFTER_HELP: &str = "\
Graph endpoints:
  POST /beta/deviceManagement/windowsAutopilotSettings/sync (and .../microsoft.graph.sync)
  GET  /beta/deviceManagement/windowsAutopilotSettings
  GET  /beta/deviceManagement/windowsAutopilotDeviceIdentities[/ID]  ($filter=contains(serialNumber,'SN'), $top)
  GET  /beta/deviceManagement/importedWindowsAutopilotDeviceIdentities[/ID]

Control API (JSON, CORS enabled):
  POST   /_sim/reset                      everything back to these flags' defaults
  GET    /_sim/state                      sync state, simulated clock, config
  POST   /_sim/clock    {\"advanceMs\": n}  move the simulated clock forward
                        {\"freeze\": true|false}  stop it / let it run on
                        {\"at\": \"2026-01-01T00:00:00Z\"}  set simulated now
  GET    /_sim/requests                   logged Graph requests (Authorization redacted)
  DELETE /_sim/requests
  GET|POST|DELETE /_sim/faults            {\"kind\": \"status|html|delay|close|truncate|huge|nonUtf8\", ...}
  GET|PATCH /_sim/config                  {\"cooldownSeconds\", \"syncDurationMs\", \"syncResult\",
                                           \"retryAfterHeader\", \"exposeRetryAfter\", \"settingsEnvelope\",
                                           \"syncSuccessStatus\", \"intuneLicence\", \"devicePageSize\"}

  GET|POST|DELETE /_sim/devices           {\"serialNumber\", \"groupTag\", \"importError\": {\"code\", \"name\"},
                                           \"visible\": \"immediately|afterSync|never\", \"profileAfterMs\",
                                           \"profileResult\": \"assigned|failed\", \"importDurationMs\"}
  GET|PATCH /_sim/oidc                    {\"defaultUser\", \"consent\", \"tokenLifetimeSeconds\"} + counters

OIDC authority (with --oidc-port; https, self-signed certificate; any TENANT segment):
  GET  /TENANT/.well-known/openid-configuration (also /TENANT/v2.0/...)
  GET  /TENANT/oauth2/v2.0/authorize           code flow, PKCE S256 required
  POST /TENANT/oauth2/v2.0/token               authorization_code, refresh_token
  GET  /TENANT/discovery/v2.0/keys             JWKS (RS256)
  GET  /TENANT/oauth2/v2.0/logout
  Users (login_hint): admin@sim.test (ReadWrite), reader@sim.test (Read only),
  cancel@sim.test (cancels). Issuer: https://HOST:PORT/TENANT/v2.0.

On start, prints one line: graph-sim listening on http://HOST:PORT
and, with --oidc-port, a second: graph-sim authority on https://HOST:PORT";

/// Offline Microsoft Graph simulator for the Windows Autopilot sync action.
#[derive(Parser, Clone, Debug)]
#[command(name = "graph-sim", version, about, after_help = AFTER_HELP)]
pub struct Args {
    /// Address to listen on; must be loopback unless --allow-remote is given.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Allow listening on a non-loopback address.
    #[arg(long)]
    pub allow_remote: bool,
    /// Minimum seconds between two successful sync triggers (429 inside it).
    #[arg(long, default_value_t = 600)]
    pub cooldown_seconds: u64,
    /// How long a sync stays inProgress, in milliseconds.
    #[arg(long, default_value_t = 30_000)]
    pub sync_duration_ms: u64,
    /// How a sync ends.
    #[arg(long, value_enum, default_value_t = SyncResult::Completed)]
    pub sync_result: SyncResult,
    /// Accepted token and its access, repeatable; `@TENANT` puts it in its own tenant (own sync
    /// state, window and log) [default: sim-admin-token=rw, sim-reader-token=ro].
    #[arg(long = "token", value_name = "TOKEN=rw|ro[@TENANT]", value_parser = parse_token)]
    pub tokens: Vec<TokenSpec>,
    /// Omit the Retry-After header on 429.
    #[arg(long)]
    pub no_retry_after: bool,
    /// Let browsers read Retry-After and Date (list them in Access-Control-Expose-Headers).
    /// Off by default: public reports say Graph exposes neither, only request-id and
    /// client-request-id.
    #[arg(long)]
    pub expose_retry_after: bool,
    /// The status of a sync that started: 204 (as documented) or 200 (as some tenants answered).
    #[arg(long, default_value_t = 204, value_parser = parse_success_status)]
    pub sync_success_status: u16,
    /// The tenant has no active Intune licence: the sync and the settings answer 403 with
    /// Intune's doubly nested UnknownError -> Forbidden body.
    #[arg(long)]
    pub no_intune_licence: bool,
    /// Start with the simulated clock stopped (move it with POST /_sim/clock).
    #[arg(long)]
    pub freeze_clock: bool,
    /// Most devices on one page of windowsAutopilotDeviceIdentities (then @odata.nextLink).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
    pub device_page_size: u32,
    /// Answer the settings GET as {"value": {...}}.
    #[arg(long)]
    pub settings_envelope: bool,
    /// Serve files from DIR at / (index.html for directories).
    #[arg(long = "static", value_name = "DIR")]
    pub static_dir: Option<PathBuf>,
    /// Serve DIR under /PREFIX, repeatable (e.g. /node_modules=node_modules).
    #[arg(long = "mount", value_name = "/PREFIX=DIR", value_parser = parse_mount)]
    pub mounts: Vec<Mount>,
    /// Serve a local OpenID Connect authority (and every other route) over https on PORT
    /// (0 picks a free one), same host.
    #[arg(long, value_name = "PORT")]
    pub oidc_port: Option<u16>,
    /// Write the authority's self-signed certificate (PEM) to FILE.
    #[arg(long, value_name = "FILE", requires = "oidc_port")]
    pub oidc_cert_out: Option<PathBuf>,
    /// Client id the authority accepts, repeatable [default: any].
    #[arg(long = "oidc-client-id", value_name = "ID")]
    pub oidc_client_ids: Vec<String>,
    /// Consent: auto redirects at once; page shows Accept and Cancel buttons.
    #[arg(long, value_enum, default_value_t = Consent::Auto)]
    pub oidc_consent: Consent,
    /// Lifetime of issued access and ID tokens, on the simulated clock.
    #[arg(long, default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..))]
    pub oidc_token_lifetime_seconds: u64,
}

/// A `--token` value. `Debug` hides the token.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenSpec {
    /// The bearer token.
    pub token: String,
    /// What it may do.
    pub access: Access,
    /// Its tenant (`TOKEN=rw@tenantA`); `None` = the default tenant.
    pub tenant: Option<String>,
}

impl fmt::Debug for TokenSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSpec")
            .field("token", &"<redacted>")
            .field("access", &self.access)
            .field("tenant", &self.tenant)
            .finish()
    }
}

fn parse_success_status(s: &str) -> Result<u16, String> {
    match s {
        "200" => Ok(200),
        "204" => Ok(204),
        _ => Err("must be 200 or 204".into()),
    }
}

fn parse_token(s: &str) -> Result<TokenSpec, String> {
    let (token, access) = s
        .rsplit_once('=')
        .ok_or_else(|| "expected TOKEN=rw or TOKEN=ro, optionally @TENANT".to_string())?;
    let (access, tenant) = match access.split_once('@') {
        Some((a, t))
            if !t.is_empty()
                && t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) =>
        {
            (a, Some(t.to_string()))
        }
        Some(_) => {
            return Err("the tenant after @ must be letters, digits, '-', '_' or '.'".into())
        }
        None => (access, None),
    };
    let access = match access {
        "rw" => Access::ReadWrite,
        "ro" => Access::ReadOnly,
        _ => return Err("access must be rw or ro".into()),
    };
    if token.is_empty() || token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("the token must be non-empty, without spaces".into());
    }
    Ok(TokenSpec {
        token: token.to_string(),
        access,
        tenant,
    })
}

/// Prefixes that belong to Graph or the control API and can never be static.
pub const RESERVED_PREFIXES: [&str; 3] = ["/beta", "/v1.0", "/_sim"];

fn parse_mount(s: &str) -> Result<Mount, String> {
    let (prefix, dir) = s
        .split_once('=')
        .ok_or_else(|| "expected /PREFIX=DIR".to_string())?;
    let prefix = prefix.trim_end_matches('/');
    if !prefix.starts_with('/') || prefix.split('/').any(|seg| seg == ".." || seg == ".") {
        return Err("the prefix must start with / and contain no . or .. segments".into());
    }
    if prefix.is_empty() {
        return Err("use --static to serve a directory at /".into());
    }
    let lower = prefix.to_ascii_lowercase();
    if RESERVED_PREFIXES
        .iter()
        .any(|r| lower == *r || lower.starts_with(&format!("{r}/")))
    {
        return Err(format!("{prefix} is reserved for Graph or the control API"));
    }
    if dir.is_empty() {
        return Err("the directory is empty".into());
    }
    Ok(Mount {
        prefix: prefix.to_string(),
        dir: PathBuf::from(dir),
    })
}

impl Args {
    /// The runtime configuration these flags start with (and `/_sim/reset` returns to).
    pub fn runtime_config(&self) -> RuntimeConfig {
        RuntimeConfig {
            cooldown_seconds: self.cooldown_seconds,
            sync_duration_ms: self.sync_duration_ms,
            sync_result: self.sync_result,
            retry_after_header: !self.no_retry_after,
            expose_retry_after: self.expose_retry_after,
            sync_success_status: self.sync_success_status,
            intune_licence: !self.no_intune_licence,
            device_page_size: self.device_page_size,
            settings_envelope: self.settings_envelope,
        }
    }

    /// The authority configuration these flags start with (and `/_sim/reset` returns to).
    pub fn oidc_config(&self) -> OidcConfig {
        OidcConfig {
            consent: self.oidc_consent,
            token_lifetime_seconds: self.oidc_token_lifetime_seconds,
            ..OidcConfig::default()
        }
    }

    /// The tokens, or the two defaults when none were given.
    pub fn tokens_or_default(&self) -> Vec<TokenSpec> {
        if !self.tokens.is_empty() {
            return self.tokens.clone();
        }
        vec![
            TokenSpec {
                token: "sim-admin-token".into(),
                access: Access::ReadWrite,
                tenant: None,
            },
            TokenSpec {
                token: "sim-reader-token".into(),
                access: Access::ReadOnly,
                tenant: None,
            },
        ]
    }

    /// The address to bind, refusing non-loopback hosts without `--allow-remote`.
    pub fn bind_ip(&self) -> Result<IpAddr, String> {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        let ip = if host.eq_ignore_ascii_case("localhost") {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        } else {
            host.parse::<IpAddr>()
                .map_err(|_| format!("--host {:?} is not an IP address or localhost", self.host))?
        };
        if !ip.is_loopback() && !self.allow_remote {
            return Err(format!(
                "refusing to listen on non-loopback address {ip}; pass --allow-remote to do so"
            ));
        }
        Ok(ip)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_flags() {
        let a = Args::try_parse_from([
            "graph-sim",
            "--token",
            "a=b=rw",
            "--mount",
            "/node_modules/=nm",
            "--sync-result",
            "failed",
        ])
        .unwrap();
        assert_eq!(a.tokens[0].token, "a=b");
        assert_eq!(a.mounts[0].prefix, "/node_modules");
        assert_eq!(a.runtime_config().sync_result, SyncResult::Failed);
        assert!(!format!("{a:?}").contains("a=b"));
        for bad in [
            vec!["graph-sim", "--token", "x=admin"],
            vec!["graph-sim", "--token", "=rw"],
            vec!["graph-sim", "--mount", "/beta/x=dir"],
            vec!["graph-sim", "--mount", "/_SIM=dir"],
            vec!["graph-sim", "--mount", "nodir"],
        ] {
            assert!(Args::try_parse_from(&bad).is_err(), "{bad:?}");
        }
        let d = Args::try_parse_from(["graph-sim"]).unwrap();
        assert_eq!(d.tokens_or_default().len(), 2);
        assert!(d.bind_ip().unwrap().is_loopback());
        let remote = Args::try_parse_from(["graph-sim", "--host", "0.0.0.0"]).unwrap();
        assert!(remote.bind_ip().is_err());
        let allowed =
            Args::try_parse_from(["graph-sim", "--host", "0.0.0.0", "--allow-remote"]).unwrap();
        assert!(allowed.bind_ip().is_ok());
        let v6 = Args::try_parse_from(["graph-sim", "--host", "[::1]"]).unwrap();
        assert!(v6.bind_ip().unwrap().is_loopback());
    }
}
