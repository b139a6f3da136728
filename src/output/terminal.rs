//! Making text inert for a terminal, and the one way to stderr (errors, warnings,
//! notices). A leaf: every layer may write a warning, and this module uses none.
//!
//! Inert also means without the credential: a portal, a proxy or a guest's name may
//! echo it, so every text made safe here has the secrets `hide` was given masked, and
//! every writer (stdout, stderr, --json, traces, the record) writes only such text.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write;
use std::sync::RwLock;

use serde_json::Value;

/// A warning on stderr: the run goes on.
pub fn warn(message: &str) {
    notice(&format!("warning: {message}"));
}

/// A line on stderr, after the tool's name: errors, warnings, waits, prompts' lines.
/// A closed stderr is no reason to stop the work.
pub fn notice(message: &str) {
    let _ = writeln!(
        std::io::stderr().lock(),
        "docspace-guest: {}",
        terminal_safe(message)
    );
}

/// Characters that a terminal takes as commands or that reorder what it shows: the C0
/// and C1 controls, DEL, and Unicode's bidirectional marks, embeddings, overrides and
/// isolates (a guest named "\u{202E}moc.elpmaxe" would read as another address).
fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character shown as an escape a person can read:
/// `\t`, `\n`, `\r`, `\x1b`, `\u{202e}`. Everything else is left as it is.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    escape(text, |c, out| {
        let _ = match c {
            '\t' => write!(out, "\\t"),
            '\n' => write!(out, "\\n"),
            '\r' => write!(out, "\\r"),
            c if (c as u32) < 0x80 => write!(out, "\\x{:02x}", c as u32),
            c => write!(out, "\\u{{{:x}}}", c as u32),
        };
    })
}

/// `text` with every unsafe character written as a JSON `\u` escape, so JSON text
/// keeps its value: serde_json escapes only C0, and would let DEL, C1 and the bidi
/// marks through.
pub fn json_safe(text: &str) -> Cow<'_, str> {
    escape(text, |c, out| {
        let _ = write!(out, "\\u{:04x}", c as u32);
    })
}

/// One `--json` line: the value, with no character a terminal acts on.
pub fn json_line(value: &Value) -> String {
    json_safe(&value.to_string()).into_owned()
}

fn escape(text: &str, write_escape: impl Fn(char, &mut String)) -> Cow<'_, str> {
    let escaped = if text.chars().any(is_unsafe) {
        let mut out = String::with_capacity(text.len() + 16);
        for c in text.chars() {
            if is_unsafe(c) {
                write_escape(c, &mut out);
            } else {
                out.push(c);
            }
        }
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    };
    // Masked after escaping: what is masked is what would be written.
    if let Some(masked) = mask(&escaped) {
        return Cow::Owned(masked);
    }
    escaped
}

/// What a masked secret reads as.
pub const MASKED: &str = "<redacted>";

/// A piece of a secret this long gives too much of it away: every such piece is
/// masked wherever it appears, not only the whole secret.
const PIECE: usize = 16;

/// The secrets of this run, from `hide`.
static SECRETS: RwLock<Vec<Secret>> = RwLock::new(Vec::new());

/// One secret, as the pieces to look for.
struct Secret {
    bytes: Vec<u8>,
    /// `PIECE`, or the whole secret's length when it is shorter.
    len: usize,
    /// The bytes the secret holds, and which byte follows which in it (`a << 8 | b`):
    /// a window with any other byte or pair cannot match, so text costs two table
    /// look-ups a byte, and a comparison only where such a run is as long as a piece.
    holds: [bool; 256],
    pairs: Vec<bool>,
}

impl Secret {
    fn new(bytes: Vec<u8>) -> Secret {
        let mut holds = [false; 256];
        let mut pairs = vec![false; 1 << 16];
        for (i, &b) in bytes.iter().enumerate() {
            holds[usize::from(b)] = true;
            if let Some(&next) = bytes.get(i + 1) {
                pairs[pair(b, next)] = true;
            }
        }
        let len = bytes.len().min(PIECE);
        Secret {
            bytes,
            len,
            holds,
            pairs,
        }
    }

    fn has_piece(&self, window: &[u8]) -> bool {
        self.bytes.windows(self.len).any(|piece| piece == window)
    }

    /// `text` with each of its runs of pieces replaced by `MASKED`; `None` if none.
    fn masked(&self, text: &str) -> Option<String> {
        let bytes = text.as_bytes();
        let mut out = String::new();
        let (mut copied, mut run) = (0, 0);
        for (end, &b) in bytes.iter().enumerate() {
            run = if !self.holds[usize::from(b)] {
                0
            } else if run > 0 && self.pairs[pair(bytes[end - 1], b)] {
                run + 1
            } else {
                1
            };
            let start = (end + 1).saturating_sub(self.len);
            if run < self.len || !self.has_piece(&bytes[start..=end]) {
                continue;
            }
            // A piece that overlaps the one before extends what is masked.
            if start >= copied {
                out.push_str(&text[copied..start]);
                out.push_str(MASKED);
            }
            copied = end + 1;
        }
        if out.is_empty() {
            return None;
        }
        out.push_str(&text[copied..]);
        Some(out)
    }
}

fn pair(first: u8, second: u8) -> usize {
    usize::from(first) << 8 | usize::from(second)
}

/// Masks `secret` (and every piece of `PIECE` characters of it) in everything this
/// module makes safe from now on. The credential calls it when it is read, so no
/// writer has to remember. It holds printable ASCII only (`Credential::new` checks),
/// so a match never splits a character; its JSON form is hidden too, for a secret
/// with `"` or `\` in it.
pub fn hide(secret: &str) {
    let json = Value::from(secret).to_string();
    let json = &json[1..json.len() - 1];
    let mut secrets = SECRETS
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    for form in [secret, json] {
        let bytes = form.as_bytes().to_vec();
        if !bytes.is_empty() && !secrets.iter().any(|s| s.bytes == bytes) {
            secrets.push(Secret::new(bytes));
        }
    }
}

/// `text` with every piece of a hidden secret replaced by `MASKED`; `None` when it
/// holds none.
fn mask(text: &str) -> Option<String> {
    let secrets = SECRETS
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut masked: Option<String> = None;
    for secret in secrets.iter() {
        if let Some(less) = secret.masked(masked.as_deref().unwrap_or(text)) {
            masked = Some(less);
        }
    }
    masked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_marks_become_visible() {
        assert_eq!(terminal_safe("Jane Doe"), "Jane Doe");
        assert_eq!(
            terminal_safe("a\u{1b}]0;owned\u{7}b\u{1b}[2J\r\n\t"),
            "a\\x1b]0;owned\\x07b\\x1b[2J\\r\\n\\t"
        );
        assert_eq!(
            terminal_safe("\u{7f}\u{9b}\u{202e}x\u{2066}"),
            "\\x7f\\u{9b}\\u{202e}x\\u{2066}"
        );
        assert_eq!(terminal_safe("Zoë 李"), "Zoë 李");
    }

    #[test]
    fn json_keeps_its_value_with_every_unsafe_character_escaped() {
        let name = "E\u{1b}[2J\u{7f}\u{85}\u{202e}moc.x\u{2069}\n";
        let line = json_line(&serde_json::json!({ "displayName": name }));
        assert!(!line.chars().any(is_unsafe), "{line}");
        assert!(
            line.contains("\\u202e") && line.contains("\\u007f"),
            "{line}"
        );
        let back: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(back["displayName"], name);
    }

    #[test]
    fn a_secret_and_every_long_piece_of_it_are_masked() {
        let secret = "sk-masktest0123456789abcdef0123456789";
        hide(secret);
        assert_eq!(
            terminal_safe(&format!("400: Bearer {secret}\n")),
            "400: Bearer <redacted>\\n"
        );
        // 16 characters of it, anywhere.
        let piece = &secret[5..21];
        assert_eq!(terminal_safe(&format!("[{piece}]")), "[<redacted>]");
        let two = format!("{}, {}", &secret[..16], &secret[20..36]);
        assert_eq!(terminal_safe(&two), "<redacted>, <redacted>");
        // 15 characters are not enough to tell it, and are left.
        assert_eq!(terminal_safe(&secret[5..20]), &secret[5..20]);
        let line = json_line(&serde_json::json!({ "echo": secret, "name": "Zoë" }));
        assert_eq!(line, r#"{"echo":"<redacted>","name":"Zoë"}"#);
        assert_eq!(json_safe(&format!("\u{7f}{secret}")), "\\u007f<redacted>");
    }
}
