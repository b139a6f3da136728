//! Making text inert for a terminal, and the one way to stderr (errors, warnings,
//! notices). A leaf: every layer may write a warning, and this module uses none.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write;

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
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) {
            write_escape(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
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
}
