//! `certify start --out DIR`: the map read once (every room the caller sees, active
//! and archived, and the guests who are direct members), a recommendation per guest
//! from the login history (computed now, once), and one sheet per reviewer.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::Value;

use super::{object, round, sheet};
use crate::commands::Context;
use crate::config::Options;
use crate::date;
use crate::error::Error;
use crate::input;
use crate::output::{Printer, terminal};
use crate::portal::Portal;
use crate::portal::answers;
use crate::portal::logins::{self, History, Verdict};
use crate::portal::people::{self, User};
use crate::portal::rooms::{self, Room};

/// The id DocSpace gives a deleted user in `createdBy`.
const LOST_USER: &str = "4a515a15-d4d6-4b8e-828e-e0586f18f3a3";
const NOT_MANAGER: &str = "no: only the room's owner or a room manager can change its members";
const ARCHIVED: &str = "no: archived";

#[derive(Debug)]
pub struct StartArgs {
    pub out: PathBuf,
    pub reviewer: ReviewerBy,
    pub fallback: Option<String>,
    /// `--recommend-inactive DAYS`.
    pub days: u32,
    pub rooms: Vec<u64>,
    pub due: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewerBy {
    Owner,
    Inviter,
}

/// A sheet being written: rows are added room by room as the map is read, so memory
/// holds the sheets' counts, not their rows.
struct Sheet {
    file: String,
    reviewer: String,
    rows: usize,
    rooms: usize,
    not_applicable: usize,
}

/// What a round's start holds while it reads the map.
struct Round<'a> {
    portal: &'a Portal,
    me: User,
    args: &'a StartArgs,
    history: Result<History, String>,
    fallback: String,
    sheets: Vec<Sheet>,
    names: Vec<String>,
    /// A reviewer's id → their sheet (the fallback's where they cannot review).
    reviewers: HashMap<String, usize>,
    /// `--reviewer inviter`: the guest list's inviters, each id once.
    inviters: Inviters,
    /// round.json's rows, written as they come (to DIR/.rows, moved in at the end).
    rows: std::io::BufWriter<std::fs::File>,
    rows_path: PathBuf,
    rooms: Vec<Value>,
    total: usize,
}

pub fn start(options: &Options, args: StartArgs) -> Result<(), Error> {
    if let Some(email) = &args.fallback {
        input::check_email("--fallback-reviewer", email)?;
    }
    if let Some(due) = &args.due
        && (due.len() != 10 || date::parse_timestamp(due).is_none())
    {
        return Err(Error::Usage(format!(
            "--due {due:?}: not a date; give it as YYYY-MM-DD"
        )));
    }
    make_folder(&args.out)?;
    let ctx = Context::open(options)?;
    let (portal, out) = (&ctx.portal, &ctx.out);
    let me = rooms::caller(portal)?;
    let history = if me.kind.is_docspace_admin() {
        Ok(logins::read(portal, &me, args.days, SystemTime::now())?)
    } else {
        Err(format!(
            "the login history needs a DocSpace admin; this round was started by a {}",
            me.kind.describe()
        ))
    };
    let inviters = match args.reviewer {
        ReviewerBy::Owner => Inviters::default(),
        ReviewerBy::Inviter => inviters(portal, &me)?,
    };
    let rows_path = args.out.join(".rows");
    let rows = std::fs::File::options()
        .write(true)
        .create_new(true)
        .open(&rows_path)
        .map_err(|err| Error::Local(format!("cannot write {}: {err}", rows_path.display())))?;
    let mut round = Round {
        portal,
        fallback: args.fallback.clone().unwrap_or_else(|| me.email.clone()),
        me,
        args: &args,
        history,
        sheets: Vec::new(),
        names: Vec::new(),
        reviewers: HashMap::new(),
        inviters,
        rows: std::io::BufWriter::new(rows),
        rows_path,
        rooms: Vec::new(),
        total: 0,
    };
    if args.rooms.is_empty() {
        rooms::each_room(portal, None, &mut |room| round.room(room))?;
    } else {
        for id in rooms::unique(&args.rooms) {
            round.room(rooms::room(portal, id)?)?;
        }
    }
    round.finish(out)
}

impl Round<'_> {
    /// One room: its guests, sorted by email, each row into its reviewer's sheet.
    fn room(&mut self, room: Room) -> Result<(), Error> {
        let mut members = Vec::new();
        rooms::each_member(self.portal, room.id, &mut |member| {
            if member.person.guest {
                members.push((member.person, member.role));
            }
            Ok(())
        })?;
        let applicable = if room.archived {
            ARCHIVED
        } else if !room.edit_access {
            NOT_MANAGER
        } else {
            "yes"
        };
        // Rows to the same sheet go together: in owner mode the whole room.
        let mut groups: Vec<(usize, Vec<[String; 13]>)> = Vec::new();
        for (guest, role) in members {
            let person = match self.args.reviewer {
                ReviewerBy::Owner => Some(room.owner.id.clone()),
                ReviewerBy::Inviter => (self.inviters.of.get(&guest.id))
                    .map(|&at| self.inviters.ids[at].clone())
                    .or_else(|| guest.inviter.as_ref().map(|i| i.id.clone())),
            };
            let sheet = self.sheet_of(person)?;
            let (last_sign_in, recommendation, why) = self.recommend(&guest);
            let cells = [
                room.id.to_string(),
                room.title.clone(),
                guest.id.clone(),
                guest.email.clone(),
                guest.name.clone(),
                rooms::role_name(role),
                last_sign_in,
                recommendation.to_string(),
                why,
                applicable.to_string(),
                self.args.due.clone().unwrap_or_default(),
                String::new(),
                String::new(),
            ];
            let row = Value::Array(vec![
                sheet.into(),
                room.id.into(),
                guest.id.as_str().into(),
                role.into(),
                guest.email.as_str().into(),
                recommendation.into(),
                (applicable == "yes").into(),
            ]);
            let comma = if self.total > 0 { "," } else { "" };
            writeln!(self.rows, "{comma}{row}").map_err(|err| {
                Error::Local(format!("cannot write {}: {err}", self.rows_path.display()))
            })?;
            self.total += 1;
            match groups.iter_mut().find(|(s, _)| *s == sheet) {
                Some((_, list)) => list.push(cells),
                None => groups.push((sheet, vec![cells])),
            }
        }
        for (at, list) in groups {
            let sheet = &mut self.sheets[at];
            let mut writer = sheet::Writer::append(&self.args.out.join(&sheet.file))?;
            for cells in &list {
                writer.row(cells)?;
            }
            writer.finish()?;
            sheet.rows += list.len();
            sheet.rooms += 1;
            sheet.not_applicable += if applicable == "yes" { 0 } else { list.len() };
        }
        self.rooms.push(object(vec![
            ("id", room.id.into()),
            ("title", room.title.into()),
            ("externalLinks", room.shared_external.into()),
        ]));
        Ok(())
    }

    /// The sheet of the reviewer `person` (a user id), created at its first row; the
    /// fallback's where they are the caller, deleted, disabled or unknown.
    fn sheet_of(&mut self, person: Option<String>) -> Result<usize, Error> {
        let person = person.filter(|id| *id != self.me.id && id != LOST_USER);
        if let Some(&at) = person.as_ref().and_then(|id| self.reviewers.get(id)) {
            return Ok(at);
        }
        let email = match &person {
            Some(id) => reviewer_email(self.portal, id)?,
            None => None,
        };
        let reviewer = email
            .unwrap_or_else(|| self.fallback.clone())
            .to_lowercase();
        let at = match self.sheets.iter().position(|s| s.reviewer == reviewer) {
            Some(at) => at,
            None => {
                let file = sheet::file_name(&reviewer, &mut self.names);
                sheet::Writer::create(&self.args.out.join(&file))?.finish()?;
                self.sheets.push(Sheet {
                    file,
                    reviewer,
                    rows: 0,
                    rooms: 0,
                    not_applicable: 0,
                });
                self.sheets.len() - 1
            }
        };
        if let Some(id) = person {
            self.reviewers.insert(id, at);
        }
        Ok(at)
    }

    /// The last sign-in, the recommendation and why, by the rules of `--inactive`.
    fn recommend(&self, guest: &User) -> (String, &'static str, String) {
        let days = self.args.days;
        let registered = date::parse_timestamp(&guest.registered);
        match (&self.history, registered) {
            (Err(why), _) | (Ok(History::Missing(why)), _) => {
                (String::new(), "", format!("not evaluated: {why}"))
            }
            (Ok(History::Read(_)), None) => (
                String::new(),
                "",
                format!(
                    "not evaluated: the registration date {:?} cannot be read",
                    guest.registered
                ),
            ),
            (Ok(History::Read(sign_ins)), Some(registered)) => {
                let verdict = sign_ins.judge(&guest.id, registered);
                let shown = sign_ins.describe(&verdict);
                match verdict {
                    Verdict::NoneSince => (
                        shown,
                        "remove",
                        format!(
                            "no sign-in in {days} days (since {})",
                            sign_ins.cutoff_date()
                        ),
                    ),
                    Verdict::Unknown if registered < sign_ins.cutoff => {
                        (shown, "", sign_ins.unknown_reason())
                    }
                    Verdict::SignedIn(_) => {
                        (shown, "keep", format!("signed in within {days} days"))
                    }
                    Verdict::Never | Verdict::Unknown => (
                        shown,
                        "keep",
                        format!(
                            "registered {} (within {days} days)",
                            date::utc_date(registered)
                        ),
                    ),
                }
            }
        }
    }

    /// The sheets' digests, round.json, and the summary.
    fn finish(mut self, out: &Printer) -> Result<(), Error> {
        self.rows.flush().map_err(|err| {
            Error::Local(format!("cannot write {}: {err}", self.rows_path.display()))
        })?;
        let dir = &self.args.out;
        let header =
            crate::record::Header::new(&self.portal.origin(), "certify", Some(&self.me.email))?;
        let mut sheets = Vec::new();
        for sheet in &self.sheets {
            let digest = sheet::sha256_of(&dir.join(&sheet.file))?;
            let (file, reviewer) = (sheet.file.as_str(), sheet.reviewer.as_str());
            sheets.push(object(vec![
                ("file", file.into()),
                ("reviewer", reviewer.into()),
                ("sha256", digest.into()),
            ]));
            let summary = object(vec![
                ("reviewer", reviewer.into()),
                ("file", file.into()),
                ("rows", sheet.rows.into()),
                ("rooms", sheet.rooms.into()),
                ("notApplicable", sheet.not_applicable.into()),
            ]);
            out.result("sheet", true, None, summary)?;
            out.say(&format!(
                "{}: {} row(s) in {} room(s), {} you cannot apply: {}",
                sheet.reviewer,
                sheet.rows,
                sheet.rooms,
                sheet.not_applicable,
                dir.join(&sheet.file).display()
            ))?;
        }
        let rooms = self.rooms.len();
        let due = || Value::from(self.args.due.clone());
        let head = object(vec![
            ("v", 1.into()),
            ("round", header.run.as_str().into()),
            ("portal", self.portal.origin().into()),
            ("caller", self.me.email.as_str().into()),
            ("started", header.time.as_str().into()),
            ("due", due()),
            ("rooms", std::mem::take(&mut self.rooms).into()),
            ("sheets", sheets.into()),
        ]);
        round::write(dir, &head, &self.rows_path)?;
        let summary = object(vec![
            ("round", header.run.as_str().into()),
            ("dir", dir.display().to_string().into()),
            ("sheets", self.sheets.len().into()),
            ("rows", self.total.into()),
            ("rooms", rooms.into()),
            ("due", due()),
        ]);
        out.result("round", true, None, summary)?;
        let due = self
            .args
            .due
            .as_ref()
            .map_or(String::new(), |due| format!(", due {due}"));
        out.say(&format!(
            "Round {}: {} sheet(s), {} guest membership(s) in {rooms} room(s){due}. Send each \
             reviewer their sheet; then docspace-guest certify status {}.",
            header.run,
            self.sheets.len(),
            self.total,
            dir.display()
        ))
    }
}

/// DIR, created (0700: the sheets name guests); refused if it exists with anything in it.
fn make_folder(dir: &Path) -> Result<(), Error> {
    use std::os::unix::fs::DirBuilderExt;
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(Error::Usage(format!(
                    "--out {}: the folder exists and is not empty: give a new or empty folder \
                     for the round",
                    dir.display()
                )));
            }
            Ok(())
        }
        Err(_) => std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|err| {
                Error::Usage(format!("--out {}: cannot create it: {err}", dir.display()))
            }),
    }
}

/// The guest list's inviters: each id once (a few people invite thousands), and each
/// guest's id → theirs.
#[derive(Default)]
struct Inviters {
    ids: Vec<String>,
    of: HashMap<String, usize>,
}

/// Each guest's inviter, from the guest list (only DocSpace admins see `createdBy`),
/// read once; for anyone else every sheet goes to the fallback reviewer.
fn inviters(portal: &Portal, me: &User) -> Result<Inviters, Error> {
    let mut inviters = Inviters::default();
    if !me.kind.is_docspace_admin() {
        terminal::warn(
            "--reviewer inviter: the portal tells who invited a guest only to DocSpace admins; \
             the sheets go to the fallback reviewer",
        );
        return Ok(inviters);
    }
    people::each_page(portal, &[], |page| {
        for person in page {
            let person = User::read(person);
            if let (Some(id), Some(inviter)) = (input::guid(&person.id), person.inviter) {
                let at = match inviters.ids.iter().position(|i| *i == inviter.id) {
                    Some(at) => at,
                    None => {
                        inviters.ids.push(inviter.id);
                        inviters.ids.len() - 1
                    }
                };
                inviters.of.insert(id, at);
            }
        }
        Ok(())
    })?;
    Ok(inviters)
}

/// A reviewer's email, or `None` where they cannot review: deleted, disabled, unknown.
fn reviewer_email(portal: &Portal, id: &str) -> Result<Option<String>, Error> {
    let reply = portal.user(id)?;
    match reply.status {
        200 => {}
        403 | 404 => return Ok(None),
        _ => {
            return Err(answers::unexpected(
                &format!("the lookup of user {id}"),
                &reply,
            ));
        }
    }
    let user = answers::success_envelope(&reply)
        .map(|mut e| User::read(&e["response"].take()))
        .unwrap_or_default();
    Ok((user.is_active() && input::is_email(&user.email)).then_some(user.email))
}
