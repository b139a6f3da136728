//! `restore --from FILE`: what a record says a run changed, put back, and only after
//! the portal is checked. A guest taken out of a room is added back with the role it
//! had, unless it is in the room again (then it is left as it is); a guest disabled is
//! enabled, unless it is active. A change whose outcome is unknown (the run got no
//! answer, or was killed) is looked up the same way, so it is put back only if it was
//! made. Removals from a guest list, deletions and approvals cannot be undone by
//! restore: they are listed. The whole record is read and checked (its MACs, its
//! portal, its ids and roles) before the first request.

use std::collections::HashMap;
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

/// A change of the record that restore may have to undo.
struct Undo {
    guest: String,
    email: String,
    /// Unknown: the portal decides whether it was made.
    state: State,
}

/// A room's memberships to put back: its id, its title, and each guest with its role.
type RoomUndo = (u64, String, Vec<(Undo, u8)>);

/// What the record asks to put back, in the order it was first changed.
#[derive(Default)]
struct Wanted {
    rooms: Vec<RoomUndo>,
    /// Guests disabled.
    enable: Vec<Undo>,
    /// What cannot be undone, in words.
    not_undoable: Vec<String>,
}

pub fn restore(options: &Options, from: PathBuf, max: usize) -> Result<(), Error> {
    let contents = recording::read(&from)?;
    if let Some(torn) = &contents.torn {
        terminal::warn(torn);
    }
    let wanted = wanted(&from, &contents)?;
    let count = wanted.enable.len() + wanted.rooms.iter().map(|r| r.2.len()).sum::<usize>();
    if max != 0 && count > max {
        return Err(Error::Usage(format!(
            "the record holds {count} changes to put back, more than --max {max}: nothing was \
             changed; check them with --dry-run, or raise --max (0: no limit)"
        )));
    }
    let ctx = Context::for_changes(options, "restore", ByDefault::Record)?;
    for run in &contents.runs {
        if run.header.portal != ctx.portal.origin() {
            return Err(Error::Usage(format!(
                "--from {}:{}: the record is of the portal {}, not {}: restore it with --url \
                 {}; nothing was sent",
                from.display(),
                run.line,
                run.header.portal,
                ctx.portal.origin(),
                run.header.portal
            )));
        }
    }
    for line in &wanted.not_undoable {
        ctx.out.say(&format!("Not undoable: {line}."))?;
    }
    let verdict = put_back(&ctx, wanted);
    ctx.finish(verdict)
}

/// What the record's runs changed and restore is to check, from the last change of
/// each guest and room (a later room_add undoes an earlier room_remove).
fn wanted(from: &Path, contents: &Contents) -> Result<Wanted, Error> {
    let mut wanted = Wanted::default();
    // (room, guest) → where in wanted.rooms, and whether the last change removed it.
    let mut rooms: HashMap<(u64, String), Option<u8>> = HashMap::new();
    let mut disabled: HashMap<String, bool> = HashMap::new();
    // In the order first changed, with the state of the last change.
    let mut order: Vec<(u64, String, String, String, State)> = Vec::new();
    let mut at: HashMap<(u64, String), usize> = HashMap::new();
    let mut status_order: Vec<(String, String, State)> = Vec::new();
    let mut status_at: HashMap<String, usize> = HashMap::new();
    for run in &contents.runs {
        for entry in &run.changes {
            let state = entry.state();
            if state == State::NotDone {
                continue;
            }
            let bad = |why: &str| {
                Error::Usage(format!("--from {}:{}: {why}", from.display(), entry.line))
            };
            let guid =
                |guest: &str| input::guid(guest).ok_or_else(|| bad("\"guest\" is not a user ID"));
            match &entry.change {
                Change::RoomRemove {
                    room,
                    title,
                    guest,
                    email,
                    role,
                } => {
                    let guest = guid(guest)?;
                    if !GUEST_ROLES.contains(role) {
                        return Err(bad(&format!(
                            "role {} is not a guest's role in a room; the record is refused",
                            rooms::role_name(*role)
                        )));
                    }
                    rooms.insert((*room, guest.clone()), Some(*role));
                    match at.get(&(*room, guest.clone())) {
                        Some(&i) => order[i].4 = state,
                        None => {
                            at.insert((*room, guest.clone()), order.len());
                            order.push((*room, title.clone(), guest, email.clone(), state));
                        }
                    }
                }
                Change::RoomAdd { room, guest, .. } => {
                    rooms.insert((*room, guid(guest)?), None);
                }
                Change::Status {
                    guest,
                    email,
                    after,
                    ..
                } => {
                    let guest = guid(guest)?;
                    disabled.insert(guest.clone(), *after == Status::Disabled);
                    match status_at.get(&guest) {
                        Some(&i) => status_order[i].2 = state,
                        None => {
                            status_at.insert(guest.clone(), status_order.len());
                            status_order.push((guest, email.clone(), state));
                        }
                    }
                }
                Change::ListRemove { guest, email } => wanted.not_undoable.push(format!(
                    "{} removed from a guest list (line {}): the guest must be shared with you again",
                    who(guest, email),
                    entry.line
                )),
                Change::Delete { guest, email } => wanted.not_undoable.push(format!(
                    "{} deleted for good (line {})",
                    who(guest, email),
                    entry.line
                )),
                Change::Approve { email, .. } => wanted.not_undoable.push(format!(
                    "{email} approved (line {}): remove the guest with docspace-guest delete",
                    entry.line
                )),
            }
        }
    }
    for (room, title, guest, email, state) in order {
        let Some(Some(role)) = rooms.get(&(room, guest.clone())) else {
            continue;
        };
        let undo = (
            Undo {
                guest,
                email,
                state,
            },
            *role,
        );
        match wanted.rooms.iter_mut().find(|r| r.0 == room) {
            Some(r) => r.2.push(undo),
            None => wanted.rooms.push((room, title, vec![undo])),
        }
    }
    for (guest, email, state) in status_order {
        if disabled.get(&guest) == Some(&true) {
            wanted.enable.push(Undo {
                guest,
                email,
                state,
            });
        }
    }
    Ok(wanted)
}

/// Checks the portal and puts back what needs it: the accounts first (a disabled
/// guest cannot be added to a room), then the rooms.
fn put_back(ctx: &Context, wanted: Wanted) -> Result<(), Error> {
    let out = &ctx.out;
    // The guests the caller can see, with their status: only they are put back.
    let mut guests: HashMap<String, Option<i64>> = HashMap::new();
    people::each_page(&ctx.portal, &[], |page| {
        guests.extend(
            page.iter()
                .filter_map(User::with_guid)
                .map(|u| (u.id, u.status)),
        );
        Ok(())
    })?;
    let not_a_guest = || {
        Error::Server("not a guest you can see (or no longer there); not put back: restore puts back only guests".into())
    };
    let mut to_enable = Vec::new();
    let mut not_guests = 0;
    for undo in wanted.enable {
        let named = who(&undo.guest, &undo.email);
        match guests.get(&undo.guest) {
            None => {
                out.say(&format!("Guest {named} not enabled: {}", not_a_guest()))?;
                not_guests += 1;
            }
            Some(Some(2)) => to_enable.push(Target::Id(undo.guest)),
            Some(_) if undo.state == State::Unknown => out.say(&format!(
                "Guest {named}: active (the disable was not made); not changed."
            ))?,
            Some(_) => out.say(&format!("Guest {named}: already active; not changed."))?,
        }
    }
    let enabled = if to_enable.is_empty() {
        Ok(())
    } else {
        let batch = Batch {
            targets: to_enable,
            batch_size: 100,
            action: Action::Enable,
            ask_first: false,
            known: Known::Guests,
            paired: false,
        };
        let report = batch::apply(ctx, batch)?;
        report.summarize(out)?;
        report.verdict()
    };
    let enabled = match enabled {
        Ok(()) if not_guests > 0 => Err(Error::Server(format!(
            "{not_guests} guest(s) of the record were not enabled: not guests you can see \
             (see the lines above)"
        ))),
        other => other,
    };
    let mut run = Run::new(ctx, Mode::Restore)?;
    let mut plans = Vec::new();
    for (room_id, title, undos) in wanted.rooms {
        let room = match rooms::room(&ctx.portal, room_id) {
            Ok(room) => room,
            Err(error) => {
                let room = gone_room(room_id, title);
                for (undo, role) in undos {
                    run.fail(&room, &item_of(&undo, role), None, error.clone())?;
                }
                continue;
            }
        };
        let mut members: HashMap<String, u8> = HashMap::new();
        rooms::each_member(&ctx.portal, room.id, &mut |member| {
            if undos.iter().any(|(u, _)| u.guest == member.person.id) {
                members.insert(member.person.id, member.role);
            }
            Ok(())
        })?;
        let mut items = Vec::new();
        for (undo, role) in undos {
            let item = item_of(&undo, role);
            match members.get(&undo.guest) {
                Some(now) => {
                    let why = match undo.state {
                        State::Unknown => format!(
                            "still a member as {} (the removal was not made)",
                            rooms::role_name(*now)
                        ),
                        _ => format!("already a member as {}", rooms::role_name(*now)),
                    };
                    run.unchanged(&room, &item, &why)?;
                }
                None if !guests.contains_key(&undo.guest) => {
                    run.fail(&room, &item, None, not_a_guest())?
                }
                None => items.push(item),
            }
        }
        plans.push(Plan { room, items });
    }
    let restored = run.apply(plans);
    match (enabled, restored) {
        (Ok(()), restored) => restored,
        (Err(enabled), Ok(())) => Err(enabled),
        (Err(enabled), Err(restored)) if enabled.exit_code() > restored.exit_code() => Err(enabled),
        (Err(_), Err(restored)) => Err(restored),
    }
}

fn item_of(undo: &Undo, role: u8) -> Item {
    Item {
        guest: User {
            id: undo.guest.clone(),
            email: undo.email.clone(),
            ..User::default()
        },
        role,
    }
}

/// A room the portal no longer shows, for its lines.
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
