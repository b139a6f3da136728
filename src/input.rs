//! Checks on what the user typed, made before anything is sent.

use std::io::Read;
use std::path::Path;

use crate::error::Error;

/// A guest to act on, as the user named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Id(String),
    Email(String),
}

/// Reads `--from`: one ID or email per line; blank lines and `#` comments skipped,
/// spaces around each trimmed. A bad line is an error that names the file and line.
pub fn read_targets(path: &Path) -> Result<Vec<Target>, Error> {
    let shown = if path == Path::new("-") {
        "stdin".to_string()
    } else {
        path.display().to_string()
    };
    let text = read_text(path).map_err(|err| Error::Usage(format!("--from {shown}: {err}")))?;
    let mut targets = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let target = target(line).ok_or_else(|| {
            Error::Usage(format!(
                "{shown}:{}: '{line}' is neither a guest ID (GUID) nor an email address",
                number + 1
            ))
        })?;
        targets.push(target);
    }
    Ok(targets)
}

/// The whole of a file named on the command line, `-` being stdin.
pub fn read_text(path: &Path) -> std::io::Result<String> {
    let mut text = String::new();
    if path == Path::new("-") {
        std::io::stdin().read_to_string(&mut text)?;
    } else {
        std::fs::File::open(path)?.read_to_string(&mut text)?;
    }
    Ok(text)
}

/// A GUID is an ID; anything with an `@` must be an email.
pub fn target(text: &str) -> Option<Target> {
    if let Some(id) = guid(text) {
        Some(Target::Id(id))
    } else if is_email(text.trim()) {
        Some(Target::Email(text.trim().to_string()))
    } else {
        None
    }
}

/// A user id in DocSpace's 36-character GUID form, returned lowercased as the
/// server writes ids.
pub fn guid(text: &str) -> Option<String> {
    let text = text.trim();
    let groups: Vec<&str> = text.split('-').collect();
    let lengths_match = groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.chars().all(|c| c.is_ascii_hexdigit()));
    lengths_match.then(|| text.to_ascii_lowercase())
}

/// The form check the server makes on an email (one `@` with text on both sides),
/// plus no spaces, so that a typo is caught here rather than as a 400.
pub fn is_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !text.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_checked_and_lowercased() {
        assert_eq!(
            guid("3F2B9C1E-7A44-4D0B-9A0E-5C1D2E3F4A5B").as_deref(),
            Some("3f2b9c1e-7a44-4d0b-9a0e-5c1d2e3f4a5b")
        );
        for bad in [
            "",
            "3f2b9c1e7a444d0b9a0e5c1d2e3f4a5b",
            "3f2b9c1e-7a44-4d0b-9a0e-5c1d2e3f4a5",
            "3f2b9c1e-7a44-4d0b-9a0e-5c1d2e3f4a5g",
            "{3f2b9c1e-7a44-4d0b-9a0e-5c1d2e3f4a5b}",
        ] {
            assert_eq!(guid(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn emails_need_one_at_with_text_around_it() {
        assert!(is_email("jane@example.com"));
        assert!(is_email("o'neil+tag@sub.example.org"));
        for bad in [
            "",
            "jane",
            "@example.com",
            "jane@",
            "a@b@c",
            "ja ne@x.org",
            "jane@.org",
        ] {
            assert!(!is_email(bad), "{bad:?}");
        }
    }
}
