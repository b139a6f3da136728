//! Standard output in its three forms: the example's human lines, `--quiet` results,
//! and `--json` lines; and the one way to stderr, for errors, warnings and notices.
//!
//! Guests choose their own names and a portal may be hostile, so nothing written here
//! reaches a terminal as a control: every line passes through `terminal_safe` (or, for
//! JSON and raw answers, `json_safe`), not only when the output is a terminal, since
//! cron logs are read on one later.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write;

use serde_json::{Value, json};

use crate::cli::Verbosity;
use crate::error::Error;
use crate::net::http::Reply;

pub struct Printer {
    verbosity: Verbosity,
    json: bool,
    csv: bool,
}

impl Printer {
    pub fn new(verbosity: Verbosity, json: bool) -> Printer {
        Printer {
            verbosity,
            json,
            csv: false,
        }
    }

    /// `--csv`: tables are written as CSV, and nothing else goes to stdout.
    pub fn with_csv(self, csv: bool) -> Printer {
        Printer { csv, ..self }
    }

    pub fn is_json(&self) -> bool {
        self.json
    }

    /// Whether `say` prints: not --quiet, not --json, not --csv.
    pub fn is_human(&self) -> bool {
        !self.json && !self.csv && self.verbosity != Verbosity::Quiet
    }

    /// Whether a `Table` pushed to is printed, as a table or as CSV.
    pub fn shows_tables(&self) -> bool {
        self.is_human() || self.csv
    }

    /// A line of the default output; not shown with --quiet or --json.
    pub fn say(&self, line: &str) -> Result<(), Error> {
        if !self.is_human() {
            return Ok(());
        }
        write_line(line)
    }

    /// What a script wants from --quiet (the default output says it in words).
    pub fn quiet_line(&self, line: &str) -> Result<(), Error> {
        if !self.is_quiet() {
            return Ok(());
        }
        write_line(line)
    }

    /// --quiet, and no other form (--json, --csv) asked instead.
    fn is_quiet(&self) -> bool {
        !self.json && !self.csv && self.verbosity == Verbosity::Quiet
    }

    /// The example script's two lines for each call. The body stays exact, with
    /// its controls written as JSON `\u` escapes (a JSON answer reads back the same).
    pub fn reply_lines(&self, label: &str, reply: &Reply) -> Result<(), Error> {
        self.say(&format!("Status Code{label}: {}", reply.status))?;
        if self.is_human() {
            write_raw_line(&format!("Raw Response{label}: {}", json_safe(&reply.body)))?;
        }
        Ok(())
    }

    /// `--dry-run`: the write `op` would send (as `Portal::describe` shows it).
    pub fn planned(&self, op: &str, request: &Value) -> Result<(), Error> {
        self.record(
            op,
            true,
            None,
            json!({ "dry_run": true, "request": request }),
        )?;
        let text = |value: &Value| value.as_str().unwrap_or_default().to_string();
        self.say(&format!(
            "Would send: {} {}",
            text(&request["method"]),
            text(&request["url"])
        ))?;
        if let Some(headers) = request["headers"].as_object() {
            for (name, value) in headers {
                self.say(&format!("  {name}: {}", text(value)))?;
            }
        }
        self.say(&format!("  {}", request["body"]))?;
        if self.is_quiet() {
            write_raw_line(&json_line(request))?;
        }
        Ok(())
    }

    /// One `--json` line: `op`, `ok`, `status` (the HTTP status, null when none was
    /// received), then the operation's fields.
    pub fn record(
        &self,
        op: &str,
        ok: bool,
        status: Option<u16>,
        data: Value,
    ) -> Result<(), Error> {
        if !self.json {
            return Ok(());
        }
        let mut line = json!({ "op": op, "ok": ok, "status": status });
        if let (Some(line), Value::Object(data)) = (line.as_object_mut(), data) {
            line.extend(data);
        }
        write_raw_line(&json_line(&line))
    }
}

/// A table for people, aligned on its first rows: they are held until `HELD` rows
/// have come (or the end), their widest cells set the columns, and from then on each
/// row is printed as it comes, a longer cell pushing its line out. So a table of
/// 10,000 guests is printed in flat memory and starts before the last page.
/// With `--csv` it is CSV instead: the header row, then each row as it comes.
pub struct Table<const N: usize> {
    header: [String; N],
    held: Vec<[String; N]>,
    widths: Option<[usize; N]>,
    csv_started: bool,
}

const HELD: usize = 100;

impl<const N: usize> Table<N> {
    pub fn new(header: [&str; N]) -> Table<N> {
        Table {
            header: header.map(String::from),
            held: Vec::new(),
            widths: None,
            csv_started: false,
        }
    }

    pub fn push(&mut self, out: &Printer, row: [String; N]) -> Result<(), Error> {
        if out.csv {
            self.start_csv()?;
            return write_raw_line(&csv_record(&row));
        }
        let row = row.map(|cell| match terminal_safe(&cell) {
            Cow::Borrowed(_) => cell,
            Cow::Owned(safe) => safe,
        });
        match self.widths {
            Some(widths) => print_row(out, &row, widths),
            None => {
                self.held.push(row);
                if self.held.len() >= HELD {
                    self.flush(out)?;
                }
                Ok(())
            }
        }
    }

    /// Prints what is held; a table without rows prints nothing.
    pub fn finish(mut self, out: &Printer) -> Result<(), Error> {
        if out.csv {
            // A spreadsheet of no rows still has its columns.
            return self.start_csv();
        }
        if self.widths.is_none() && !self.held.is_empty() {
            self.flush(out)?;
        }
        Ok(())
    }

    fn start_csv(&mut self) -> Result<(), Error> {
        if !std::mem::replace(&mut self.csv_started, true) {
            write_raw_line(&csv_record(&self.header))?;
        }
        Ok(())
    }

    fn flush(&mut self, out: &Printer) -> Result<(), Error> {
        let mut widths = [0; N];
        for row in std::iter::once(&self.header).chain(&self.held) {
            for (width, cell) in widths.iter_mut().zip(row) {
                // Cells are measured as they will be printed, escapes and all.
                *width = (*width).max(cell.chars().count());
            }
        }
        self.widths = Some(widths);
        print_row(out, &self.header, widths)?;
        for row in std::mem::take(&mut self.held) {
            print_row(out, &row, widths)?;
        }
        Ok(())
    }
}

fn print_row<const N: usize>(
    out: &Printer,
    row: &[String; N],
    widths: [usize; N],
) -> Result<(), Error> {
    let cells: Vec<String> = row
        .iter()
        .zip(widths)
        .map(|(cell, width)| format!("{cell:width$}"))
        .collect();
    out.say(cells.join("  ").trim_end())
}

/// One CSV record (RFC 4180), its CRLF included. A cell a spreadsheet would run as a
/// formula (one starting with = + - @, a tab or a CR) gets a leading `'`, so that it
/// shows as the text it is; then controls are made inert as everywhere (a line end
/// inside a name becomes `\n`, so each record is one line), and a cell with a comma,
/// a quote or a space at an end is quoted, its quotes doubled.
fn csv_record(cells: &[String]) -> String {
    let mut line = String::new();
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        let guarded = match cell.chars().next() {
            Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
            _ => cell.clone(),
        };
        let safe = terminal_safe(&guarded);
        if safe.contains([',', '"']) || safe.trim() != safe {
            line.push('"');
            line.push_str(&safe.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(&safe);
        }
    }
    line.push('\r');
    line
}

fn write_line(line: &str) -> Result<(), Error> {
    write_raw_line(&terminal_safe(line))
}

/// For lines already made safe (JSON from `json_line`, bodies through `json_safe`).
fn write_raw_line(line: &str) -> Result<(), Error> {
    writeln!(std::io::stdout().lock(), "{line}")?;
    Ok(())
}

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
    fn csv_quotes_doubles_and_guards_formulas() {
        let cells = [
            "=HYPERLINK(\"x\")",
            "+1",
            "-2",
            "@SUM(A1)",
            "\tx",
            "a,b",
            "plain",
            "O'Neil \"Jr\"",
            "a\nb",
        ]
        .map(String::from);
        assert_eq!(
            csv_record(&cells),
            "\"'=HYPERLINK(\"\"x\"\")\",'+1,'-2,'@SUM(A1),'\\tx,\"a,b\",plain,\
             \"O'Neil \"\"Jr\"\"\",a\\nb\r"
        );
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
