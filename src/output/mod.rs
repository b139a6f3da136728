//! What the tool prints. `Printer`: standard output in its three forms, the example's
//! human lines, `--quiet` results and `--json` lines; `table`: tables of people and
//! rooms, or CSV; `terminal`: text made inert, and the one way to stderr (errors,
//! warnings, notices), a leaf that every layer may use.
//!
//! Guests choose their own names and a portal may be hostile, so nothing written here
//! reaches a terminal as a control: every line passes through `terminal_safe` (or, for
//! JSON and raw answers, `json_safe`), not only when the output is a terminal, since
//! cron logs are read on one later.

use std::cell::RefCell;
use std::io::Write;

use serde_json::{Value, json};

use crate::error::Error;

mod table;
pub mod terminal;
mod words;

pub use table::{Table, csv_record};
use terminal::{json_line, json_safe, terminal_safe};
pub use words::count;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

pub struct Printer {
    verbosity: Verbosity,
    json: bool,
    csv: bool,
    /// A change command's: a stdout that fails does not stop the run (it is a report
    /// of changes already under way), it is only noted in `lost`.
    keep_going: bool,
    /// Why stdout failed, once it has: nothing more is written to it.
    lost: RefCell<Option<String>>,
}

impl Printer {
    pub fn new(verbosity: Verbosity, json: bool) -> Printer {
        Printer {
            verbosity,
            json,
            csv: false,
            keep_going: false,
            lost: RefCell::new(None),
        }
    }

    /// For a change command: a closed or failing stdout is noted, not an error, so
    /// that the batch it was asked for is finished (see `lost`).
    pub fn keep_going(self) -> Printer {
        Printer {
            keep_going: true,
            ..self
        }
    }

    /// Why stdout was lost, if it was: the run's summary then goes to stderr.
    pub fn lost(&self) -> Option<String> {
        self.lost.borrow().clone()
    }

    /// A run's closing line: on stdout, or on stderr once stdout is lost.
    pub fn summary(&self, line: &str) -> Result<(), Error> {
        match self.lost() {
            Some(_) => {
                terminal::notice(line);
                Ok(())
            }
            None => self.say(line),
        }
    }

    /// Writes a line that is already safe, unless stdout is lost.
    fn emit(&self, line: &str) -> Result<(), Error> {
        if self.lost.borrow().is_some() {
            return Ok(());
        }
        match write_raw_line(line) {
            Err(err) if self.keep_going => {
                *self.lost.borrow_mut() = Some(err.to_string());
                Ok(())
            }
            other => other,
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
        self.emit(&terminal_safe(line))
    }

    /// What a script wants from --quiet (the default output says it in words).
    pub fn quiet_line(&self, line: &str) -> Result<(), Error> {
        if !self.is_quiet() {
            return Ok(());
        }
        self.emit(&terminal_safe(line))
    }

    /// --quiet, and no other form (--json, --csv) asked instead.
    fn is_quiet(&self) -> bool {
        !self.json && !self.csv && self.verbosity == Verbosity::Quiet
    }

    /// The example script's two lines for each call. The body stays exact, with
    /// its controls written as JSON `\u` escapes (a JSON answer reads back the same).
    pub fn reply_lines(&self, label: &str, status: u16, body: &str) -> Result<(), Error> {
        self.say(&format!("Status Code{label}: {status}"))?;
        if self.is_human() {
            self.emit(&format!("Raw Response{label}: {}", json_safe(body)))?;
        }
        Ok(())
    }

    /// `--dry-run`: the write `op` would send (as `Portal::describe` shows it).
    pub fn planned(&self, op: &str, request: &Value) -> Result<(), Error> {
        self.result(
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
            self.emit(&json_line(request))?;
        }
        Ok(())
    }

    /// One `--json` line: `op`, `ok`, `status` (the HTTP status, null when none was
    /// received), then the operation's fields.
    pub fn result(
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
        self.emit(&json_line(&line))
    }
}

/// For lines already made safe (JSON from `json_line`, bodies through `json_safe`).
pub(super) fn write_raw_line(line: &str) -> Result<(), Error> {
    writeln!(std::io::stdout().lock(), "{line}")?;
    Ok(())
}
