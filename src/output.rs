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

/// A table for people, aligned on its first rows: they are held until `HELD` rows
/// have come (or the end), their widest cells set the columns, and from then on each
/// row is printed as it comes, a longer cell pushing its line out. So a table of
/// 10,000 guests is printed in flat memory and starts before the last page.
pub struct Table<const N: usize> {
    header: [String; N],
    held: Vec<[String; N]>,
    widths: Option<[usize; N]>,
}

const HELD: usize = 100;

impl<const N: usize> Table<N> {
    pub fn new(header: [&str; N]) -> Table<N> {
        Table {
            header: header.map(String::from),
            held: Vec::new(),
            widths: None,
        }
    }

    pub fn push(&mut self, out: &Printer, row: [String; N]) -> Result<(), Error> {
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
        if self.widths.is_none() && !self.held.is_empty() {
            self.flush(out)?;
        }
        Ok(())
    }

    fn flush(&mut self, out: &Printer) -> Result<(), Error> {
        let mut widths = [0; N];
        for row in std::iter::once(&self.header).chain(&self.held) {
            for (width, cell) in widths.iter_mut().zip(row) {
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

fn write_line(line: &str) -> Result<(), Error> {
    writeln!(std::io::stdout().lock(), "{line}")?;
    Ok(())
}
