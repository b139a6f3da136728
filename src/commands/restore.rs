//! `restore --from FILE`: what a record says a run changed, put back, and only after
//! the portal is checked. A guest taken out of a room is added back with the role it
//! had, unless it is in the room again (then it is left as it is); a guest disabled is
//! enabled, unless it is active. A change whose outcome is unknown (the run got no
//! answer, or was killed) is looked up the same way, so it is put back only if it was
//! made. Removals from a guest list, deletions and approvals cannot be undone by
//! restore: they are listed. The whole record is read and checked (its MACs, its
//! portal, its ids and roles) before the first request.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::Context;
use super::batch::{self, Action, Batch, Known};
use super::recording::{self, ByDefault};
use super::revoke::{Item, Mode, Plan, Run};
use crate::config::Options;
use crate::error::Error;
use crate::input::{self, Target};
use crate::output::terminal;
use crate::portal::people::{self, User};
use crate::portal::rooms::{self, Room};
use crate::record::{Change, Contents, State, Status};

/// The roles a guest can hold in a room (`FileShare`): Read, Review, Comment,
/// FillForms, CustomFilter, Editing. Never RoomManager or ContentCreator, nor a
/// removal's 0: a line asking for one is not a guest's membership.
const GUEST_ROLES: [u8; 6] = [2, 5, 6, 7, 8, 10];

/// A change of the record that restore may have to undo: a guest out of a room
/// (`room`: its id and title, `role`: the role it had), or a guest disabled.
struct Undo {
    room: Option<(u64, String)>,
    guest: String,
    email: String,
    role: u8,
    /// Unknown: the portal decides whether it was made.
    state: State,
}

pub fn restore(options: &Options, from: PathBuf, max: usize) -> Result<(), Error> {
    let contents = recording::read(&from)?;
    if let Some(torn) = &contents.torn {
        terminal::warn(torn);
    }
    let (undos, not_undoable) = wanted(&from, &contents)?;
    if max != 0 && undos.len() > max {
        return Err(Error::Usage(format!(
            "the record holds {} changes to put back, more than --max {max}: nothing was \
             changed; check them with --dry-run, or raise --max (0: no limit)",
            undos.len()
        )));
    }
    let ctx = Context::for_changes(options, "restore", ByDefault::Record)?;
    let here = ctx.portal.origin();
    if let Some(run) = contents.runs.iter().find(|run| run.header.portal != here) {
        let there = &run.header.portal;
        return Err(Error::Usage(format!(
            "--from {}:{}: the record is of the portal {there}, not {here}: restore it with \
             --url {there}; nothing was sent",
            from.display(),
            run.line,
        )));
    }
    for line in &not_undoable {
        ctx.out.say(&format!("Not undoable: {line}."))?;
    }
    let verdict = put_back(&ctx, undos);
    ctx.finish(verdict)
}

/// What the record's runs changed and restore is to check: the last change of each
/// guest in each room, and of each guest's status, in the order first changed (a
/// later room_add or enable cancels an earlier removal or disable); and what cannot
/// be undone, in words.
fn wanted(from: &Path, contents: &Contents) -> Result<(Vec<Undo>, Vec<String>), Error> {
    let mut undos: Vec<Option<Undo>> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    let mut not_undoable = Vec::new();
    for entry in contents.runs.iter().flat_map(|run| &run.changes) {
        let state = entry.state();
        if state == State::NotDone {
            continue;
        }
        let bad =
            |why: String| Error::Usage(format!("--from {}:{}: {why}", from.display(), entry.line));
        let guid = |guest: &str| {
            input::guid(guest).ok_or_else(|| bad("\"guest\" is not a user ID".into()))
        };
        let undo = |room, guest: String, email: &str, role| Undo {
            room,
            guest,
            email: email.to_string(),
            role,
            state,
        };
        let (key, undo) = match &entry.change {
            Change::RoomRemove {
                room,
                title,
                guest,
                email,
                role,
            } => {
                if !GUEST_ROLES.contains(role) {
                    let role = rooms::role_name(*role);
                    return Err(bad(format!(
                        "{role} is not a role a guest holds in a room; the record is refused"
                    )));
                }
                let guest = guid(guest)?;
                let key = format!("{room} {guest}");
                (
                    key,
                    Some(undo(Some((*room, title.clone())), guest, email, *role)),
                )
            }
            Change::RoomAdd { room, guest, .. } => (format!("{room} {}", guid(guest)?), None),
            Change::Status {
                guest,
                email,
                after,
                ..
            } => {
                let guest = guid(guest)?;
                let disabled = *after == Status::Disabled;
                (guest.clone(), disabled.then(|| undo(None, guest, email, 0)))
            }
            Change::ListRemove { guest, email } => {
                not_undoable.push(format!(
                    "{} removed from a guest list (line {}): the guest must be shared with you again",
                    who(guest, email),
                    entry.line
                ));
                continue;
            }
            Change::Delete { guest, email } => {
                let guest = who(guest, email);
                not_undoable.push(format!("{guest} deleted for good (line {})", entry.line));
                continue;
            }
            Change::Approve { email, .. } => {
                not_undoable.push(format!(
                    "{email} approved (line {}): remove the guest with docspace-guest delete",
                    entry.line
                ));
                continue;
            }
        };
        match at.get(&key) {
            Some(&i) => undos[i] = undo,
            None => {
                at.insert(key, undos.len());
                undos.push(undo);
            }
        }
    }
    Ok((undos.into_iter().flatten().collect(), not_undoable))
}

/// Checks the portal and puts back what needs it: the accounts first (a disabled
/// guest cannot be added to a room), then the rooms, each read once.
fn put_back(ctx: &Context, undos: Vec<Undo>) -> Result<(), Error> {
    let out = &ctx.out;
    // The guests the caller can see, by status: only they are put back. The record
    // says the person was a guest when the change was made; only the portal says they
    // still are, and a room admin sees only the guests on their own list (revoke's
    // check, a member entry's isVisitor, is gone with the membership).
    let mut disabled = HashSet::new();
    let mut active = HashSet::new();
    people::each_page(&ctx.portal, &[], |page| {
        for user in page.iter().filter_map(User::with_guid) {
            match user.status {
                Some(2) => disabled.insert(user.id),
                _ => active.insert(user.id),
            };
        }
        Ok(())
    })?;
    let not_a_guest = || {
        Error::Server(
            "not a guest you can see (or no longer there); not put back: restore puts back \
             only guests, and a room admin sees only those on their own guest list: have a \
             DocSpace admin restore it"
                .into(),
        )
    };
    let (in_rooms, accounts): (Vec<Undo>, Vec<Undo>) =
        undos.into_iter().partition(|u| u.room.is_some());
    let mut to_enable = Vec::new();
    let mut not_guests = 0;
    for undo in accounts {
        let named = who(&undo.guest, &undo.email);
        let line = if disabled.contains(&undo.guest) {
            to_enable.push(Target::Id(undo.guest));
            continue;
        } else if !active.contains(&undo.guest) {
            not_guests += 1;
            format!("Guest {named} not enabled: {}", not_a_guest())
        } else if undo.state == State::Unknown {
            format!("Guest {named}: active (the disable was not made); not changed.")
        } else {
            format!("Guest {named}: already active; not changed.")
        };
        out.say(&line)?;
    }
    let mut enabled = Ok(());
    if !to_enable.is_empty() {
        let batch = Batch {
            targets: to_enable,
            batch_size: 100,
            action: Action::Enable,
            ask_first: false,
            known: Known::Guests,
            paired: false,
            disabled: None,
        };
        let report = batch::apply(ctx, batch)?;
        report.summarize(out)?;
        enabled = report.verdict();
    }
    if not_guests > 0 && enabled.is_ok() {
        enabled = Err(Error::Server(format!(
            "{not_guests} guest(s) of the record were not enabled: not guests you can see \
             (see the lines above)"
        )));
    }

    let mut run = Run::new(ctx, Mode::Restore)?;
    let mut plans: Vec<Plan> = Vec::new();
    let mut room_ids: Vec<u64> = Vec::new();
    for undo in &in_rooms {
        let id = undo.room.as_ref().map_or(0, |r| r.0);
        if !room_ids.contains(&id) {
            room_ids.push(id);
        }
    }
    for id in room_ids {
        let undos: Vec<&Undo> = in_rooms
            .iter()
            .filter(|u| u.room.as_ref().is_some_and(|r| r.0 == id))
            .collect();
        let item = |undo: &Undo| Item {
            guest: User {
                id: undo.guest.clone(),
                email: undo.email.clone(),
                ..User::default()
            },
            role: undo.role,
        };
        let mut members: HashMap<String, Option<i64>> = HashMap::new();
        let room = rooms::room(&ctx.portal, id).and_then(|room| {
            rooms::each_member(&ctx.portal, id, &mut |member| {
                members.insert(member.person.id, Some(i64::from(member.role)));
                Ok(())
            })
            .map(|()| room)
        });
        let room = match room {
            Ok(room) => room,
            Err(error) => {
                let title = undos[0].room.as_ref().map(|r| r.1.clone());
                let room = gone_room(id, title.unwrap_or_default());
                for undo in undos {
                    run.fail(&room, &item(undo), None, error.clone())?;
                }
                continue;
            }
        };
        let mut items = Vec::new();
        for undo in undos {
            let now = members.get(&undo.guest).copied().flatten();
            match now.and_then(|n| u8::try_from(n).ok()) {
                Some(now) => {
                    let now = rooms::role_name(now);
                    let why = match undo.state {
                        State::Unknown => {
                            format!("still a member as {now} (the removal was not made)")
                        }
                        _ => format!("already a member as {now}"),
                    };
                    run.unchanged(&room, &item(undo), &why)?;
                }
                None if active.contains(&undo.guest) || disabled.contains(&undo.guest) => {
                    items.push(item(undo))
                }
                None => run.fail(&room, &item(undo), None, not_a_guest())?,
            }
        }
        plans.push(Plan { room, items });
    }
    let restored = run.apply(plans);
    match (enabled, restored) {
        (Err(enabled), Err(restored)) if enabled.exit_code() > restored.exit_code() => Err(enabled),
        (Err(enabled), Ok(())) => Err(enabled),
        (_, restored) => restored,
    }
}

/// A room the portal does not show (any more), for its lines.
fn gone_room(id: u64, title: String) -> Room {
    Room {
        id,
        title,
        archived: false,
        owner: User::default(),
        edit_access: false,
        shared_external: false,
    }
}

fn who(guest: &str, email: &str) -> String {
    if email.is_empty() {
        guest.to_string()
    } else {
        format!("{guest} <{email}>")
    }
}
