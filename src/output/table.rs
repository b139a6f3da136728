//! Tables of people and rooms: aligned on their first rows, or CSV with `--csv`.

use std::borrow::Cow;

use super::terminal::terminal_safe;
use super::{Printer, write_raw_line};
use crate::error::Error;

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
pub fn csv_record(cells: &[String]) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
