//! `round.json`: what `apply` needs to trust the sheets. The round's id, the portal,
//! the caller, the time, the due date, the rooms (with whether they have external
//! links), and per sheet its file, its reviewer, the SHA-256 of the file as written
//! and the exact rows it was given, each `[room, guest, role, email,
//! recommendation, applicable]` (compact: a round may hold 10,000 rows).

use std::io::Write;
use std::path::Path;

use serde_json::{Value, json};

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

impl Round {
    /// Writes round.json, the rows streamed (never the whole round as one value).
    pub fn write(&self, dir: &Path) -> Result<(), Error> {
        let path = dir.join(FILE);
        let failed =
            |err: std::io::Error| Error::Local(format!("cannot write {}: {err}", path.display()));
        let file = std::fs::File::options()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(failed)?;
        let mut out = std::io::BufWriter::new(file);
        let head = json!({
            "v": 1, "round": self.id, "portal": self.portal, "caller": self.caller,
            "started": self.started, "due": self.due,
            "rooms": self.rooms.iter().map(|r| json!({
                "id": r.id, "title": r.title, "externalLinks": r.external })).collect::<Vec<_>>(),
            "rowColumns": ["room", "guest", "role", "email", "recommendation", "applicable"],
        })
        .to_string();
        // The object without its closing brace, then the sheets.
        write!(out, "{},\"sheets\":[", &head[..head.len() - 1]).map_err(failed)?;
        for (i, sheet) in self.sheets.iter().enumerate() {
            let meta = json!({ "file": sheet.file, "reviewer": sheet.reviewer,
                               "sha256": sheet.sha256 })
            .to_string();
            let comma = if i > 0 { "," } else { "" };
            write!(out, "{comma}\n{},\"rows\":[", &meta[..meta.len() - 1]).map_err(failed)?;
            for (j, row) in sheet.rows.iter().enumerate() {
                let comma = if j > 0 { "," } else { "" };
                let cells = json!([
                    row.room,
                    row.guest,
                    row.role,
                    row.email,
                    row.recommendation,
                    row.applicable
                ]);
                write!(out, "{comma}\n{cells}").map_err(failed)?;
            }
            write!(out, "]}}").map_err(failed)?;
        }
        writeln!(out, "]}}").map_err(failed)?;
        out.into_inner()
            .map_err(|err| failed(err.into_error()))?
            .sync_all()
            .map_err(failed)
    }

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
        use std::io::Read;
        std::fs::File::open(&path)
            .and_then(|f| f.take(MAX_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|err| bad(&format!("cannot be read ({err})")))?;
        let value: Value =
            serde_json::from_slice(&bytes).map_err(|_| bad("is not the JSON of a round"))?;
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
            let rows = sheet["rows"]
                .as_array()
                .ok_or_else(|| bad("has a sheet without rows"))?
                .iter()
                .map(|row| {
                    Some(Given {
                        room: row[0].as_u64()?,
                        guest: crate::input::guid(row[1].as_str()?)?,
                        role: u8::try_from(row[2].as_u64()?).ok()?,
                        email: text(&row[3])?,
                        recommendation: text(&row[4])?,
                        applicable: row[5].as_bool()?,
                    })
                })
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| bad("has a row that cannot be read"))?;
            let file = text(&sheet["file"]).unwrap_or_default();
            // Only a plain name in the folder: never a path elsewhere.
            if file.is_empty() || file.contains('/') || file.starts_with('.') {
                return Err(bad(&format!("names the sheet {file:?}, not a file name")));
            }
            sheets.push(SheetEntry {
                file,
                reviewer: text(&sheet["reviewer"]).unwrap_or_default(),
                sha256: text(&sheet["sha256"]).unwrap_or_default(),
                rows,
            });
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
