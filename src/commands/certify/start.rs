//! `certify start --out DIR`: the map read once (every room the caller sees, active
//! and archived, and the guests who are direct members), a recommendation per guest
//! from the login history (computed now, once), and one sheet per reviewer.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::json;

use super::round::{Given, RoomEntry, Round, SheetEntry};
use super::sheet;
use crate::commands::Context;
use crate::config::Options;
use crate::date;
use crate::error::Error;
use crate::input;
use crate::output::terminal;
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

/// A guest, once for all its rooms: what every row of it shows.
struct Guest {
    email: String,
    name: String,
    inviter: Option<String>,
    last_sign_in: String,
    recommendation: &'static str,
    why: String,
}

struct Row {
    room: usize,
    guest: String,
    role: u8,
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
    let now = SystemTime::now();
    let history = if me.kind.is_docspace_admin() {
        Ok(logins::read(portal, &me, args.days, now)?)
    } else {
        Err(format!(
            "the login history needs a DocSpace admin; this round was started by a {}",
            me.kind.describe()
        ))
    };

    let mut rooms: Vec<Room> = Vec::new();
    let mut guests: HashMap<String, Guest> = HashMap::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut take = |room: Room| {
        let at = rooms.len();
        rooms::each_member(portal, room.id, &mut |member| {
            if member.person.guest {
                let person = member.person;
                rows.push(Row {
                    room: at,
                    guest: person.id.clone(),
                    role: member.role,
                });
                guests
                    .entry(person.id.clone())
                    .or_insert_with(|| guest(person, &history, args.days));
            }
            Ok(())
        })?;
        rooms.push(room);
        Ok(())
    };
    if args.rooms.is_empty() {
        rooms::each_room(portal, None, &mut take)?;
    } else {
        for id in rooms::unique(&args.rooms) {
            take(rooms::room(portal, id)?)?;
        }
    }

    if args.reviewer == ReviewerBy::Inviter {
        inviters(portal, &me, &mut guests)?;
    }
    let fallback = args.fallback.clone().unwrap_or_else(|| me.email.clone());
    let mut emails: HashMap<String, Option<String>> = HashMap::new();
    let mut by_reviewer: Vec<(String, Vec<Row>)> = Vec::new();
    for row in rows {
        let person = match args.reviewer {
            ReviewerBy::Owner => Some(rooms[row.room].owner.id.clone()),
            ReviewerBy::Inviter => guests[&row.guest].inviter.clone(),
        };
        let reviewer = match person {
            Some(id) if id != me.id && id != LOST_USER => match emails.get(&id) {
                Some(email) => email.clone(),
                None => {
                    let email = reviewer_email(portal, &id)?;
                    emails.insert(id, email.clone());
                    email
                }
            },
            _ => None,
        }
        .unwrap_or_else(|| fallback.clone())
        .to_lowercase();
        match by_reviewer.iter_mut().find(|(r, _)| *r == reviewer) {
            Some((_, list)) => list.push(row),
            None => by_reviewer.push((reviewer, vec![row])),
        }
    }
    by_reviewer.sort_by(|a, b| a.0.cmp(&b.0));

    let started = crate::record::Header::new(&portal.origin(), "certify", Some(&me.email))?;
    let mut taken = HashMap::new();
    let mut round = Round {
        id: started.run,
        portal: portal.origin(),
        caller: me.email.clone(),
        started: started.time,
        due: args.due.clone(),
        rooms: rooms
            .iter()
            .map(|r| RoomEntry {
                id: r.id,
                title: r.title.clone(),
                external: r.shared_external,
            })
            .collect(),
        sheets: Vec::new(),
        sha256: String::new(),
    };
    let mut total = 0;
    for (reviewer, mut list) in by_reviewer {
        list.sort_by(|a, b| {
            (rooms[a.room].id, &guests[&a.guest].email)
                .cmp(&(rooms[b.room].id, &guests[&b.guest].email))
        });
        let file = sheet::file_name(&reviewer, &mut taken);
        let mut writer = sheet::Writer::create(&args.out.join(&file))?;
        let mut given = Vec::new();
        let mut not_applicable = 0;
        for row in &list {
            let room = &rooms[row.room];
            let guest = &guests[&row.guest];
            let applicable = if room.archived {
                ARCHIVED
            } else if !room.edit_access {
                NOT_MANAGER
            } else {
                "yes"
            };
            not_applicable += usize::from(applicable != "yes");
            writer.row(&[
                room.id.to_string(),
                room.title.clone(),
                row.guest.clone(),
                guest.email.clone(),
                guest.name.clone(),
                rooms::role_name(row.role),
                guest.last_sign_in.clone(),
                guest.recommendation.to_string(),
                guest.why.clone(),
                applicable.to_string(),
                args.due.clone().unwrap_or_default(),
                String::new(),
                String::new(),
            ])?;
            given.push(Given {
                room: room.id,
                guest: row.guest.clone(),
                role: row.role,
                email: guest.email.clone(),
                recommendation: guest.recommendation.to_string(),
                applicable: applicable == "yes",
            });
        }
        let digest = writer.finish()?;
        let in_rooms = {
            let mut ids: Vec<usize> = list.iter().map(|r| r.room).collect();
            ids.dedup();
            ids.len()
        };
        total += list.len();
        out.result(
            "sheet",
            true,
            None,
            json!({ "reviewer": reviewer, "file": file, "rows": list.len(), "rooms": in_rooms,
                    "notApplicable": not_applicable }),
        )?;
        out.say(&format!(
            "{reviewer}: {} row(s) in {in_rooms} room(s), {not_applicable} you cannot apply: {}",
            list.len(),
            args.out.join(&file).display()
        ))?;
        round.sheets.push(SheetEntry {
            file,
            reviewer,
            sha256: digest,
            rows: given,
        });
    }
    round.write(&args.out)?;
    let due = args
        .due
        .as_ref()
        .map_or(String::new(), |due| format!(", due {due}"));
    out.result(
        "round",
        true,
        None,
        json!({ "round": round.id, "dir": args.out.display().to_string(), "sheets": round.sheets.len(),
                "rows": total, "rooms": rooms.len(), "due": args.due }),
    )?;
    out.say(&format!(
        "Round {}: {} sheet(s), {total} guest membership(s) in {} room(s){due}. Send each \
         reviewer their sheet; then docspace-guest certify status {}.",
        round.id,
        round.sheets.len(),
        rooms.len(),
        args.out.display()
    ))
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

/// The guest's cells, and the recommendation by the rules of `--inactive`.
fn guest(person: User, history: &Result<History, String>, days: u32) -> Guest {
    let registered = date::parse_timestamp(&person.registered);
    let (last_sign_in, recommendation, why) = match (history, registered) {
        (Err(why), _) | (Ok(History::Missing(why)), _) => {
            (String::new(), "", format!("not evaluated: {why}"))
        }
        (Ok(History::Read(_)), None) => (
            String::new(),
            "",
            format!(
                "not evaluated: the registration date {:?} cannot be read",
                person.registered
            ),
        ),
        (Ok(History::Read(sign_ins)), Some(registered)) => {
            let verdict = sign_ins.judge(&person.id, registered);
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
                Verdict::SignedIn(_) => (shown, "keep", format!("signed in within {days} days")),
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
    };
    Guest {
        inviter: person.inviter.map(|i| i.id),
        email: person.email,
        name: person.name,
        last_sign_in,
        recommendation,
        why,
    }
}

/// Each guest's inviter: from the guest list (DocSpace admins only see `createdBy`),
/// read once; for anyone else every sheet goes to the fallback reviewer.
fn inviters(portal: &Portal, me: &User, guests: &mut HashMap<String, Guest>) -> Result<(), Error> {
    if guests.values().all(|g| g.inviter.is_some()) {
        return Ok(());
    }
    if !me.kind.is_docspace_admin() {
        terminal::warn(
            "--reviewer inviter: the portal tells who invited a guest only to DocSpace admins; \
             the sheets go to the fallback reviewer",
        );
        return Ok(());
    }
    people::each_page(portal, &[], |page| {
        for person in page {
            let person = User::read(person);
            if let (Some(id), Some(guest)) = (input::guid(&person.id), person.inviter)
                && let Some(known) = guests.get_mut(&id)
            {
                known.inviter.get_or_insert(guest.id);
            }
        }
        Ok(())
    })?;
    Ok(())
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
