//! Proxy choice as curl users expect it. ureq alone takes the first of
//! ALL_PROXY/HTTPS_PROXY/HTTP_PROXY for every scheme and does not trim NO_PROXY;
//! here the variable for the portal's scheme wins and NO_PROXY entries are trimmed.
//!
//! And one rule comes before any variable: the credential is written only to a
//! connection whose peer is the portal, or inside a TLS session verified for it. An
//! https portal may go through a proxy's CONNECT tunnel (the proxy sees only TLS); a
//! plain http portal never does: through a proxy, "127.0.0.1" is the proxy's own
//! machine, and the key would cross it in clear text.

use ureq::ProxyProtocol;

use crate::error::Error;
use crate::net::url::Url;

/// The proxy for requests to `target`, if any. `env` reads a variable (the process
/// environment in the tool, a table in tests).
pub fn proxy_for(
    target: &Url,
    env: impl Fn(&str) -> Result<Option<String>, Error>,
) -> Result<Option<ureq::Proxy>, Error> {
    // Every variable is read, so that one that is set but unreadable is an error
    // whichever would have been chosen.
    let get = |name: &str| Ok::<_, Error>(env(name)?.filter(|v| !v.trim().is_empty()));
    let first = |names: &[&'static str]| -> Result<Option<(&'static str, String)>, Error> {
        let mut found = None;
        for &name in names {
            if let Some(value) = get(name)? {
                found = found.or(Some((name, value)));
            }
        }
        Ok(found)
    };
    let no_proxy = first(&["no_proxy", "NO_PROXY"])?;
    let candidates: &[&'static str] = if target.https {
        &["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
    } else {
        &["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]
    };
    let proxy = first(candidates)?;
    if !target.https && target.is_loopback() {
        return Ok(None);
    }
    if no_proxy.is_some_and(|(_, list)| bypasses(&list, &target.host)) {
        return Ok(None);
    }
    let Some((name, value)) = proxy else {
        return Ok(None);
    };
    if !target.https {
        return Err(Error::Usage(format!(
            "refusing to send the credential in clear text through the proxy in {name}: \
             use https://, or list {} in NO_PROXY to reach it directly",
            target.host
        )));
    }
    // The value may hold the proxy's password: name the variable, never echo it.
    let proxy = ureq::Proxy::new(value.trim()).map_err(|_| {
        Error::Usage(format!(
            "{name} is not a proxy address like http://proxy.example:3128"
        ))
    })?;
    // ureq is built without SOCKS; its connector chain would go around such a proxy.
    // Only a CONNECT proxy is used, whatever protocols a later ureq may add.
    if matches!(proxy.protocol(), ProxyProtocol::Http | ProxyProtocol::Https) {
        return Ok(Some(proxy));
    }
    Err(Error::Usage(format!(
        "{name} names a SOCKS proxy, which this tool does not support: use an http:// \
         proxy, or list the portal's host in NO_PROXY"
    )))
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
            Ok(vars
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string()))
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
        assert!(
            proxy_for(&Url::parse("http://p.example").unwrap(), |name| Ok(vars
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())))
            .is_err(),
            "plain http never goes through a proxy"
        );
        assert_eq!(
            pick("https://p.example", &vars[..1]).as_deref(),
            Some("all:1")
        );
        assert_eq!(pick("https://p.example", &[]), None);
    }

    #[test]
    fn plain_http_goes_direct_to_loopback_and_never_through_a_proxy() {
        let every = [
            ("HTTP_PROXY", "http://proxyhost:3128"),
            ("ALL_PROXY", "http://proxyhost:3128"),
            ("NO_PROXY", "other.example"),
        ];
        for portal in [
            "http://127.0.0.1:8080",
            "http://127.9.9.9",
            "http://[::1]:80",
            "http://localhost:8080",
        ] {
            assert_eq!(pick(portal, &every), None, "{portal}");
        }
        let url = Url::parse("http://intranet.example").unwrap();
        let err = proxy_for(&url, |name| {
            Ok((name == "ALL_PROXY").then(|| "http://proxyhost:3128".to_string()))
        })
        .unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            err.to_string().contains("ALL_PROXY") && err.to_string().contains("NO_PROXY"),
            "{err}"
        );
        let listed = [
            ("HTTP_PROXY", "http://proxyhost:3128"),
            ("NO_PROXY", "intranet.example"),
        ];
        assert_eq!(pick("http://intranet.example", &listed), None);
        // https may still use the proxy's CONNECT tunnel, to loopback too.
        assert!(
            pick(
                "https://127.0.0.1:8443",
                &[("HTTPS_PROXY", "http://proxyhost:3128")]
            )
            .is_some()
        );
    }

    #[test]
    fn an_unreadable_variable_stops_even_if_another_would_be_chosen() {
        let url = Url::parse("https://p.example").unwrap();
        let err = proxy_for(&url, |name| match name {
            "ALL_PROXY" => Err(Error::Usage(format!(
                "{name} is set but is not valid UTF-8 text"
            ))),
            "HTTPS_PROXY" => Ok(Some("http://proxy:3128".into())),
            _ => Ok(None),
        })
        .unwrap_err();
        assert!(err.to_string().contains("ALL_PROXY"), "{err}");
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
    fn a_socks_proxy_is_refused_naming_its_variable() {
        let url = Url::parse("https://p.example").unwrap();
        let err = proxy_for(&url, |name| {
            Ok((name == "ALL_PROXY").then(|| "socks5://u:pw@127.0.0.1:9".to_string()))
        })
        .unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            err.to_string().contains("ALL_PROXY names a SOCKS proxy"),
            "{err}"
        );
        assert!(!err.to_string().contains("pw"));
    }

    #[test]
    fn a_bad_proxy_value_is_named_but_not_echoed() {
        let url = Url::parse("https://p.example").unwrap();
        let err = proxy_for(&url, |name| {
            Ok((name == "HTTPS_PROXY").then(|| "ftp://user:secret@x".to_string()))
        })
        .unwrap_err();
        assert!(err.to_string().contains("HTTPS_PROXY"));
        assert!(!err.to_string().contains("secret"));
    }
}
