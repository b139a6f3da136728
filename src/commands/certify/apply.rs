//! `certify apply DIR --no-response keep|remove|recommendation`: the sheets checked as
//! `status` checks them (any problem: nothing is sent), each decision resolved, each
//! membership to remove read again (already gone? role changed?), the brake, then the
//! removals as `revoke` makes them, through the run's write-ahead record like every
//! change command (kept in DIR by default); the evidence is built from that record.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::object;
use super::round::{Given, Round};
use super::status::{self, Decision};
use crate::commands::Context;
use crate::commands::recording::{self, ByDefault};
use crate::commands::revoke::{self, Item, Observer, Plan};
use crate::config::{self, Options};
use crate::error::Error;
use crate::output::{csv_record, terminal};
use crate::portal::people::User;
use crate::portal::rooms::{self, Room};
use crate::record::{self, Change, Header};

#[derive(Debug)]
pub struct ApplyArgs {
    pub dir: PathBuf,
    pub no_response: NoResponse,
    /// `--sheet FILE`: only these sheets; empty: all.
    pub sheets: Vec<PathBuf>,
    pub max: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoResponse {
    Keep,
    Remove,
    Recommendation,
}

impl NoResponse {
    pub const ALL: [NoResponse; 3] = [
        NoResponse::Keep,
        NoResponse::Remove,
        NoResponse::Recommendation,
    ];

    pub fn name(self) -> &'static str {
        match self {
            NoResponse::Keep => "keep",
            NoResponse::Remove => "remove",
            NoResponse::Recommendation => "recommendation",
        }
    }
}

/// A row of a sheet, decided, and what came of it.
struct Row<'a> {
    reviewer: &'a str,
    given: &'a Given,
    /// "keep", "remove", "no response → keep", ...
    decision: &'static str,
    remove: bool,
    outcome: &'static str,
    status: Option<u16>,
    reason: String,
}

pub fn apply(options: &Options, args: ApplyArgs) -> Result<(), Error> {
    let dir = &args.dir;
    let round = Round::read(dir)?;
    let chosen: Vec<usize> = if args.sheets.is_empty() {
        (0..round.sheets.len()).collect()
    } else {
        let mut chosen = Vec::new();
        for path in &args.sheets {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let at = round
                .sheets
                .iter()
                .position(|s| s.file == name)
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "--sheet {}: not a sheet of this round (round.json names {})",
                        path.display(),
                        round
                            .sheets
                            .iter()
                            .map(|s| s.file.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?;
            if !chosen.contains(&at) {
                chosen.push(at);
            }
        }
        chosen
    };
    let entries = status::entries(dir)?;
    let checked: Vec<status::Checked> = chosen
        .iter()
        .map(|&i| status::check(dir, &round.sheets[i], &entries))
        .collect();
    let problems: Vec<String> = checked.iter().flat_map(|c| c.problems.clone()).collect();
    status::refuse(&problems, ": nothing was sent")?;

    let settings = config::resolve(options)?;
    let origin = settings.portal.to_string();
    if origin != round.portal {
        return Err(Error::Usage(format!(
            "this round was started on {}, not {origin}: apply it to its own portal (--url)",
            round.portal
        )));
    }
    let mut time = Header::new(&round.portal, "certify", None)?
        .time
        .replace([':', '-'], "");
    // Another apply in the same second: the evidence never overwrites.
    let stem = time.clone();
    for n in 2.. {
        if !dir.join(format!("applied-{time}.csv")).exists()
            && !dir.join(format!("applied-{time}.jsonl")).exists()
        {
            break;
        }
        time = format!("{stem}-{n}");
    }
    let record = dir.join(format!("record-{time}-{}.jsonl", round.id));
    let ctx = Context::changing(options, &settings, "certify", ByDefault::At(&record))?;
    let verdict = decide_and_remove(&ctx, &args, &round, &chosen, &checked, &time);
    ctx.finish(verdict)
}

/// The rows decided, the removals made through the context's record, the evidence.
fn decide_and_remove(
    ctx: &Context,
    args: &ApplyArgs,
    round: &Round,
    chosen: &[usize],
    checked: &[status::Checked],
    time: &str,
) -> Result<(), Error> {
    let dir = &args.dir;
    let (portal, out) = (&ctx.portal, &ctx.out);
    let me = rooms::caller(portal)?;

    // Each row decided: by its reviewer, or by --no-response.
    let mut rows: Vec<Row> = Vec::new();
    for (&i, checked) in chosen.iter().zip(checked) {
        let sheet = &round.sheets[i];
        for (j, given) in sheet.rows.iter().enumerate() {
            let decided = checked.returned.as_ref().and_then(|r| r.decisions[j]);
            let (decision, remove) = match (decided, args.no_response) {
                (Some(Decision::Keep), _) => ("keep", false),
                (Some(Decision::Remove), _) => ("remove", true),
                (None, NoResponse::Keep) => ("no response → keep", false),
                (None, NoResponse::Remove) => ("no response → remove", true),
                // Empty (the portal could not tell) means keep.
                (None, NoResponse::Recommendation) if given.recommendation == "remove" => {
                    ("no response → recommendation: remove", true)
                }
                (None, NoResponse::Recommendation) => ("no response → recommendation: keep", false),
            };
            rows.push(Row {
                reviewer: &sheet.reviewer,
                given,
                decision,
                remove,
                outcome: if remove { "not removed" } else { "kept" },
                status: None,
                reason: String::new(),
            });
        }
    }

    // The memberships to remove, read again room by room.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, row) in rows.iter().enumerate().filter(|(_, r)| r.remove) {
        let room = row.given.room;
        match groups.iter_mut().find(|g| rows[g[0]].given.room == room) {
            Some(group) => group.push(i),
            None => groups.push(vec![i]),
        }
    }
    let mut plans = Vec::new();
    let mut to_send = 0;
    for wanted in groups {
        let id = rows[wanted[0]].given.room;
        let room = match rooms::room(portal, id) {
            Ok(room) => room,
            Err(error) => {
                for &i in &wanted {
                    rows[i].reason = error.to_string();
                }
                continue;
            }
        };
        let mut now: Vec<(User, u8)> = Vec::new();
        rooms::each_member(portal, id, &mut |member| {
            if wanted
                .iter()
                .any(|&i| rows[i].given.guest == member.person.id)
            {
                now.push((member.person, member.role));
            }
            Ok(())
        })?;
        let mut items = Vec::new();
        for &i in &wanted {
            let row = &mut rows[i];
            match now.iter().position(|(g, _)| g.id == row.given.guest) {
                None => {
                    row.outcome = "already gone";
                    row.reason = "no longer a member of the room".into();
                }
                Some(at) if now[at].1 != row.given.role => {
                    row.outcome = "role changed";
                    row.reason = format!(
                        "role changed from {} to {} since the round started: review it again",
                        rooms::role_name(row.given.role),
                        rooms::role_name(now[at].1)
                    );
                }
                Some(at) => {
                    let (guest, role) = now.swap_remove(at);
                    items.push(Item { guest, role });
                }
            }
        }
        if !room.archived && room.edit_access {
            to_send += items.len();
        }
        if !items.is_empty() {
            plans.push(Plan { room, items });
        }
    }
    for row in rows
        .iter()
        .filter(|r| r.outcome != "kept" && r.outcome != "not removed")
    {
        out.say(&format!(
            "Guest {} in room {}: {}: {}",
            row.given.email, row.given.room, row.outcome, row.reason
        ))?;
    }
    if args.max != 0 && to_send > args.max {
        return Err(Error::Usage(format!(
            "apply would remove {to_send} room memberships, more than --max {}: nothing was \
             changed; check the sheets with docspace-guest certify status, or raise --max \
             (0: no limit)",
            args.max
        )));
    }

    let mut reported = Reported {
        index: status::index(rows.iter().map(|r| r.given)),
        tracks: vec![Track::default(); rows.len()],
    };
    let sent = if plans.is_empty() {
        Ok(())
    } else {
        revoke::remove(ctx, me, plans, &mut reported)
    };
    if ctx.dry_run {
        return sent;
    }
    if let Err(error @ (Error::OutputClosed | Error::Local(_))) = sent {
        return Err(error);
    }

    // What came of each removal, as the record holds it.
    let record_path = ctx.record_path();
    if let Some(path) = &record_path {
        reported.read_back(path)?;
    }
    for (row, track) in rows.iter_mut().zip(reported.tracks.iter_mut()) {
        if row.outcome != "not removed" {
            continue;
        }
        row.status = track.status;
        if let Some(reason) = track.reason.take() {
            row.reason = reason;
        }
        match track.state {
            Some(record::State::Done) => row.outcome = "removed",
            Some(record::State::Unknown) => row.outcome = "unknown",
            _ => {}
        }
        if row.outcome == "not removed" && row.reason.is_empty() && !row.given.applicable {
            row.reason = "the caller could not change the room's members".into();
        }
    }
    evidence(
        dir,
        time,
        round,
        chosen,
        checked,
        &rows,
        record_path.as_deref(),
        out,
    )?;

    let not_done = rows
        .iter()
        .filter(|r| r.remove && !matches!(r.outcome, "removed" | "already gone"))
        .count();
    let removed = rows.iter().filter(|r| r.outcome == "removed").count();
    if not_done > 0 {
        return Err(Error::Partial(format!(
            "{not_done} of the memberships decided for removal were not removed (see the lines \
             above and applied-{time}.csv); {removed} were"
        )));
    }
    Ok(())
}

/// What came of each row's removal: the status and reason revoke reported, and its
/// state as the record holds it (as revoke reported it under `--no-record`).
struct Reported {
    /// The rows by (room, guest).
    index: status::Index,
    tracks: Vec<Track>,
}

#[derive(Clone, Default)]
struct Track {
    status: Option<u16>,
    reason: Option<String>,
    state: Option<record::State>,
}

impl Reported {
    /// Each removal's state, read back from this run's record (the file's last run:
    /// `--record FILE` may hold earlier ones, and the run holds its lock).
    fn read_back(&mut self, path: &Path) -> Result<(), Error> {
        let contents = recording::read(path)?;
        let Some(run) = contents.runs.last() else {
            return Ok(());
        };
        for entry in &run.changes {
            if let Change::RoomRemove { room, guest, .. } = &entry.change
                && let Some(&i) = self.index.get(&status::key(*room, guest))
            {
                self.tracks[i].state = Some(entry.state());
            }
        }
        Ok(())
    }
}

impl Observer for Reported {
    fn outcome(&mut self, room: &Room, item: &Item, status: Option<u16>, error: Option<&Error>) {
        if let Some(&i) = self.index.get(&status::key(room.id, &item.guest.id)) {
            let track = &mut self.tracks[i];
            track.status = status;
            track.reason = error.map(Error::to_string);
            // What revoke saw; the record's word replaces it (without --no-record).
            track.state = Some(match error {
                None => record::State::Done,
                Some(Error::Network(_)) => record::State::Unknown,
                Some(_) => record::State::NotDone,
            });
        }
    }
}

/// `applied-<time>.csv` and `.jsonl`: every row with its reviewer, decision, outcome
/// and status; the digests; per reviewer how many rows they decided; what the round
/// did not cover; the guests left in no room.
#[allow(clippy::too_many_arguments)]
fn evidence(
    dir: &Path,
    time: &str,
    round: &Round,
    chosen: &[usize],
    checked: &[status::Checked],
    rows: &[Row],
    record: Option<&Path>,
    out: &crate::output::Printer,
) -> Result<(), Error> {
    let create = |name: String| {
        let path = dir.join(name);
        File::options()
            .write(true)
            .create_new(true)
            .open(&path)
            .map(std::io::BufWriter::new)
            .map_err(|err| Error::Local(format!("cannot write {}: {err}", path.display())))
    };
    let failed = |err: std::io::Error| Error::Local(format!("cannot write the evidence: {err}"));
    let mut csv = create(format!("applied-{time}.csv"))?;
    let mut lines = create(format!("applied-{time}.jsonl"))?;
    let text = |s: &str| Value::from(s);
    let mut sheets = Vec::new();
    let mut per_reviewer = Vec::new();
    for (&i, c) in chosen.iter().zip(checked) {
        let sheet = &round.sheets[i];
        let decided = c.returned.as_ref().map_or(0, |r| r.decisions.len());
        let returned = c.returned.as_ref().map(|r| text(&r.sha256));
        sheets.push(object(vec![
            ("file", text(&sheet.file)),
            ("reviewer", text(&sheet.reviewer)),
            ("written", text(&sheet.sha256)),
            ("returned", returned.unwrap_or_default()),
            ("decided", decided.into()),
            ("rows", sheet.rows.len().into()),
        ]));
        per_reviewer.push(object(vec![
            ("reviewer", text(&sheet.reviewer)),
            ("decided", decided.into()),
            ("rows", sheet.rows.len().into()),
        ]));
    }
    let head = object(vec![
        ("kind", text("round")),
        ("round", text(&round.id)),
        ("portal", text(&round.portal)),
        ("startedBy", text(&round.caller)),
        ("started", text(&round.started)),
        ("roundSha256", text(&round.sha256)),
        ("sheets", sheets.into()),
        ("record", record.map(|p| p.display().to_string()).into()),
    ]);
    writeln!(lines, "{head}").map_err(failed)?;
    let header = [
        "reviewer",
        "room_id",
        "room",
        "guest_id",
        "guest_email",
        "role",
        "decision",
        "outcome",
        "status",
        "reason",
    ];
    writeln!(csv, "{}", csv_record(&header.map(String::from))).map_err(failed)?;
    let title = |id: u64| {
        round
            .rooms
            .iter()
            .find(|r| r.id == id)
            .map_or("", |r| r.title.as_str())
    };
    for row in rows {
        let g = row.given;
        let status = row.status.map_or(String::new(), |s| s.to_string());
        let cells = [
            row.reviewer.to_string(),
            g.room.to_string(),
            title(g.room).to_string(),
            g.guest.clone(),
            g.email.clone(),
            rooms::role_name(g.role),
            row.decision.to_string(),
            row.outcome.to_string(),
            status,
            row.reason.clone(),
        ];
        writeln!(csv, "{}", csv_record(&cells)).map_err(failed)?;
        // The same cells, named by the CSV's header.
        let mut line = serde_json::Map::new();
        line.insert("kind".into(), "row".into());
        for (name, cell) in header.iter().zip(cells) {
            line.insert(name.to_string(), cell.into());
        }
        let line = Value::Object(line);
        writeln!(lines, "{line}").map_err(failed)?;
        out.result("certify", row.outcome != "not removed", row.status, line)?;
    }
    // What the round could not see or do.
    let external: Vec<u64> = round
        .rooms
        .iter()
        .filter(|r| r.external)
        .map(|r| r.id)
        .collect();
    let not_applicable = rows.iter().filter(|r| !r.given.applicable).count();
    // Guests whose every membership in the round is gone now: the rows of each guest
    // counted in the one map type of rows (keyed by the guest alone).
    let mut kept = status::Index::new();
    for row in rows {
        let gone = matches!(row.outcome, "removed" | "already gone");
        *kept.entry(row.given.guest.clone()).or_default() += usize::from(!gone);
    }
    let mut in_no_room: Vec<(&str, &str)> = Vec::new();
    for row in rows {
        if kept.remove(&row.given.guest) == Some(0) {
            in_no_room.push((&row.given.guest, &row.given.email));
        }
    }
    let guests: Vec<Value> = in_no_room
        .iter()
        .map(|(id, email)| object(vec![("id", text(id)), ("email", text(email))]))
        .collect();
    let tail = [
        object(vec![
            ("kind", text("reviewers")),
            ("reviewers", per_reviewer.into()),
        ]),
        object(vec![
            ("kind", text("notCovered")),
            ("roomsWithExternalLinks", external.clone().into()),
            (
                "sharesInPersonalDocuments",
                text("not listed: DocSpace cannot list them per guest"),
            ),
            ("rowsTheCallerCouldNotApply", not_applicable.into()),
        ]),
        object(vec![("kind", text("inNoRoom")), ("guests", guests.into())]),
    ];
    for line in &tail {
        writeln!(lines, "{line}").map_err(failed)?;
    }
    for file in [csv.into_inner(), lines.into_inner()] {
        file.map_err(|e| failed(e.into_error()))?
            .sync_all()
            .map_err(failed)?;
    }
    let count = |o: &str| rows.iter().filter(|r| r.outcome == o).count();
    out.say(&format!(
        "{} removed, {} already gone, {} role changed, {} not removed, {} kept; evidence in {}",
        count("removed"),
        count("already gone"),
        count("role changed"),
        count("not removed") + count("unknown"),
        count("kept"),
        dir.join(format!("applied-{time}.csv")).display()
    ))?;
    if !external.is_empty() {
        out.say(&format!(
            "Not covered: {} room(s) also have external links (anyone holding one gets in); \
             shares inside personal documents cannot be listed.",
            external.len()
        ))?;
    }
    for (id, email) in &in_no_room {
        out.say(&format!(
            "Guest {id} <{email}> is left in no room of the round: a candidate for clean-up."
        ))?;
    }
    if let Some(path) = record {
        terminal::notice(&format!(
            "the record is {}: docspace-guest restore --from it puts the removals back",
            path.display()
        ));
    }
    Ok(())
}
