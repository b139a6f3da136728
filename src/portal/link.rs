//! Guest sharing links. DocSpace names the guest to approve by the query string of the
//! link (sent as the `confirm` header), so the tool accepts the link in each form an
//! admin may have been handed and reduces it to that query string.

use crate::net::url::Url;

#[derive(Debug, PartialEq, Eq)]
pub enum GuestLink {
    /// `https://<portal>/s/<key>`: must be resolved by following its redirect.
    Short(Url),
    /// The query string `type=GuestShareLink&key=…&encemail=…&uid=…`, and the URL it
    /// came with, if any.
    Confirm { query: String, url: Option<Url> },
}

/// Reads the `--link` value: a short link, a full confirm link or a bare query string.
pub fn parse(text: &str) -> Result<GuestLink, String> {
    let text = text.trim();
    if !text.contains("://") {
        return confirm_query(text).map(|query| GuestLink::Confirm { query, url: None });
    }
    let url = Url::parse(text)?;
    if url.path.starts_with("/s/") && url.path.len() > 3 && url.query.is_none() {
        return Ok(GuestLink::Short(url));
    }
    let query = confirm_query_of(&url)?;
    Ok(GuestLink::Confirm {
        query,
        url: Some(url),
    })
}

/// The query string of a full `…/confirm/GuestShareLink?…` link, checked.
pub fn confirm_query_of(url: &Url) -> Result<String, String> {
    if !url.path.contains("/confirm/") {
        return Err(format!(
            "{url} is not a guest sharing link (expected /s/<key> or /confirm/GuestShareLink?…)"
        ));
    }
    confirm_query(url.query.as_deref().unwrap_or_default())
}

/// Checks that a query string is a guest sharing link's and returns it unchanged: the
/// server verifies the key over the exact parameters it issued.
fn confirm_query(query: &str) -> Result<String, String> {
    if query.is_empty() || !query.chars().all(|c| c.is_ascii_graphic()) {
        return Err("is not a sharing link or its query string (type=GuestShareLink&key=…)".into());
    }
    let value = |name: &str| {
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value)
            .filter(|value| !value.is_empty())
    };
    match value("type") {
        Some("GuestShareLink") => {}
        Some(other) => {
            return Err(format!(
                "is a '{other}' link, not a guest sharing link (type=GuestShareLink)"
            ));
        }
        None => return Err("has no type=GuestShareLink".into()),
    }
    for required in ["key", "encemail"] {
        if value(required).is_none() {
            return Err(format!(
                "has no '{required}' parameter; copy the whole link"
            ));
        }
    }
    Ok(query.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUERY: &str = "type=GuestShareLink&key=123.ABC&encemail=xyz&uid=42";

    #[test]
    fn accepts_the_three_forms() {
        assert!(matches!(
            parse("https://p.example/s/abcdefghijklmno"),
            Ok(GuestLink::Short(_))
        ));
        let full = parse(&format!("https://p.example/confirm/GuestShareLink?{QUERY}")).unwrap();
        assert!(matches!(full, GuestLink::Confirm { ref query, url: Some(_) } if query == QUERY));
        assert_eq!(
            parse(QUERY).unwrap(),
            GuestLink::Confirm {
                query: QUERY.into(),
                url: None
            }
        );
    }

    #[test]
    fn refuses_other_links_and_incomplete_ones() {
        for bad in [
            "type=LinkInvite&key=1&encemail=2",
            "type=GuestShareLink&encemail=2",
            "type=GuestShareLink&key=1",
            "type=GuestShareLink&key=&encemail=2",
            "https://p.example/rooms/shared",
            "https://p.example/confirm/GuestShareLink",
            "key=1 encemail=2",
            "",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
