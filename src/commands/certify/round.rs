//! `round.json`: what `apply` needs to trust the sheets. The round's id, the portal,
//! the caller, the time, the due date, the rooms (with whether they have external
//! links), per sheet its file, its reviewer and the SHA-256 of the file as written,
//! and the exact rows each sheet was given, `[sheet, room, guest, role, email,
//! recommendation, applicable]` (compact: a round may hold 10,000 rows).

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use serde_json::Value;

use crate::error::Error;

pub const FILE: &str = "round.json";
/// The most a round.json may hold.
const MAX_BYTES: u64 = 256 * 1024 * 1024;

pub struct Round {
    pub id: String,
    pub portal: String,
    pub caller: String,
    pub started: String,
    pub due: Option<String>,
    pub rooms: Vec<RoomEntry>,
    pub sheets: Vec<SheetEntry>,
    /// The SHA-256 of round.json as read.
    pub sha256: String,
}

pub struct RoomEntry {
    pub id: u64,
    pub title: String,
    pub external: bool,
}

pub struct SheetEntry {
    pub file: String,
    pub reviewer: String,
    pub sha256: String,
    pub rows: Vec<Given>,
}

/// A row a sheet was given.
#[derive(Clone)]
pub struct Given {
    pub room: u64,
    pub guest: String,
    pub role: u8,
    pub email: String,
    /// `remove`, `keep` or empty: computed once, when the round started.
    pub recommendation: String,
    /// Whether the caller of `start` could change the room's members.
    pub applicable: bool,
}

/// round.json as `start` writes it: `head` (the round's fields and the sheets), then
/// the rows (`[sheet, room, guest, role, email, recommendation, applicable]`), which
/// `start` wrote to `rows` as it read the rooms: the head on the first line, then a
/// row a line (each after the first starting with a comma), then `]}`.
pub fn write(dir: &Path, head: &Value, rows: &Path) -> Result<(), Error> {
    let path = dir.join(FILE);
    let head = head.to_string();
    let write = || -> std::io::Result<()> {
        let mut out = File::options().write(true).create_new(true).open(&path)?;
        // The object without its closing brace, then the rows, a block at a time.
        out.write_all(format!("{},\"rows\":[\n", &head[..head.len() - 1]).as_bytes())?;
        let mut from = File::open(rows)?;
        let mut block = [0; 16 * 1024];
        loop {
            match from.read(&mut block)? {
                0 => break,
                n => out.write_all(&block[..n])?,
            }
        }
        out.write_all(b"]}\n")?;
        out.sync_all()?;
        std::fs::remove_file(rows)
    };
    write().map_err(|err| Error::Local(format!("cannot write {}: {err}", path.display())))
}

impl Round {
    /// Reads DIR/round.json; any fault is exit 2 naming the file.
    pub fn read(dir: &Path) -> Result<Round, Error> {
        let path = dir.join(FILE);
        let name = path.display();
        let bad = |why: &str| {
            Error::Usage(format!(
                "{name}: {why}: give the folder certify start wrote (its round.json is kept as \
                 written)"
            ))
        };
        let mut bytes = Vec::new();
        File::open(&path)
            .and_then(|f| f.take(MAX_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|err| bad(&format!("cannot be read ({err})")))?;
        // As `write` lays it out: the head up to `"rows":[`, then a row a line, so the
        // rows are read one at a time (memory: the rows, not a tree of 10,000 values).
        let contents = std::str::from_utf8(&bytes).unwrap_or_default();
        let mut lines = contents.lines();
        let head = lines
            .next()
            .and_then(|head| head.strip_suffix("[").map(|h| format!("{h}[]}}")))
            .unwrap_or_default();
        let value: Value =
            serde_json::from_str(&head).map_err(|_| bad("is not the JSON of a round"))?;
        let text = |v: &Value| v.as_str().map(str::to_string);
        let rooms = value["rooms"]
            .as_array()
            .ok_or_else(|| bad("has no rooms"))?
            .iter()
            .map(|r| {
                Some(RoomEntry {
                    id: r["id"].as_u64()?,
                    title: text(&r["title"])?,
                    external: r["externalLinks"].as_bool()?,
                })
            })
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| bad("has a room that cannot be read"))?;
        let mut sheets = Vec::new();
        for sheet in value["sheets"]
            .as_array()
            .ok_or_else(|| bad("has no sheets"))?
        {
            let file = text(&sheet["file"]).unwrap_or_default();
            // Only a plain name in the folder: never a path elsewhere.
            if file.is_empty() || file.contains('/') || file.starts_with('.') {
                return Err(bad(&format!("names the sheet {file:?}, not a file name")));
            }
            sheets.push(SheetEntry {
                file,
                reviewer: text(&sheet["reviewer"]).unwrap_or_default(),
                sha256: text(&sheet["sha256"]).unwrap_or_default(),
                rows: Vec::new(),
            });
        }
        let mut closed = false;
        for line in lines {
            if closed {
                return Err(bad("goes on after its rows"));
            }
            if line == "]}" {
                closed = true;
                continue;
            }
            let row: Value = serde_json::from_str(line.strip_prefix(',').unwrap_or(line))
                .map_err(|_| bad("has a row that cannot be read"))?;
            let given = (|| {
                let sheet = usize::try_from(row[0].as_u64()?).ok()?;
                Some((
                    sheet,
                    Given {
                        room: row[1].as_u64()?,
                        guest: crate::input::guid(row[2].as_str()?)?,
                        role: u8::try_from(row[3].as_u64()?).ok()?,
                        email: text(&row[4])?,
                        recommendation: text(&row[5])?,
                        applicable: row[6].as_bool()?,
                    },
                ))
            })();
            let (sheet, given) = given
                .filter(|(sheet, _)| *sheet < sheets.len())
                .ok_or_else(|| bad("has a row that cannot be read"))?;
            sheets[sheet].rows.push(given);
        }
        if !closed {
            return Err(bad("ends before its rows do (was it cut short?)"));
        }
        Ok(Round {
            id: text(&value["round"]).ok_or_else(|| bad("has no round id"))?,
            portal: text(&value["portal"]).ok_or_else(|| bad("names no portal"))?,
            caller: text(&value["caller"]).unwrap_or_default(),
            started: text(&value["started"]).unwrap_or_default(),
            due: text(&value["due"]),
            rooms,
            sheets,
            sha256: super::sheet::sha256(&bytes),
        })
    }
}
