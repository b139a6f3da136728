//! A review sheet: written as RFC 4180 CSV with the formula guard of `--csv`, read
//! back from whatever a spreadsheet made of it: a BOM, CRLF or LF, `;` or `,`, columns
//! reordered or added, Windows-1252 when it is not UTF-8, the guard's `'`, and
//! decisions in any case with spaces around. Every cell stays text.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use ring::digest;

use crate::error::Error;
use crate::output::csv_record;

/// The columns of a sheet, in the order written; a reader finds them by name.
pub const COLUMNS: [&str; 13] = [
    "room_id",
    "room",
    "guest_id",
    "guest_email",
    "guest_name",
    "role",
    "last_sign_in",
    "recommendation",
    "why",
    "applicable",
    "due",
    "decision",
    "comment",
];

/// The most a sheet that came back may hold.
const MAX_SHEET_BYTES: u64 = 64 * 1024 * 1024;

/// Rows being added to a sheet: the sheet is created with a BOM (Excel then reads it
/// as UTF-8) and the header row, then opened to append a room's rows at a time.
pub struct Writer {
    file: BufWriter<File>,
}

impl Writer {
    /// A new file, never one that exists.
    pub fn create(path: &Path) -> Result<Writer, Error> {
        let mut writer = Writer::open(path, File::options().write(true).create_new(true))?;
        writer.put(b"\xEF\xBB\xBF")?;
        writer.row(&COLUMNS.map(String::from))?;
        Ok(writer)
    }

    pub fn append(path: &Path) -> Result<Writer, Error> {
        Writer::open(path, File::options().append(true))
    }

    fn open(path: &Path, options: &std::fs::OpenOptions) -> Result<Writer, Error> {
        let file = options
            .open(path)
            .map_err(|err| Error::Local(format!("cannot write {}: {err}", path.display())))?;
        Ok(Writer {
            file: BufWriter::new(file),
        })
    }

    pub fn row(&mut self, cells: &[String]) -> Result<(), Error> {
        let mut line = csv_record(cells);
        line.push('\n');
        self.put(line.as_bytes())
    }

    fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.file
            .write_all(bytes)
            .map_err(|err| Error::Local(format!("cannot write a sheet: {err}")))
    }

    pub fn finish(self) -> Result<(), Error> {
        self.file
            .into_inner()
            .map(drop)
            .map_err(|err| Error::Local(format!("cannot write a sheet: {}", err.error())))
    }
}

/// The SHA-256 of a file as it is on disk, read a block at a time; synced first.
pub fn sha256_of(path: &Path) -> Result<String, Error> {
    use std::io::Read;
    let failed =
        |err: std::io::Error| Error::Local(format!("cannot read {}: {err}", path.display()));
    let mut file = File::open(path).map_err(failed)?;
    file.sync_all().map_err(failed)?;
    let mut context = digest::Context::new(&digest::SHA256);
    let mut block = [0; 16 * 1024];
    loop {
        match file.read(&mut block).map_err(failed)? {
            0 => return Ok(hex(context.finish().as_ref())),
            n => context.update(&block[..n]),
        }
    }
}

pub fn sha256(bytes: &[u8]) -> String {
    hex(digest::digest(&digest::SHA256, bytes).as_ref())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A row that came back: where it is, and its cells by column name.
pub struct Row {
    pub line: usize,
    pub room: String,
    pub guest: String,
    pub decision: String,
}

/// A sheet as it came back: its SHA-256 and its rows.
pub struct Sheet {
    pub sha256: String,
    pub rows: Vec<Row>,
}

/// Reads a returned sheet; `Err` is the problem, with FILE:LINE where it has one.
pub fn read(path: &Path) -> Result<Sheet, String> {
    let name = path.display();
    let mut bytes = Vec::new();
    use std::io::Read;
    File::open(path)
        .and_then(|f| f.take(MAX_SHEET_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|err| format!("{name}: cannot be read: {err}"))?;
    if bytes.len() as u64 > MAX_SHEET_BYTES {
        return Err(format!("{name}: is larger than 64 MiB: not a review sheet"));
    }
    // A workbook saved under the sheet's name: a ZIP (xlsx, ods) or an OLE file (xls).
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err(format!(
            "{name}: is a spreadsheet workbook, not CSV: save it as CSV (comma or \
             semicolon separated) under this name"
        ));
    }
    let sha256 = sha256(&bytes);
    let text = decode(&bytes);
    let records = records(&text);
    let Some((_, header)) = records.first() else {
        return Err(format!("{name}:1: is empty: no header row"));
    };
    let column = |wanted: &str| {
        header
            .iter()
            .position(|cell| unguard(cell).trim().eq_ignore_ascii_case(wanted))
    };
    let (Some(room), Some(guest), Some(decision)) =
        (column("room_id"), column("guest_id"), column("decision"))
    else {
        return Err(format!(
            "{name}:1: the header row lacks room_id, guest_id or decision: keep the \
             sheet's first row as it was written"
        ));
    };
    let cell = |cells: &[String], at: usize| {
        unguard(cells.get(at).map_or("", String::as_str))
            .trim()
            .to_string()
    };
    let rows = records[1..]
        .iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .map(|(line, cells)| Row {
            line: *line,
            room: cell(cells, room),
            guest: cell(cells, guest).to_lowercase(),
            decision: cell(cells, decision).to_lowercase(),
        })
        .collect();
    Ok(Sheet { sha256, rows })
}

/// The text: UTF-8 without its BOM, or else Windows-1252 (Excel's "CSV" in western
/// Windows locales).
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
    }
}

/// Windows-1252: Latin-1 but for 0x80-0x9F (the five unassigned are kept as C1).
fn windows_1252(byte: u8) -> char {
    const HIGH: [u16; 32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
        0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ];
    match byte {
        0x80..=0x9F => char::from_u32(u32::from(HIGH[usize::from(byte - 0x80)])).unwrap_or('?'),
        _ => char::from(byte),
    }
}

/// The formula guard's `'` taken off again (as a spreadsheet shows the cell).
fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// RFC 4180 records, each with the line it starts on; the separator is the header
/// row's: `;` when it has more of them than commas outside quotes, else `,`.
fn records(text: &str) -> Vec<(usize, Vec<String>)> {
    let first_line = text.lines().next().unwrap_or_default();
    let separator = if first_line.matches(';').count() > first_line.matches(',').count() {
        ';'
    } else {
        ','
    };
    let mut records = Vec::new();
    let mut cells = Vec::new();
    let mut cell = String::new();
    let (mut quoted, mut line, mut start) = (false, 1, 1);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            '"' if quoted => quoted = false,
            '"' if cell.is_empty() => quoted = true,
            '\n' if quoted => {
                line += 1;
                cell.push('\n');
            }
            '\r' if !quoted && chars.peek() == Some(&'\n') => {}
            '\n' => {
                cells.push(std::mem::take(&mut cell));
                records.push((start, std::mem::take(&mut cells)));
                line += 1;
                start = line;
            }
            c if c == separator && !quoted => cells.push(std::mem::take(&mut cell)),
            c => cell.push(c),
        }
    }
    if !cell.is_empty() || !cells.is_empty() {
        cells.push(cell);
        records.push((start, cells));
    }
    records
}

/// A file name for a reviewer's sheet: the email, lowercased, with anything but
/// letters, digits and `@._+-` made `_`, no leading dot, at most 100 characters;
/// `taken` (lowercased names) makes it unique with `-2`, `-3`, ...
pub fn file_name(email: &str, taken: &mut Vec<String>) -> String {
    let safe: String = email
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '@' | '.' | '_' | '+' | '-' => c,
            _ => '_',
        })
        .take(100)
        .collect();
    let safe = safe.trim_start_matches('.');
    let stem = if safe.is_empty() { "reviewer" } else { safe };
    let mut name = format!("{stem}.csv");
    let mut n = 1;
    while taken.contains(&name) || name.starts_with("round.") || name.starts_with("applied-") {
        n += 1;
        name = format!("{stem}-{n}.csv");
    }
    taken.push(name.clone());
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_saved_by_a_spreadsheet_reads_back() {
        let text = "\u{feff}decision;extra;Guest_ID;room_id\r\n Keep ;x;'-ABC;12\r\n\"RE\nMOVE\";\"a;\"\"b\"\"\";g;13\r\n;;;\r\n";
        let records = records(decode(text.as_bytes()).as_str());
        assert_eq!(records.len(), 4);
        assert_eq!(records[2].0, 3, "a record's first line");
        assert_eq!(records[2].1[1], "a;\"b\"");
        assert_eq!(unguard(&records[1].1[2]), "-ABC");
        assert_eq!(unguard("'x"), "'x", "only the guard is taken off");
    }

    #[test]
    fn not_utf8_is_windows_1252() {
        assert_eq!(decode(b"caf\xe9 \x80"), "café €");
    }

    #[test]
    fn file_names_are_safe_and_unique() {
        let mut taken = Vec::new();
        assert_eq!(
            file_name("Ann@Example.com", &mut taken),
            "ann@example.com.csv"
        );
        assert_eq!(
            file_name("ann@example.com", &mut taken),
            "ann@example.com-2.csv"
        );
        assert_eq!(file_name("../x/y\u{202e}", &mut taken), "_x_y_.csv");
        assert_eq!(file_name("", &mut taken), "reviewer.csv");
    }
}
