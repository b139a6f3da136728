//! Proxy choice as curl users expect it. ureq alone takes the first of
//! ALL_PROXY/HTTPS_PROXY/HTTP_PROXY for every scheme and does not trim NO_PROXY;
//! here the variable for the portal's scheme wins and NO_PROXY entries are trimmed.

use crate::error::Error;
use crate::url::Url;

/// The proxy for requests to `target`, if any. `env` reads a variable (the process
/// environment in the tool, a table in tests).
pub fn proxy_for(
    target: &Url,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Option<ureq::Proxy>, Error> {
    let get = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    let no_proxy = get("no_proxy").or_else(|| get("NO_PROXY"));
    if no_proxy.is_some_and(|list| bypasses(&list, &target.host)) {
        return Ok(None);
    }
    let candidates: &[&str] = if target.https {
        &["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
    } else {
        &["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]
    };
    let Some((name, value)) = candidates
        .iter()
        .find_map(|name| get(name).map(|value| (*name, value)))
    else {
        return Ok(None);
    };
    // The value may hold the proxy's password: name the variable, never echo it.
    ureq::Proxy::new(value.trim()).map(Some).map_err(|_| {
        Error::Usage(format!(
            "{name} is not a proxy address like http://proxy.example:3128"
        ))
    })
}

/// NO_PROXY: comma-separated host names (each also matching its subdomains), IP
/// addresses, or `*` for all. A port after a name is ignored.
fn bypasses(no_proxy: &str, host: &str) -> bool {
    no_proxy.split(',').map(str::trim).any(|entry| {
        let entry = entry.trim_start_matches("*.").trim_start_matches('.');
        let entry = match entry.rsplit_once(':') {
            Some((name, port))
                if port.chars().all(|c| c.is_ascii_digit()) && !name.contains(':') =>
            {
                name
            }
            _ => entry,
        };
        let entry = entry.trim_matches(['[', ']']).to_ascii_lowercase();
        entry == "*"
            || (!entry.is_empty() && (host == entry || host.ends_with(&format!(".{entry}"))))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(url: &str, vars: &[(&str, &str)]) -> Option<String> {
        let url = Url::parse(url).unwrap();
        let env = |name: &str| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        };
        proxy_for(&url, env)
            .unwrap()
            .map(|p| format!("{}:{}", p.host(), p.port()))
    }

    #[test]
    fn the_schemes_own_variable_wins_over_all_proxy() {
        let vars = [
            ("ALL_PROXY", "http://all:1"),
            ("HTTPS_PROXY", "http://secure:2"),
            ("HTTP_PROXY", "http://plain:3"),
        ];
        assert_eq!(
            pick("https://p.example", &vars).as_deref(),
            Some("secure:2")
        );
        assert_eq!(pick("http://p.example", &vars).as_deref(), Some("plain:3"));
        assert_eq!(
            pick("https://p.example", &vars[..1]).as_deref(),
            Some("all:1")
        );
        assert_eq!(pick("https://p.example", &[]), None);
    }

    #[test]
    fn no_proxy_is_trimmed_and_matches_subdomains() {
        let with =
            |no_proxy: &'static str| [("HTTPS_PROXY", "http://proxy:3128"), ("NO_PROXY", no_proxy)];
        assert_eq!(
            pick("https://p.example.com", &with(" other.org , example.com ")),
            None
        );
        assert_eq!(pick("https://p.example.com", &with(".example.com")), None);
        assert_eq!(pick("https://p.example.com", &with("*")), None);
        assert_eq!(
            pick("https://p.example.com:8443", &with("p.example.com:8443")),
            None
        );
        assert!(pick("https://p.example.com", &with("ample.com")).is_some());
        assert!(pick("https://p.example.com", &with("")).is_some());
    }

    #[test]
    fn a_bad_proxy_value_is_named_but_not_echoed() {
        let url = Url::parse("https://p.example").unwrap();
        let err = proxy_for(&url, |name| {
            (name == "HTTPS_PROXY").then(|| "ftp://user:secret@x".to_string())
        })
        .unwrap_err();
        assert!(err.to_string().contains("HTTPS_PROXY"));
        assert!(!err.to_string().contains("secret"));
    }
}
