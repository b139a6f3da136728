//! Just enough URL handling for portal addresses, sharing links and redirect targets:
//! absolute `http`/`https` URLs, compared by scheme, host and port.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    pub https: bool,
    /// Lowercase; an IPv6 address without its brackets.
    pub host: String,
    pub port: u16,
    /// Starts with `/`; no query.
    pub path: String,
    pub query: Option<String>,
}

impl Url {
    /// Parses an absolute URL. The error says what is wrong, for the caller to put
    /// behind the name of the flag or header the URL came from.
    pub fn parse(text: &str) -> Result<Url, String> {
        let text = text.trim();
        let (https, rest) = if let Some(rest) = strip_prefix_ignore_case(text, "https://") {
            (true, rest)
        } else if let Some(rest) = strip_prefix_ignore_case(text, "http://") {
            (false, rest)
        } else {
            return Err("must start with https:// (or http://)".into());
        };
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("must not contain spaces or control characters".into());
        }
        let rest = rest.split('#').next().unwrap_or_default();
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path_and_query) = rest.split_at(authority_end);
        if authority.contains('@') {
            // A password in a URL ends up in shell history and process lists.
            return Err("must not contain a user name or password".into());
        }
        let (host, port) = split_host_port(authority)?;
        let port = match port {
            Some(port) => port,
            None if https => 443,
            None => 80,
        };
        let (path, query) = match path_and_query.split_once('?') {
            Some((path, query)) => (path, Some(query.to_string())),
            None => (path_and_query, None),
        };
        let path = if path.is_empty() { "/" } else { path };
        Ok(Url {
            https,
            host: host.to_ascii_lowercase(),
            port,
            path: path.to_string(),
            query,
        })
    }

    /// Resolves a redirect's `Location` against this URL.
    pub fn join(&self, location: &str) -> Result<Url, String> {
        if location.starts_with("//") {
            let scheme = if self.https { "https:" } else { "http:" };
            Url::parse(&format!("{scheme}{location}"))
        } else if location.starts_with('/') {
            Url::parse(&format!("{}{location}", self.origin()))
        } else {
            Url::parse(location)
        }
    }

    /// `scheme://host[:port]`, the port only when it is not the scheme's default.
    pub fn origin(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        let default_port = if self.https { 443 } else { 80 };
        if self.port == default_port {
            format!("{scheme}://{host}")
        } else {
            format!("{scheme}://{host}:{}", self.port)
        }
    }

    /// Same host and port; the scheme may differ (a portal may send http to https).
    pub fn same_host(&self, other: &Url) -> bool {
        self.host == other.host && self.port == other.port
    }

    /// Whether the host is this machine, by its form alone: the one decision behind
    /// both the clear-text exception for loopback and where it connects
    /// (`loopback_addresses`).
    pub fn is_loopback(&self) -> bool {
        loopback_addresses(&self.host).is_some()
    }
}

/// Where a loopback host connects, decided without asking any resolver: a loopback
/// IP address, or `localhost` and the names under `.localhost`, which are loopback by
/// name (RFC 6761 §6.3; curl 7.78 and later connect them so too), whatever
/// /etc/hosts or DNS would say. `None` for every other host. `host` as in a URL,
/// an IPv6 address with or without its brackets.
pub fn loopback_addresses(host: &str) -> Option<Vec<IpAddr>> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = host.parse::<IpAddr>() {
        return ip.is_loopback().then(|| vec![ip]);
    }
    let name = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    (name == "localhost" || name.ends_with(".localhost"))
        .then(|| vec![Ipv4Addr::LOCALHOST.into(), Ipv6Addr::LOCALHOST.into()])
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.origin(), self.path)?;
        match &self.query {
            Some(query) => write!(f, "?{query}"),
            None => Ok(()),
        }
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn split_host_port(authority: &str) -> Result<(&str, Option<u16>), String> {
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (host, after) = bracketed
            .split_once(']')
            .ok_or("has an unclosed [ in its host")?;
        if host.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(format!("has an invalid IPv6 address [{host}]"));
        }
        match after {
            "" => (host, None),
            _ => (
                host,
                Some(after.strip_prefix(':').ok_or("has junk after ]")?),
            ),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let valid_name = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_';
    if host.is_empty() || (!host.contains(':') && !host.chars().all(valid_name)) {
        return Err("has no valid host name".into());
    }
    let port = match port {
        // Digits only: `parse` would also take "+8080".
        Some(port) => Some(
            Some(port)
                .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|p| p.parse::<u16>().ok())
                .filter(|p| *p != 0)
                .ok_or_else(|| format!("has an invalid port '{port}'"))?,
        ),
        None => None,
    };
    Ok((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_parts_and_default_ports() {
        let url = Url::parse("HTTPS://Portal.Example.com/s/abc?x=1#frag").unwrap();
        assert_eq!(url.host, "portal.example.com");
        assert_eq!(url.port, 443);
        assert_eq!(url.path, "/s/abc");
        assert_eq!(url.query.as_deref(), Some("x=1"));
        assert_eq!(url.to_string(), "https://portal.example.com/s/abc?x=1");
        assert_eq!(
            Url::parse("http://[::1]:8080").unwrap().origin(),
            "http://[::1]:8080"
        );
    }

    #[test]
    fn refuses_what_is_not_a_plain_web_address() {
        for bad in [
            "portal.example.com",
            "ftp://x",
            "https://user:pw@host/",
            "https:///path",
            "https://host:0/",
            "https://host:99999/",
            "http://127.0.0.1:+8080",
            "https://host:/",
            "https://ho st/",
        ] {
            assert!(Url::parse(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn joins_redirect_locations() {
        let base = Url::parse("https://portal.example.com/s/abc").unwrap();
        assert_eq!(
            base.join("/confirm/x?y=1").unwrap().to_string(),
            "https://portal.example.com/confirm/x?y=1"
        );
        assert_eq!(base.join("//other.example/").unwrap().host, "other.example");
        assert!(base.join("http://127.0.0.1:1/").unwrap().is_loopback());
    }

    #[test]
    fn loopback_is_decided_by_the_hosts_form_and_connects_there() {
        let both: Vec<IpAddr> = vec![Ipv4Addr::LOCALHOST.into(), Ipv6Addr::LOCALHOST.into()];
        for name in [
            "localhost",
            "LocalHost.",
            "portal.localhost",
            "[::1]",
            "127.0.0.9",
        ] {
            let url = Url::parse(&format!("http://{name}:8080/")).unwrap();
            assert!(url.is_loopback(), "{name}");
        }
        assert_eq!(loopback_addresses("localhost"), Some(both.clone()));
        assert_eq!(loopback_addresses("a.b.localhost"), Some(both));
        assert_eq!(
            loopback_addresses("[::1]"),
            Some(vec![Ipv6Addr::LOCALHOST.into()])
        );
        assert_eq!(
            loopback_addresses("127.0.0.2"),
            Some(vec!["127.0.0.2".parse().unwrap()])
        );
        for other in [
            "localhost.example.com",
            "mylocalhost",
            "10.0.0.1",
            "::2",
            "example.com",
        ] {
            assert_eq!(loopback_addresses(other), None, "{other}");
        }
    }
}
