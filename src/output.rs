//! Standard output in its three forms: the example's human lines, `--quiet` results,
//! and `--json` lines. Errors go to stderr from `main`, whatever the form.

use std::io::Write;

use serde_json::{Value, json};

use crate::api::Reply;
use crate::cli::Verbosity;
use crate::error::Error;

pub struct Printer {
    verbosity: Verbosity,
    json: bool,
}

impl Printer {
    pub fn new(verbosity: Verbosity, json: bool) -> Printer {
        Printer { verbosity, json }
    }

    pub fn is_json(&self) -> bool {
        self.json
    }

    /// Whether `say` prints: not --quiet, not --json.
    pub fn is_human(&self) -> bool {
        !self.json && self.verbosity != Verbosity::Quiet
    }

    /// A line of the default output; not shown with --quiet or --json.
    pub fn say(&self, line: &str) -> Result<(), Error> {
        if !self.is_human() {
            return Ok(());
        }
        write_line(line)
    }

    /// What a script wants from --quiet (the default output says it in words).
    pub fn result(&self, line: &str) -> Result<(), Error> {
        if self.json || self.verbosity != Verbosity::Quiet {
            return Ok(());
        }
        write_line(line)
    }

    /// The example script's two lines for each call.
    pub fn exchange(&self, label: &str, reply: &Reply) -> Result<(), Error> {
        self.say(&format!("Status Code{label}: {}", reply.status))?;
        self.say(&format!("Raw Response{label}: {}", reply.body))
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
        self.result(&request.to_string())
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
        write_line(&line.to_string())
    }
}

fn write_line(line: &str) -> Result<(), Error> {
    writeln!(std::io::stdout().lock(), "{line}")?;
    Ok(())
}
