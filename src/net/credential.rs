//! The credential: an API key, OAuth token, login token or ready-made Authorization
//! value, and the `Authorization` header DocSpace expects for each.

use std::fmt;
use std::path::Path;

use crate::error::Error;
use crate::output::terminal;

/// An API key, OAuth token, login token or ready-made Authorization value.
/// It has no `Display`, and its `Debug` is redacted, so it cannot reach output by accident.
pub struct Credential(String);

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credential(<redacted>)")
    }
}

impl Credential {
    /// `source` names where the value came from, for the error message; the value
    /// itself never goes into a message.
    pub fn new(value: String, source: &str) -> Result<Credential, Error> {
        if value.is_empty() {
            return Err(Error::Usage(format!(
                "the credential from {source} is empty"
            )));
        }
        if !value.chars().all(|c| c == ' ' || c.is_ascii_graphic()) {
            return Err(Error::Usage(format!(
                "the credential from {source} has a character that is not printable ASCII \
                 inside it: it must hold only the key"
            )));
        }
        // From here on, nothing the tool writes holds it, whatever echoes it.
        terminal::hide(secret_of(&value));
        Ok(Credential(value))
    }

    pub fn from_file(path: &Path) -> Result<Credential, Error> {
        let shown = path.display();
        if path != Path::new("-") {
            warn_if_others_can_read(path);
        }
        let value = crate::input::read_secret(path)?;
        Credential::new(value, &format!("--api-key-file {shown}"))
    }

    /// The `Authorization` header value. DocSpace picks the handler by its form:
    /// an `sk-` key without `Bearer ` is rejected, a login token must go raw.
    pub fn authorization(&self) -> String {
        let value = &self.0;
        if value.starts_with("Bearer ") || value.starts_with("Basic ") {
            value.clone()
        } else if value.starts_with("sk-") || is_jwt(value) {
            format!("Bearer {value}")
        } else {
            value.clone()
        }
    }

    /// An API key (`sk-`), the kind of credential that has scopes.
    pub fn is_api_key(&self) -> bool {
        self.0.trim_start_matches("Bearer ").starts_with("sk-")
    }

    /// For traces: the scheme, the `sk-` prefix and the last four characters of a
    /// long secret, enough to tell which key went, too little to use it.
    pub fn redacted_authorization(&self) -> String {
        let header = self.authorization();
        let (scheme, secret) = match header.split_once(' ') {
            Some((scheme, secret)) => (format!("{scheme} "), secret),
            None => (String::new(), header.as_str()),
        };
        let prefix = if secret.starts_with("sk-") { "sk-" } else { "" };
        let tail = if secret.len() >= 24 {
            &secret[secret.len() - 4..]
        } else {
            ""
        };
        format!("{scheme}{prefix}…{tail}")
    }
}

/// The value without an `Authorization` scheme in front: what must not be shown.
fn secret_of(value: &str) -> &str {
    ["Bearer ", "Basic "]
        .iter()
        .find_map(|scheme| value.strip_prefix(scheme))
        .unwrap_or(value)
}

fn is_jwt(value: &str) -> bool {
    let parts: Vec<&str> = value.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

#[cfg(unix)]
fn warn_if_others_can_read(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.is_file()
        && meta.permissions().mode() & 0o044 != 0
    {
        terminal::warn(&format!(
            "{} can be read by other users; run: chmod 600 {}",
            path.display(),
            path.display()
        ));
    }
}

#[cfg(not(unix))]
fn warn_if_others_can_read(_path: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth(value: &str) -> String {
        Credential::new(value.into(), "test")
            .unwrap()
            .authorization()
    }

    #[test]
    fn authorization_follows_the_servers_rules() {
        let key = format!("sk-{}", "a1".repeat(32));
        assert_eq!(auth(&key), format!("Bearer {key}"));
        assert_eq!(auth("eyJh.eyJz.c2ln"), "Bearer eyJh.eyJz.c2ln");
        assert_eq!(auth("Bearer test-bearer"), "Bearer test-bearer");
        assert_eq!(auth("Basic dGVzdDp0ZXN0"), "Basic dGVzdDp0ZXN0");
        assert_eq!(auth("opaque-login-token"), "opaque-login-token");
    }

    #[test]
    fn redaction_keeps_only_a_hint() {
        let key = format!("sk-{}beef", "5a".repeat(30));
        let shown = Credential::new(key.clone(), "t")
            .unwrap()
            .redacted_authorization();
        assert_eq!(shown, "Bearer sk-…beef");
        let short = Credential::new("test-tok".into(), "t").unwrap();
        assert_eq!(short.redacted_authorization(), "…");
        assert_eq!(format!("{short:?}"), "Credential(<redacted>)");
    }

    #[test]
    fn once_read_it_is_masked_in_what_is_written() {
        let key = "sk-credtest-zyxwvutsrqponmlkjihgfedcba";
        Credential::new(format!("Bearer {key}"), "t").unwrap();
        let echoed = format!("Authorization: Bearer {key}");
        assert_eq!(
            terminal::terminal_safe(&echoed),
            "Authorization: Bearer <redacted>"
        );
    }

    #[test]
    fn refuses_values_that_would_break_the_header() {
        for bad in ["", "sk-1\nsk-2", "sk-\u{e9}"] {
            assert!(Credential::new(bad.into(), "t").is_err(), "{bad:?}");
        }
    }
}
