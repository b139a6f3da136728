//! What one line of a record says, and its JSON. Format version 1; every line is one
//! object with `"v"` (the format), `"kind"`, `"run"` (the run's id), `"seq"` (its
//! place in the run: the header is 0, each line after it the next number) and, last,
//! `"mac"`:
//!
//! ```text
//! {"caller":"admin@example.com","command":"revoke","kind":"run","portal":"https://docs.example.com","run":"5f0c…","seq":0,"time":"2026-12-02T13:45:01Z","tool":"0.1.0","uid":1000,"v":1,"mac":"…"}
//! {"change":"room_remove","email":"g@example.org","guest":"3f0e…","kind":"intent","role":2,"room":12,"run":"5f0c…","seq":1,"time":"…","title":"Sales","v":1,"mac":"…"}
//! {"intent":1,"kind":"outcome","outcome":"done","run":"5f0c…","seq":2,"time":"…","v":1,"mac":"…"}
//! ```
//!
//! Outcomes: `"done"`, `"not_done"` and `"unknown"`, the last two with a `"reason"`.
//! Changes: `room_remove` and `room_add` (room, title, guest, email, role: the role
//! before the removal, the role to add), `status` (guest, email, before, after:
//! `"active"` or `"disabled"`), `list_remove`, `delete` and `approve` (guest, email;
//! an approval's guest is empty: the portal names it only in its answer).

use std::time::SystemTime;

use ring::rand::{SecureRandom, SystemRandom};
use serde_json::{Map, Value, json};

use crate::error::Error;

/// The record format this version writes and reads.
pub const VERSION: u64 = 1;

/// The first line of a run: who ran what against which portal, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The tool's version (`CARGO_PKG_VERSION`).
    pub tool: String,
    pub portal: String,
    /// Random, 16 hex digits: it names the run's lines and its default file.
    pub run: String,
    pub command: String,
    /// The portal account the key belongs to, when the command has read it.
    pub caller: Option<String>,
    /// The Unix user that ran the tool.
    pub uid: u32,
    /// `2026-12-02T13:45:01Z`.
    pub time: String,
}

/// A change the run is about to ask of the portal, with what undoing it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A guest taken out of a room; `role` is the one held before (DocSpace's number).
    RoomRemove {
        room: u64,
        title: String,
        guest: String,
        email: String,
        role: u8,
    },
    /// A guest put into a room with `role`.
    RoomAdd {
        room: u64,
        title: String,
        guest: String,
        email: String,
        role: u8,
    },
    /// A guest's account enabled or disabled.
    Status {
        guest: String,
        email: String,
        before: Status,
        after: Status,
    },
    /// A guest taken off the caller's guest list (the relation removed): not undoable.
    ListRemove { guest: String, email: String },
    /// A guest's account deleted for good: not undoable.
    Delete { guest: String, email: String },
    /// A guest shared through a sharing link approved onto the caller's list; `guest`
    /// is empty (the portal names it in its answer). Undone by a removal, not restore.
    Approve { guest: String, email: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Active,
    Disabled,
}

/// What came of a change, written after the portal's answer (or its absence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// The portal refused it; the reason in words.
    NotDone(String),
    /// No answer came (a lost connection, a timeout, an interrupt): the portal may or
    /// may not hold the change.
    Unknown(String),
}

/// One line, as written and as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Header(Header),
    Intent {
        run: String,
        seq: u64,
        time: String,
        change: Change,
    },
    Outcome {
        run: String,
        seq: u64,
        time: String,
        intent: u64,
        outcome: Outcome,
    },
}

impl Header {
    /// A header for a run starting now, with a fresh run id.
    pub fn new(portal: &str, command: &str, caller: Option<&str>) -> Result<Header, Error> {
        let mut id = [0; 8];
        SystemRandom::new().fill(&mut id).map_err(|_| {
            Error::Local("cannot make a run id: the system gave no random bytes".into())
        })?;
        Ok(Header {
            tool: env!("CARGO_PKG_VERSION").to_string(),
            portal: portal.to_string(),
            run: id.iter().map(|b| format!("{b:02x}")).collect(),
            command: command.to_string(),
            caller: caller.map(str::to_string),
            // SAFETY: getuid has no preconditions and cannot fail.
            uid: unsafe { libc::getuid() },
            time: now(),
        })
    }
}

/// The time now, as the record writes it: `2026-12-02T13:45:01Z`.
pub fn now() -> String {
    // format_utc: "2026-12-02 13:45:01 UTC".
    let utc = crate::date::format_utc(SystemTime::now());
    format!("{}T{}Z", &utc[..10], &utc[11..19])
}

impl Status {
    fn name(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Disabled => "disabled",
        }
    }

    fn from_name(name: &str) -> Option<Status> {
        match name {
            "active" => Some(Status::Active),
            "disabled" => Some(Status::Disabled),
            _ => None,
        }
    }
}

impl Line {
    pub fn to_value(&self) -> Value {
        let mut value = match self {
            Line::Header(h) => json!({
                "kind": "run", "run": h.run, "seq": 0, "tool": h.tool, "portal": h.portal,
                "command": h.command, "caller": h.caller, "uid": h.uid, "time": h.time,
            }),
            Line::Intent {
                run,
                seq,
                time,
                change,
            } => {
                let mut value = change_value(change);
                value["kind"] = json!("intent");
                value["run"] = json!(run);
                value["seq"] = json!(seq);
                value["time"] = json!(time);
                value
            }
            Line::Outcome {
                run,
                seq,
                time,
                intent,
                outcome,
            } => {
                let (name, reason) = match outcome {
                    Outcome::Done => ("done", None),
                    Outcome::NotDone(reason) => ("not_done", Some(reason)),
                    Outcome::Unknown(reason) => ("unknown", Some(reason)),
                };
                let mut value = json!({
                    "kind": "outcome", "run": run, "seq": seq, "time": time,
                    "intent": intent, "outcome": name,
                });
                if let Some(reason) = reason {
                    value["reason"] = json!(reason);
                }
                value
            }
        };
        value["v"] = json!(VERSION);
        value
    }

    /// The line a value says, or what is wrong with it. `"v"` is checked by the caller
    /// (before the MAC, whose form a later version may change).
    pub fn from_value(value: &Value) -> Result<Line, String> {
        let fields = Fields(value.as_object().ok_or("not a JSON object")?);
        let run = fields.text("run")?;
        let seq = fields.number("seq")?;
        let time = fields.text("time")?;
        match fields.text("kind")?.as_str() {
            "run" => {
                if seq != 0 {
                    return Err(format!("a run header with sequence number {seq}, not 0"));
                }
                let caller = match fields.0.get("caller") {
                    None | Some(Value::Null) => None,
                    Some(_) => Some(fields.text("caller")?),
                };
                Ok(Line::Header(Header {
                    tool: fields.text("tool")?,
                    portal: fields.text("portal")?,
                    run,
                    command: fields.text("command")?,
                    caller,
                    uid: u32::try_from(fields.number("uid")?)
                        .map_err(|_| "\"uid\" is too large")?,
                    time,
                }))
            }
            "intent" => Ok(Line::Intent {
                run,
                seq,
                time,
                change: change_from(&fields)?,
            }),
            "outcome" => {
                let reason = || fields.text("reason");
                let outcome = match fields.text("outcome")?.as_str() {
                    "done" => Outcome::Done,
                    "not_done" => Outcome::NotDone(reason()?),
                    "unknown" => Outcome::Unknown(reason()?),
                    other => return Err(format!("unknown outcome {other:?}")),
                };
                Ok(Line::Outcome {
                    run,
                    seq,
                    time,
                    intent: fields.number("intent")?,
                    outcome,
                })
            }
            other => Err(format!("unknown kind of line {other:?}")),
        }
    }
}

fn change_value(change: &Change) -> Value {
    match change {
        Change::RoomRemove {
            room,
            title,
            guest,
            email,
            role,
        }
        | Change::RoomAdd {
            room,
            title,
            guest,
            email,
            role,
        } => json!({
            "change": if matches!(change, Change::RoomAdd { .. }) { "room_add" } else { "room_remove" },
            "room": room, "title": title, "guest": guest, "email": email, "role": role,
        }),
        Change::Status {
            guest,
            email,
            before,
            after,
        } => json!({
            "change": "status", "guest": guest, "email": email,
            "before": before.name(), "after": after.name(),
        }),
        Change::ListRemove { guest, email } => {
            json!({"change": "list_remove", "guest": guest, "email": email})
        }
        Change::Delete { guest, email } => {
            json!({"change": "delete", "guest": guest, "email": email})
        }
        Change::Approve { guest, email } => {
            json!({"change": "approve", "guest": guest, "email": email})
        }
    }
}

fn change_from(fields: &Fields) -> Result<Change, String> {
    let guest = fields.text("guest")?;
    let email = fields.text("email")?;
    let role = || {
        u8::try_from(fields.number("role")?)
            .map_err(|_| "\"role\" is not a role number".to_string())
    };
    let status = |name: &str| {
        Status::from_name(&fields.text(name)?)
            .ok_or_else(|| format!("{name:?} is not \"active\" or \"disabled\""))
    };
    match fields.text("change")?.as_str() {
        kind @ ("room_remove" | "room_add") => {
            let (room, title, role) = (fields.number("room")?, fields.text("title")?, role()?);
            Ok(if kind == "room_add" {
                Change::RoomAdd {
                    room,
                    title,
                    guest,
                    email,
                    role,
                }
            } else {
                Change::RoomRemove {
                    room,
                    title,
                    guest,
                    email,
                    role,
                }
            })
        }
        "status" => Ok(Change::Status {
            guest,
            email,
            before: status("before")?,
            after: status("after")?,
        }),
        "list_remove" => Ok(Change::ListRemove { guest, email }),
        "delete" => Ok(Change::Delete { guest, email }),
        "approve" => Ok(Change::Approve { guest, email }),
        other => Err(format!("unknown change {other:?}")),
    }
}

/// A line's fields, each read with a message naming it when it is missing or wrong.
struct Fields<'a>(&'a Map<String, Value>);

impl Fields<'_> {
    fn text(&self, name: &str) -> Result<String, String> {
        match self.0.get(name) {
            Some(Value::String(text)) => Ok(text.clone()),
            Some(_) => Err(format!("{name:?} is not a string")),
            None => Err(format!("no {name:?}")),
        }
    }

    fn number(&self, name: &str) -> Result<u64, String> {
        match self.0.get(name) {
            Some(value) => value
                .as_u64()
                .ok_or_else(|| format!("{name:?} is not a whole number")),
            None => Err(format!("no {name:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines() -> Vec<Line> {
        let run = "00112233445566ff".to_string();
        let time = "2026-12-02T13:45:01Z".to_string();
        let guest = "3f0e6d2a-0000-4000-8000-000000000001".to_string();
        let email = "g@example.org".to_string();
        let changes = [
            Change::RoomRemove {
                room: 12,
                title: "Sales".into(),
                guest: guest.clone(),
                email: email.clone(),
                role: 2,
            },
            Change::RoomAdd {
                room: 13,
                title: "Legal".into(),
                guest: guest.clone(),
                email: email.clone(),
                role: 10,
            },
            Change::Status {
                guest: guest.clone(),
                email: email.clone(),
                before: Status::Active,
                after: Status::Disabled,
            },
            Change::ListRemove {
                guest: guest.clone(),
                email: email.clone(),
            },
            Change::Delete { guest, email },
        ];
        let mut lines = vec![Line::Header(Header {
            tool: "0.1.0".into(),
            portal: "https://docs.example.com".into(),
            run: run.clone(),
            command: "revoke".into(),
            caller: None,
            uid: 1000,
            time: time.clone(),
        })];
        for (n, change) in changes.into_iter().enumerate() {
            lines.push(Line::Intent {
                run: run.clone(),
                seq: n as u64 + 1,
                time: time.clone(),
                change,
            });
        }
        for outcome in [
            Outcome::Done,
            Outcome::NotDone("the portal refused: 403".into()),
            Outcome::Unknown("no answer within 30 s".into()),
        ] {
            lines.push(Line::Outcome {
                run: run.clone(),
                seq: 9,
                time: time.clone(),
                intent: 1,
                outcome,
            });
        }
        lines
    }

    #[test]
    fn every_kind_of_line_reads_back_as_written() {
        for line in lines() {
            let value = line.to_value();
            assert_eq!(value["v"], 1);
            assert_eq!(Line::from_value(&value), Ok(line));
        }
    }

    #[test]
    fn the_fields_are_named_in_the_json() {
        let value = lines()[1].to_value();
        assert_eq!(
            value,
            json!({"v": 1, "kind": "intent", "run": "00112233445566ff", "seq": 1,
                   "time": "2026-12-02T13:45:01Z", "change": "room_remove", "room": 12,
                   "title": "Sales", "guest": "3f0e6d2a-0000-4000-8000-000000000001",
                   "email": "g@example.org", "role": 2})
        );
    }

    #[test]
    fn a_line_missing_or_misnaming_a_field_says_which() {
        let mut value = lines()[3].to_value();
        value["after"] = json!("gone");
        assert_eq!(
            Line::from_value(&value).unwrap_err(),
            "\"after\" is not \"active\" or \"disabled\""
        );
        let mut value = lines()[1].to_value();
        value["kind"] = json!("note");
        assert_eq!(
            Line::from_value(&value).unwrap_err(),
            "unknown kind of line \"note\""
        );
        let mut value = lines()[1].to_value();
        value["role"] = json!(300);
        assert_eq!(
            Line::from_value(&value).unwrap_err(),
            "\"role\" is not a role number"
        );
        let mut value = lines()[0].to_value();
        value.as_object_mut().unwrap().remove("portal");
        assert_eq!(Line::from_value(&value).unwrap_err(), "no \"portal\"");
    }

    #[test]
    fn a_header_has_a_fresh_run_id_and_the_time() {
        let one = Header::new("https://p.example", "revoke", Some("a@example.com")).unwrap();
        let two = Header::new("https://p.example", "revoke", None).unwrap();
        assert_eq!(one.run.len(), 16);
        assert!(one.run.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(one.run, two.run);
        assert_eq!(one.time.len(), "2026-12-02T13:45:01Z".len());
        assert!(one.time.ends_with('Z') && one.time.as_bytes()[10] == b'T');
        assert_eq!(one.tool, env!("CARGO_PKG_VERSION"));
    }
}
