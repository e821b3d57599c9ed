//! Which scopes a simulated user is granted for a request.

use super::config::{Role, User, GRAPH_APP_ID, GRAPH_AUDIENCE};
use crate::auth::{READ_SCOPE, WRITE_SCOPE};

const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];

/// Scopes granted to a user for a request.
pub struct Granted {
    /// `scp` names (no resource prefix).
    pub scp: Vec<String>,
    /// The token response's `scope`.
    pub response: Vec<String>,
}

/// The grant for `requested`: a reader gets `Read.All` where `ReadWrite.All` was asked;
/// scopes of another resource are refused.
pub fn grant_scopes(user: &User, requested: &[String]) -> Result<Granted, String> {
    let mut scp: Vec<String> = Vec::new();
    let mut response: Vec<String> = Vec::new();
    let mut push = |name: &str, prefixed: bool, scp: &mut Vec<String>| {
        if !scp.iter().any(|s| s.eq_ignore_ascii_case(name)) {
            scp.push(name.to_string());
        }
        let shown = if prefixed {
            format!("{GRAPH_AUDIENCE}/{name}")
        } else {
            name.to_string()
        };
        if !response.contains(&shown) {
            response.push(shown);
        }
    };
    let mut oidc = Vec::new();
    for raw in requested {
        let lower = raw.to_ascii_lowercase();
        if OIDC_SCOPES.contains(&lower.as_str()) {
            if !oidc.contains(&lower) {
                oidc.push(lower);
            }
            continue;
        }
        let (name, prefixed) = if lower.starts_with(&format!("{GRAPH_AUDIENCE}/")) {
            (&raw[GRAPH_AUDIENCE.len() + 1..], true)
        } else if lower.starts_with(&format!("{GRAPH_APP_ID}/")) {
            (&raw[GRAPH_APP_ID.len() + 1..], true)
        } else if raw.contains('/') || raw.contains(':') {
            return Err(format!(
                "The provided value for the input parameter 'scope' is not valid: graph-sim only issues tokens for Microsoft Graph ({raw})."
            ));
        } else {
            (raw.as_str(), false)
        };
        if name.is_empty() {
            return Err("The provided value for the input parameter 'scope' is not valid.".into());
        }
        if name == ".default" {
            let n = if user.role == Role::Reader {
                READ_SCOPE
            } else {
                WRITE_SCOPE
            };
            push(n, true, &mut scp);
        } else if name.eq_ignore_ascii_case(WRITE_SCOPE) && user.role == Role::Reader {
            push(READ_SCOPE, prefixed, &mut scp);
        } else {
            push(name, prefixed, &mut scp);
        }
    }
    if scp.is_empty() {
        push("User.Read", true, &mut scp);
    }
    response.extend(oidc);
    Ok(Granted { scp, response })
}

#[cfg(test)]
mod tests {
    use super::super::config::USERS;
    use super::*;

    #[test]
    fn scopes() {
        let req: Vec<String> = [
            "https://graph.microsoft.com/DeviceManagementServiceConfig.ReadWrite.All",
            "openid",
            "profile",
            "offline_access",
        ]
        .map(String::from)
        .to_vec();
        let admin = grant_scopes(&USERS[0], &req).unwrap();
        assert_eq!(admin.scp, vec![WRITE_SCOPE]);
        assert_eq!(
            admin.response.join(" "),
            format!("{GRAPH_AUDIENCE}/{WRITE_SCOPE} openid profile offline_access")
        );
        let reader = grant_scopes(&USERS[1], &req).unwrap();
        assert_eq!(reader.scp, vec![READ_SCOPE]);
        let default =
            grant_scopes(&USERS[1], &["https://graph.microsoft.com/.default".into()]).unwrap();
        assert_eq!(default.scp, vec![READ_SCOPE]);
        assert!(grant_scopes(&USERS[0], &["api://other/x".into()]).is_err());
    }
}
