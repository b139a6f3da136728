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

/// Reads `--from`: one ID or email per line, as spreadsheets, Windows editors, ticket
/// systems and `echo` write them. Accepted: UTF-8 with or without a BOM, UTF-16 with a
/// BOM; LF, CRLF or CR line ends; blank lines, `#` comments (whole-line or after a
/// space); spaces, tabs and invisible spaces around a value; a value in quotes, with
/// trailing commas or semicolons (a one-column CSV export), as `Name <email>`, or a
/// GUID in braces; a first line that is a column title (`email`, `id`, ...). Anything
/// else is refused with the file, the line and the reason, before anything is sent.
pub fn read_targets(path: &Path) -> Result<Vec<Target>, Error> {
    read_list(path, "--from")
}

/// A list file of IDs and emails given with `flag` (`--from`, `--keep`).
pub fn read_list(path: &Path, flag: &str) -> Result<Vec<Target>, Error> {
    let shown = shown(path);
    let text = read_text(path, MAX_LIST_BYTES)
        .map_err(|why| Error::Usage(format!("{flag} {shown}{why}")))?;
    parse_list(&text, &format!("{flag} {shown}"))
}

/// The targets of a list's text; `source` (`--from FILE`) starts each error.
pub fn parse_list(text: &str, source: &str) -> Result<Vec<Target>, Error> {
    let mut targets = Vec::new();
    for (number, line) in lines(text) {
        let refuse = |why: String| Error::Usage(format!("{source}:{number}: {why}"));
        let Some(value) = list_value(line).map_err(refuse)? else {
            continue;
        };
        if targets.is_empty() && is_column_title(value) {
            continue;
        }
        let target = target(value).ok_or_else(|| {
            refuse(format!(
                "'{value}' is neither a guest ID (GUID) nor an email address"
            ))
        })?;
        targets.push(target);
    }
    Ok(targets)
}

/// The value of a `--from` line, `None` for a blank or comment line.
fn list_value(line: &str) -> Result<Option<&str>, String> {
    let line = without_comment(line);
    if line.is_empty() {
        return Ok(None);
    }
    // A one-column CSV export ends its lines with the separators of empty columns.
    let line = line.trim_end_matches([',', ';', '\t', ' ']);
    if line.contains([',', ';', '\t']) {
        return Err(format!(
            "'{line}' holds several values (columns): give one ID or email per line \
             (export that column alone)"
        ));
    }
    let value = unquote(line).trim_matches(is_blank);
    // "Jane Doe <jane@example.com>", as mail and ticket systems copy an address.
    let value = match (value.rfind('<'), value.strip_suffix('>')) {
        (Some(open), Some(inner)) => inner[open + 1..].trim(),
        _ => value,
    };
    let value = match value.strip_prefix('{').and_then(|v| v.strip_suffix('}')) {
        Some(guid) => guid,
        None => value,
    };
    if let Some(c) = value.chars().find(|c| c.is_control() || is_invisible(*c)) {
        return Err(format!(
            "the value holds an invisible character (U+{:04X}): retype it",
            c as u32
        ));
    }
    Ok(Some(value))
}

/// A line of a list or key file without its blanks and its `#` comment: a whole-line
/// one, or one after white space. No ID, email or key holds a space, so a '#' after one
/// is never part of the value ("Jane Doe <jane@example.com>  # left", "sk-…  # ops").
fn without_comment(line: &str) -> &str {
    let line = line.trim_matches(is_blank);
    if line.starts_with('#') {
        return "";
    }
    let comment = line
        .char_indices()
        .find(|&(at, c)| c == '#' && line[..at].ends_with(char::is_whitespace));
    match comment {
        Some((at, _)) => line[..at].trim_matches(is_blank),
        None => line,
    }
}

fn is_column_title(value: &str) -> bool {
    let title = value.to_ascii_lowercase().replace(['_', '-'], " ");
    matches!(
        title.as_str(),
        "id" | "ids"
            | "user id"
            | "userid"
            | "guest id"
            | "guestid"
            | "email"
            | "e mail"
            | "mail"
            | "email address"
            | "emails"
    )
}

/// The key or token in `--api-key-file`: the one value in the file, with the same
/// encodings, line ends, spaces and quotes accepted as for `--from`, and `#` comment
/// lines. A second value, or a `NAME=value` line from an env file, is refused by line
/// number; the secret itself never goes into a message.
pub fn read_secret(path: &Path) -> Result<String, Error> {
    let shown = shown(path);
    let text = read_text(path, MAX_KEY_FILE_BYTES)
        .map_err(|why| Error::Usage(format!("--api-key-file {shown}{why}")))?;
    let mut found: Option<String> = None;
    for (number, line) in lines(&text) {
        let line = without_comment(line);
        if line.is_empty() {
            continue;
        }
        let refuse = |why: &str| Error::Usage(format!("--api-key-file {shown}:{number}: {why}"));
        if found.is_some() {
            return Err(refuse(
                "a second value; the file must hold the key alone, on one line",
            ));
        }
        if is_assignment(line) {
            return Err(refuse(
                "looks like a NAME=value line of an env file; the file must hold the key \
                 alone (or set DOCSPACE_API_KEY from that env file)",
            ));
        }
        found = Some(clean_secret(line).to_string());
    }
    found.ok_or_else(|| {
        Error::Usage(format!(
            "--api-key-file {shown} holds no key (it is empty or only comments)"
        ))
    })
}

/// A secret as pasted into a file or a variable: spaces, line ends, invisible spaces
/// and one pair of quotes around it are not part of it.
pub fn clean_secret(value: &str) -> &str {
    unquote(value.trim_matches(is_blank)).trim_matches(is_blank)
}

/// `export NAME=…` or `NAME=…`; a key or token never starts so.
fn is_assignment(line: &str) -> bool {
    let line = line.strip_prefix("export ").unwrap_or(line);
    match line.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
}

/// One pair of matching quotes around a value, as CSV exports and env files write it.
pub fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}

fn is_blank(c: char) -> bool {
    c.is_whitespace() || is_invisible(c)
}

/// Zero-width spaces and joiners, and a byte-order mark inside the text.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// Lines numbered from 1, ending in LF, CRLF or a lone CR (old Mac editors).
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let text = rest?;
        match text.find(['\n', '\r']) {
            Some(i) => {
                let skip = if text[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&text[i + skip..]);
                Some(&text[..i])
            }
            None => {
                rest = None;
                (!text.is_empty()).then_some(text)
            }
        }
    })
    .enumerate()
    .map(|(i, line)| (i + 1, line))
}

fn shown(path: &Path) -> String {
    if path == Path::new("-") {
        "stdin".to_string()
    } else {
        path.display().to_string()
    }
}

/// The most a `--from` or `--keep` list may hold: room for a million guests, one a
/// line, in UTF-16; `/dev/zero` or a runaway pipe stops here, not at the memory's end.
pub const MAX_LIST_BYTES: u64 = 64 * 1024 * 1024;
/// The most an `--api-key-file` may hold: a key and some comments.
pub const MAX_KEY_FILE_BYTES: u64 = 64 * 1024;

/// The text of a file named on the command line, `-` being stdin, of at most `limit`
/// bytes: UTF-8 (a BOM is dropped) or UTF-16 with a BOM. The file may be a pipe
/// (`--from <(cmd)`): it is read as a stream. The error reads after the file's name:
/// ": reason" or ":LINE: reason".
pub fn read_text(path: &Path, limit: u64) -> Result<String, String> {
    let mut bytes = Vec::new();
    let read = if path == Path::new("-") {
        std::io::stdin()
            .lock()
            .take(limit + 1)
            .read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|file| file.take(limit + 1).read_to_end(&mut bytes))
    };
    read.map_err(|err| format!(": {err}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            ": is larger than {}, the most this input may hold; is it the right file?",
            describe_size(limit)
        ));
    }
    decode(&bytes)
}

/// "64 KiB", "64 MiB".
fn describe_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{} KiB", bytes / 1024)
    }
}

pub fn decode(bytes: &[u8]) -> Result<String, String> {
    let utf16 = |bytes: &[u8], unit: fn([u8; 2]) -> u16| {
        let units = bytes
            .chunks(2)
            .map(|pair| unit([pair[0], *pair.get(1).unwrap_or(&0)]));
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|_| ": is not valid UTF-16 text".to_string())
    };
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => utf8(rest),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes),
        _ => utf8(bytes),
    }
}

fn utf8(bytes: &[u8]) -> Result<String, String> {
    if bytes.contains(&0) {
        return Err(": is not a text file (it holds NUL bytes; UTF-16 needs a BOM)".into());
    }
    String::from_utf8(bytes.to_vec()).map_err(|err| {
        let at = err.utf8_error().valid_up_to();
        let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
        format!(":{line}: is not UTF-8 text (save the file as UTF-8)")
    })
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

/// The longest email address there is (RFC 5321's path limit, less its brackets).
pub const MAX_EMAIL_LENGTH: usize = 254;

/// `--email VALUE`, checked for what `is_email` checks; the error names the flag, and
/// a value too long for any address is not echoed whole.
pub fn check_email(flag: &str, email: &str) -> Result<(), Error> {
    if email.len() > MAX_EMAIL_LENGTH {
        return Err(Error::Usage(format!(
            "{flag} is {} bytes long; an email address has at most {MAX_EMAIL_LENGTH}",
            email.len()
        )));
    }
    if !is_email(email) {
        return Err(Error::Usage(format!(
            "{flag} '{email}' is not an email address"
        )));
    }
    Ok(())
}

/// The form check the server makes on an email (one `@` with text on both sides),
/// plus no spaces and a length an address can have, so that a typo is caught here
/// rather than as a 400.
pub fn is_email(text: &str) -> bool {
    if text.len() > MAX_EMAIL_LENGTH {
        return false;
    }
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

/// A variable of the environment, `None` when unset. One set to bytes that are not
/// UTF-8 is an error naming it: skipping it would fall back to another variable (or to
/// none) and send the key where the user did not mean it to go.
pub fn env(name: &str) -> Result<Option<String>, Error> {
    match std::env::var_os(name) {
        None => Ok(None),
        Some(value) => value.into_string().map(Some).map_err(|_| {
            Error::Usage(format!(
                "{name} is set but is not valid UTF-8 text: correct it or unset it"
            ))
        }),
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
