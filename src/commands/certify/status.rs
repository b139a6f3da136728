//! `certify status DIR`: offline. Each sheet read back and checked against the rows
//! `round.json` gave it; `apply` makes the same checks, and any problem stops it.

use std::collections::HashMap;
use std::path::Path;

use super::round::{Given, Round, SheetEntry};
use super::{object, sheet};
use crate::config::Options;
use crate::error::Error;
use crate::output::{Printer, terminal};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Keep,
    Remove,
}

/// A sheet as it came back, checked.
pub struct Checked {
    /// `None`: not returned (missing, or as it was written).
    pub returned: Option<Returned>,
    pub problems: Vec<String>,
}

pub struct Returned {
    pub sha256: String,
    /// Row by row of those the sheet was given: the decision, if any.
    pub decisions: Vec<Option<Decision>>,
}

/// "room/guest" (see `key`) → the index of its row: the one map type of the round's
/// rows (a String key: the binary already holds this map for `access`).
pub type Index = HashMap<String, usize>;

pub fn key(room: u64, guest: &str) -> String {
    format!("{room}/{guest}")
}

pub fn index<'a>(rows: impl IntoIterator<Item = &'a Given>) -> Index {
    let mut index = Index::new();
    for (i, row) in rows.into_iter().enumerate() {
        index.insert(key(row.room, &row.guest), i);
    }
    index
}

/// Checks `sheet` of the round in DIR; `entries` are the folder's file names.
pub fn check(dir: &Path, sheet: &SheetEntry, entries: &[String]) -> Checked {
    let mut problems = Vec::new();
    let stem = sheet.file.strip_suffix(".csv").unwrap_or(&sheet.file);
    for other in entries {
        let lower = other.to_lowercase();
        let other_stem = lower.rsplit_once('.').map_or(lower.as_str(), |(s, _)| s);
        if *other != sheet.file && (other_stem == stem || other_stem == sheet.file) {
            problems.push(format!(
                "{}: {}'s sheet came back in another format: save it as CSV (comma or \
                 semicolon separated) as {}",
                dir.join(other).display(),
                sheet.reviewer,
                sheet.file
            ));
        }
    }
    let path = dir.join(&sheet.file);
    if !path.exists() {
        return Checked {
            returned: None,
            problems,
        };
    }
    let read = match sheet::read(&path) {
        Ok(read) => read,
        Err(problem) => {
            problems.push(problem);
            return Checked {
                returned: None,
                problems,
            };
        }
    };
    if read.sha256 == sheet.sha256 {
        return Checked {
            returned: None,
            problems,
        };
    }
    let name = path.display();
    let index = index(&sheet.rows);
    // Per row given: the line it came back on and its decision.
    let mut seen: Vec<Option<(usize, Option<Decision>)>> = vec![None; sheet.rows.len()];
    for row in &read.rows {
        let line = row.line;
        let at = row.room.parse::<u64>().ok();
        let Some(at) = at.and_then(|room| index.get(&key(room, &row.guest)).copied()) else {
            problems.push(format!(
                "{name}:{line}: room {:?}, guest {:?} is not a row this sheet was given (a \
                 reviewer decides only about the rows sent to them): delete the row",
                row.room, row.guest
            ));
            continue;
        };
        let decision = match row.decision.as_str() {
            "" => None,
            "keep" => Some(Decision::Keep),
            "remove" => Some(Decision::Remove),
            word => {
                seen[at].get_or_insert((line, None));
                problems.push(format!(
                    "{name}:{line}: unknown decision {word:?}: write keep or remove, or leave \
                     it empty"
                ));
                continue;
            }
        };
        match seen[at] {
            Some((first, before)) if before != decision => problems.push(format!(
                "{name}:{line}: room {}, guest {} is given twice with different decisions \
                 (line {first} too): keep one",
                row.room, row.guest
            )),
            Some(_) => {}
            None => seen[at] = Some((line, decision)),
        }
    }
    let deleted: Vec<String> = sheet
        .rows
        .iter()
        .zip(&seen)
        .filter(|(_, seen)| seen.is_none())
        .map(|(r, _)| format!("room {} {}", r.room, r.email))
        .collect();
    if !deleted.is_empty() {
        terminal::warn(&format!(
            "{name}: {} row(s) deleted from the sheet count as no response: {}",
            deleted.len(),
            deleted.join(", ")
        ));
    }
    Checked {
        returned: Some(Returned {
            sha256: read.sha256,
            decisions: seen.into_iter().map(|s| s.and_then(|(_, d)| d)).collect(),
        }),
        problems,
    }
}

/// The folder's file names.
pub fn entries(dir: &Path) -> Result<Vec<String>, Error> {
    let list = std::fs::read_dir(dir)
        .map_err(|err| Error::Usage(format!("{}: cannot read the folder: {err}", dir.display())))?;
    Ok(list
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect())
}

/// Prints every problem (one line each, FILE:LINE first) and the error that ends the run.
pub fn refuse(problems: &[String], what: &str) -> Result<(), Error> {
    if problems.is_empty() {
        return Ok(());
    }
    for problem in problems {
        terminal::notice(problem);
    }
    Err(Error::Usage(format!(
        "{} problem(s) in the returned sheets (listed above){what}: correct the sheets, then \
         run docspace-guest certify status again",
        problems.len()
    )))
}

pub fn status(options: &Options, dir: &Path) -> Result<(), Error> {
    let out = Printer::new(options.verbosity, options.json);
    let round = Round::read(dir)?;
    let entries = entries(dir)?;
    let mut problems = Vec::new();
    let due = round
        .due
        .as_ref()
        .map_or(String::new(), |due| format!(" (due {due})"));
    for sheet in &round.sheets {
        let checked = check(dir, sheet, &entries);
        let rows = sheet.rows.len();
        let (state, keep, remove, undecided) = match &checked.returned {
            None => ("no response", 0, 0, rows),
            Some(back) => {
                let count = |d| back.decisions.iter().filter(|&&v| v == d).count();
                (
                    "returned",
                    count(Some(Decision::Keep)),
                    count(Some(Decision::Remove)),
                    count(None),
                )
            }
        };
        let line = object(vec![
            ("file", sheet.file.as_str().into()),
            ("reviewer", sheet.reviewer.as_str().into()),
            ("state", state.into()),
            ("rows", rows.into()),
            ("keep", keep.into()),
            ("remove", remove.into()),
            ("undecided", undecided.into()),
            ("problems", checked.problems.clone().into()),
        ]);
        out.result("sheet", checked.problems.is_empty(), None, line)?;
        out.say(&match state {
            "no response" => format!(
                "{} ({}): {rows} row(s), no response{due}",
                sheet.file, sheet.reviewer
            ),
            _ => format!(
                "{} ({}): {rows} row(s): {keep} keep, {remove} remove, {undecided} undecided",
                sheet.file, sheet.reviewer
            ),
        })?;
        problems.extend(checked.problems);
    }
    refuse(&problems, "")
}
