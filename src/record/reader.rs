//! Reading a record for `restore`: every line checked (its JSON, format version, MAC,
//! run and sequence number) before anything is sent, and each change paired with its
//! outcome. A torn last line, what a crash or a full disk leaves, is skipped with a
//! warning; any other line the tool did not write refuses the whole file, FILE:LINE.

use std::fs::OpenOptions;
use std::io::Read;
use std::path::Path;

use serde_json::Value;

use super::key::RecordKey;
use super::line::{Change, Header, Line, Outcome, VERSION};
use super::open;
use crate::error::Error;

/// The largest record read: far beyond any real run, and it stops `/dev/zero`-like
/// inputs from filling memory.
pub const MAX_RECORD_BYTES: u64 = 64 * 1024 * 1024;

/// What a record file holds: its runs in order, and the torn last line if there was
/// one (`FILE:LINE: …`, for the caller to show as a warning).
#[derive(Debug, Default)]
pub struct Contents {
    pub runs: Vec<Run>,
    pub torn: Option<String>,
}

#[derive(Debug)]
pub struct Run {
    pub header: Header,
    /// The header's line number in the file.
    pub line: usize,
    /// The run's changes in the order they were announced.
    pub changes: Vec<Entry>,
    /// The sequence number of its last line so far.
    last: u64,
}

/// A change announced by an intent line, with its outcome if one was written.
#[derive(Debug)]
pub struct Entry {
    pub seq: u64,
    pub line: usize,
    pub time: String,
    pub change: Change,
    pub outcome: Option<Outcome>,
}

/// Where a change stands, as far as the record knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Done,
    NotDone,
    /// An `unknown` outcome, or none at all (the run ended between the intent and
    /// its answer): only the portal can say.
    Unknown,
}

impl Entry {
    pub fn state(&self) -> State {
        match self.outcome {
            Some(Outcome::Done) => State::Done,
            Some(Outcome::NotDone(_)) => State::NotDone,
            Some(Outcome::Unknown(_)) | None => State::Unknown,
        }
    }
}

/// Reads the record at `path` (any regular file up to [`MAX_RECORD_BYTES`]).
pub fn read(path: &Path, key: &RecordKey) -> Result<Contents, Error> {
    let name = path.display().to_string();
    let refused = |why: &str| Error::Usage(format!("the record {name} {why}"));
    let mut options = OpenOptions::new();
    options.read(true);
    let file = open::checked(path, &options, open::Rule::Readable).map_err(|why| refused(&why))?;
    let mut bytes = Vec::new();
    file.take(MAX_RECORD_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| refused(&format!("cannot be read: {err}")))?;
    if bytes.len() as u64 > MAX_RECORD_BYTES {
        return Err(refused(&format!(
            "is larger than {} MiB: not a record",
            MAX_RECORD_BYTES >> 20
        )));
    }
    parse(&bytes, &name, key)
}

/// What `bytes`, the contents of the record `name`, hold; see [`read`].
pub fn parse(bytes: &[u8], name: &str, key: &RecordKey) -> Result<Contents, Error> {
    let mut contents = Contents::default();
    let mut rest = bytes;
    let mut number = 0;
    while !rest.is_empty() {
        number += 1;
        let (text, complete) = match rest.iter().position(|&b| b == b'\n') {
            Some(end) => {
                let text = &rest[..end];
                rest = &rest[end + 1..];
                (text, true)
            }
            None => (std::mem::take(&mut rest), false),
        };
        let at = |why: &str| format!("{name}:{number}: {why}");
        if !complete {
            contents.torn = Some(at(
                "the last line is cut off (no newline at its end): skipped",
            ));
            break;
        }
        let line = match decode(text, key) {
            Ok(line) => line,
            Err(Bad::NotJson) if rest.is_empty() => {
                contents.torn = Some(at("the last line is not a whole JSON line: skipped"));
                break;
            }
            Err(Bad::NotJson) => return Err(Error::Usage(at("not a JSON line of a record"))),
            Err(Bad::Other(why)) => return Err(Error::Usage(at(&why))),
        };
        take(&mut contents.runs, line, number).map_err(|why| Error::Usage(at(&why)))?;
    }
    Ok(contents)
}

enum Bad {
    /// Not a JSON object: at the end of the file, what a torn write leaves.
    NotJson,
    Other(String),
}

fn decode(text: &[u8], key: &RecordKey) -> Result<Line, Bad> {
    let text = std::str::from_utf8(text).map_err(|_| Bad::NotJson)?;
    let value: Value = serde_json::from_str(text).map_err(|_| Bad::NotJson)?;
    if !value.is_object() {
        return Err(Bad::NotJson);
    }
    match value.get("v").and_then(Value::as_u64) {
        Some(VERSION) => {}
        Some(other) => {
            return Err(Bad::Other(format!(
                "record format {other}, which this version ({}) does not read",
                env!("CARGO_PKG_VERSION")
            )));
        }
        None => {
            return Err(Bad::Other(
                "not a line of a record (no format version)".into(),
            ));
        }
    }
    let body = key.unseal(text).ok_or_else(|| {
        Bad::Other(
            "its MAC does not match: the line was changed, or not written with this state \
             folder's record key"
                .into(),
        )
    })?;
    // The body parsed as part of the line; it is the same object without "mac".
    let value: Value = serde_json::from_str(&body).map_err(|_| Bad::NotJson)?;
    Line::from_value(&value).map_err(Bad::Other)
}

/// Adds `line` (number `number` of the file) to the runs, checking that it follows.
fn take(runs: &mut Vec<Run>, line: Line, number: usize) -> Result<(), String> {
    match line {
        Line::Header(header) => runs.push(Run {
            header,
            line: number,
            changes: Vec::new(),
            last: 0,
        }),
        Line::Intent {
            run,
            seq,
            time,
            change,
        } => follows(runs, &run, seq)?.changes.push(Entry {
            seq,
            line: number,
            time,
            change,
            outcome: None,
        }),
        Line::Outcome {
            run,
            seq,
            intent,
            outcome,
            ..
        } => {
            let run = follows(runs, &run, seq)?;
            // The changes are in the order of their (rising) sequence numbers.
            let at = run
                .changes
                .binary_search_by_key(&intent, |e| e.seq)
                .map_err(|_| {
                    format!("an outcome of change {intent}, which this run did not announce")
                })?;
            let entry = &mut run.changes[at];
            if entry.outcome.is_some() {
                return Err(format!("a second outcome of change {intent}"));
            }
            entry.outcome = Some(outcome);
        }
    }
    Ok(())
}

/// The run a line of run `id` numbered `seq` belongs to: the last header's, if it is
/// that run's and the line is the next one in it.
fn follows<'a>(runs: &'a mut [Run], id: &str, seq: u64) -> Result<&'a mut Run, String> {
    let run = runs
        .last_mut()
        .ok_or("a change before any run header line")?;
    if id != run.header.run {
        return Err(format!(
            "a line of run {id} under the header of run {} (line {})",
            run.header.run, run.line
        ));
    }
    if seq != run.last + 1 {
        return Err(format!(
            "sequence number {seq} where {} was expected: a line is missing or out of place",
            run.last + 1
        ));
    }
    run.last = seq;
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Status;
    use crate::record::open::tests::TempDir;
    use serde_json::json;

    fn key() -> RecordKey {
        RecordKey::from_bytes(&[5; 32])
    }

    fn header(run: &str) -> Line {
        Line::Header(Header {
            tool: "0.1.0".into(),
            portal: "https://docs.example.com".into(),
            run: run.into(),
            command: "revoke".into(),
            caller: Some("admin@example.com".into()),
            uid: 1000,
            time: "2026-12-02T13:45:01Z".into(),
        })
    }

    fn intent(run: &str, seq: u64, room: u64) -> Line {
        Line::Intent {
            run: run.into(),
            seq,
            time: "2026-12-02T13:45:02Z".into(),
            change: Change::RoomRemove {
                room,
                title: "Sales".into(),
                guest: "3f0e6d2a-0000-4000-8000-000000000001".into(),
                email: "g@example.org".into(),
                role: 2,
            },
        }
    }

    fn outcome(run: &str, seq: u64, intent: u64, outcome: Outcome) -> Line {
        Line::Outcome {
            run: run.into(),
            seq,
            time: "2026-12-02T13:45:03Z".into(),
            intent,
            outcome,
        }
    }

    /// The lines as the tool writes them.
    fn file(lines: &[Line]) -> Vec<u8> {
        let mut bytes = Vec::new();
        for line in lines {
            bytes.extend(key().seal(&line.to_value()).bytes());
            bytes.push(b'\n');
        }
        bytes
    }

    fn error(bytes: &[u8]) -> String {
        let err = parse(bytes, "r.jsonl", &key()).unwrap_err();
        assert_eq!(err.exit_code(), 2, "{err}");
        err.to_string()
    }

    /// Two runs in one file: the first announced three changes and answered two of
    /// them, the second one announced one and was cut short before its answer.
    fn two_runs() -> Vec<Line> {
        vec![
            header("aa"),
            intent("aa", 1, 10),
            outcome("aa", 2, 1, Outcome::Done),
            intent("aa", 3, 11),
            intent("aa", 4, 12),
            outcome("aa", 5, 4, Outcome::NotDone("refused: 403".into())),
            header("bb"),
            intent("bb", 1, 13),
            outcome("bb", 2, 1, Outcome::Unknown("no answer within 30 s".into())),
            intent("bb", 3, 14),
        ]
    }

    #[test]
    fn intents_are_paired_with_their_outcomes_run_by_run() {
        let contents = parse(&file(&two_runs()), "r.jsonl", &key()).unwrap();
        assert_eq!(contents.torn, None);
        let states: Vec<Vec<_>> = contents
            .runs
            .iter()
            .map(|run| run.changes.iter().map(|e| (e.line, e.state())).collect())
            .collect();
        assert_eq!(
            states,
            [
                vec![(2, State::Done), (4, State::Unknown), (5, State::NotDone)],
                vec![(8, State::Unknown), (10, State::Unknown)],
            ]
        );
        assert_eq!(contents.runs[1].header.run, "bb");
        assert_eq!(contents.runs[1].line, 7);
        assert_eq!(
            contents.runs[0].changes[2].outcome,
            Some(Outcome::NotDone("refused: 403".into()))
        );
        assert_eq!(parse(b"", "r.jsonl", &key()).unwrap().runs.len(), 0);
    }

    #[test]
    fn a_torn_last_line_is_skipped_with_a_warning_and_the_rest_is_read() {
        let whole = file(&two_runs());
        // Cut within the last line: no newline at the end.
        let cut = &whole[..whole.len() - 20];
        let contents = parse(cut, "r.jsonl", &key()).unwrap();
        assert_eq!(
            contents.torn.as_deref(),
            Some("r.jsonl:10: the last line is cut off (no newline at its end): skipped")
        );
        assert_eq!(contents.runs[1].changes.len(), 1);
        assert_eq!(contents.runs[0].changes.len(), 3);

        // A crash can leave zeros where the last line's data should be.
        let mut zeros = file(&two_runs()[..3]);
        zeros.extend([0; 300]);
        zeros.push(b'\n');
        let contents = parse(&zeros, "r.jsonl", &key()).unwrap();
        assert_eq!(
            contents.torn.as_deref(),
            Some("r.jsonl:4: the last line is not a whole JSON line: skipped")
        );
        assert_eq!(contents.runs[0].changes[0].state(), State::Done);
    }

    #[test]
    fn a_torn_line_in_the_middle_refuses_the_file() {
        let lines = two_runs();
        let mut bytes = file(&lines[..2]);
        let third = file(&lines[2..3]);
        bytes.extend(&third[..third.len() / 2]);
        bytes.push(b'\n');
        bytes.extend(file(&lines[3..]));
        assert_eq!(error(&bytes), "r.jsonl:3: not a JSON line of a record");
    }

    #[test]
    fn an_edited_or_added_line_fails_its_mac() {
        let mut lines: Vec<String> = String::from_utf8(file(&two_runs()))
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        lines[3] = lines[3].replace("\"role\":2", "\"role\":9");
        let edited = lines.join("\n") + "\n";
        assert_eq!(
            error(edited.as_bytes()),
            "r.jsonl:4: its MAC does not match: the line was changed, or not written with \
             this state folder's record key"
        );

        // A line written by hand, with a "mac" that is not one.
        let mut value = intent("aa", 1, 10).to_value();
        value["mac"] = json!("00".repeat(32));
        let mut bytes = file(&[header("aa")]);
        bytes.extend(value.to_string().bytes());
        bytes.push(b'\n');
        assert!(error(&bytes).starts_with("r.jsonl:2: its MAC does not match"));

        // The tool's own line, under another state folder's key.
        let other = RecordKey::from_bytes(&[6; 32]);
        let err = parse(&file(&two_runs()), "r.jsonl", &other).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("r.jsonl:1: its MAC does not match")
        );
    }

    #[test]
    fn a_line_of_an_unknown_kind_or_format_is_refused() {
        let mut note = intent("aa", 1, 10).to_value();
        note["kind"] = json!("note");
        let mut bytes = file(&[header("aa")]);
        bytes.extend(key().seal(&note).bytes());
        bytes.extend(b"\n");
        bytes.extend(file(&[intent("aa", 2, 11)]));
        assert_eq!(error(&bytes), "r.jsonl:2: unknown kind of line \"note\"");

        let mut later = header("aa").to_value();
        later["v"] = json!(2);
        let bytes = [key().seal(&later).as_bytes(), b"\n"].concat();
        assert_eq!(
            error(&bytes),
            format!(
                "r.jsonl:1: record format 2, which this version ({}) does not read",
                env!("CARGO_PKG_VERSION")
            )
        );
        assert_eq!(
            error(b"{\"guest\":\"x\"}\n{}\n"),
            "r.jsonl:1: not a line of a record (no format version)"
        );
    }

    #[test]
    fn lines_out_of_their_run_or_order_are_refused() {
        let cases: [(Vec<Line>, &str); 5] = [
            (
                vec![intent("aa", 1, 10)],
                "r.jsonl:1: a change before any run header line",
            ),
            (
                vec![header("aa"), intent("aa", 1, 10), intent("aa", 3, 11)],
                "r.jsonl:3: sequence number 3 where 2 was expected: a line is missing or out of place",
            ),
            (
                vec![header("aa"), intent("bb", 1, 10)],
                "r.jsonl:2: a line of run bb under the header of run aa (line 1)",
            ),
            (
                vec![header("aa"), outcome("aa", 1, 1, Outcome::Done)],
                "r.jsonl:2: an outcome of change 1, which this run did not announce",
            ),
            (
                vec![
                    header("aa"),
                    intent("aa", 1, 10),
                    outcome("aa", 2, 1, Outcome::Done),
                    outcome("aa", 3, 1, Outcome::Done),
                ],
                "r.jsonl:4: a second outcome of change 1",
            ),
        ];
        for (lines, expected) in cases {
            assert_eq!(error(&file(&lines)), expected);
        }
    }

    /// Version 1 as written by another implementation (Python's json and hmac, with a
    /// key of 32 zero bytes): the format is fixed, not whatever this code writes today.
    #[test]
    fn format_1_written_elsewhere_is_read() {
        let every_kind = include_bytes!("../../fuzz/seeds/record/every-kind");
        let zero = RecordKey::from_bytes(&[0; 32]);
        let contents = parse(every_kind, "every-kind", &zero).unwrap();
        assert_eq!(contents.torn, None);
        let run = &contents.runs[0];
        assert_eq!(run.header.caller.as_deref(), Some("admin@example.com"));
        let guest = "3f0e6d2a-0000-4000-8000-000000000001".to_string();
        let email = "g@example.org".to_string();
        let read: Vec<_> = run
            .changes
            .iter()
            .map(|e| (e.change.clone(), e.state()))
            .collect();
        assert_eq!(
            read,
            [
                (
                    Change::RoomRemove {
                        room: 12,
                        title: "Sales".into(),
                        guest: guest.clone(),
                        email: email.clone(),
                        role: 2
                    },
                    State::Done
                ),
                (
                    Change::Status {
                        guest: guest.clone(),
                        email: email.clone(),
                        before: Status::Active,
                        after: Status::Disabled
                    },
                    State::NotDone
                ),
                (
                    Change::RoomAdd {
                        room: 13,
                        title: "Legal".into(),
                        guest: guest.clone(),
                        email: email.clone(),
                        role: 10
                    },
                    State::Unknown
                ),
                (
                    Change::ListRemove {
                        guest: guest.clone(),
                        email: email.clone()
                    },
                    State::Unknown
                ),
                (Change::Delete { guest, email }, State::Unknown),
            ]
        );
        // And this code writes those lines byte for byte.
        let written: Vec<u8> = every_kind
            .split_inclusive(|&b| b == b'\n')
            .flat_map(|line| {
                let mut value: Value = serde_json::from_slice(line).unwrap();
                value.as_object_mut().unwrap().remove("mac");
                let line = Line::from_value(&value).unwrap();
                (zero.seal(&line.to_value()) + "\n").into_bytes()
            })
            .collect();
        assert_eq!(
            String::from_utf8(written).unwrap(),
            String::from_utf8_lossy(every_kind)
        );
    }

    #[test]
    fn read_takes_a_regular_file_and_refuses_a_device_or_fifo_without_blocking() {
        let dir = TempDir::new("reader");
        let path = dir.join("r.jsonl");
        std::fs::write(&path, file(&two_runs())).unwrap();
        assert_eq!(read(&path, &key()).unwrap().runs.len(), 2);

        let err = read(Path::new("/dev/zero"), &key()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the record /dev/zero is a character device, not a regular file"
        );
        let fifo = dir.join("fifo");
        let name = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid C string.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        assert!(
            read(&fifo, &key())
                .unwrap_err()
                .to_string()
                .ends_with("is a FIFO, not a regular file")
        );
    }
}
