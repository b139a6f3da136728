//! `revoke`: guests out of rooms, and `restore`: back in, proven room by room. One
//! `PUT files/rooms/{id}/share` per room with every guest of that room in it. The
//! portal answers 200 to requests it partly or wholly ignored, so a membership counts
//! as removed only when the answer's `members` no longer holds the guest (restored:
//! holds it with the role asked). Everything is read and checked before the first
//! write; each line is printed as the portal confirms it, so an interrupted run says
//! exactly which rooms were done.

use std::collections::{HashMap, HashSet};

use serde_json::{Value, json};

use super::Context;
use super::batch::{self, Flow};
use super::recording::ByDefault;
use super::targets::{RoomArgs, targets_of};
use crate::config::Options;
use crate::error::Error;
use crate::input::Target;
use crate::net::http::Reply;
use crate::output::Printer;
use crate::portal::Portal;
use crate::portal::answers;
use crate::portal::people::{Kind, User};
use crate::portal::rooms::{self, Room};
use crate::record::{Change, Outcome};

const ARCHIVED: &str = "archived rooms cannot be changed: restore the room, or have the person \
                        who added the guest remove them from their list";
const ARCHIVED_RESTORE: &str = "archived rooms cannot be changed: restore the room first";
const NOT_MANAGER: &str = "only the room's owner or a room manager can remove members";
const NOT_MANAGER_RESTORE: &str = "only the room's owner or a room manager can add members";
const ROOM_ADMIN_SKIP: &str = "the portal skipped it: on DocSpace 3.7.1 and later a room \
                               admin's change leaves out guests who are not on their own guest \
                               list (unless they own the room); have the guest's inviter or \
                               the room's owner do it";
const FORM_ROLE: &str = "the guest holds a form role in this virtual data room, which blocks \
                         the removal: pass --drop-form-roles to remove the guest and the role";
const OWNER: &str = "the room owner cannot be removed";
const NOT_MEMBER: &str = "not a member of this room: nothing to remove";
/// A private room's refusal of a member without encryption keys (docs/docspace.md §12).
const NO_KEY: &str = "The user does not have an encryption key";

#[derive(Debug)]
pub struct RevokeArgs {
    /// Every room the guests are direct members of, instead of `RoomArgs::rooms`.
    pub all_rooms: bool,
    /// The most memberships removed; 0 = no limit.
    pub max: usize,
    /// `force: true`: a form role in a virtual data room does not keep the guest in.
    pub drop_form_roles: bool,
}

/// What revoke was asked; checked, nothing sent.
pub struct Revocation {
    pub guests: Vec<Target>,
    /// The rooms named; empty: every room the guests are direct members of.
    pub rooms: Vec<u64>,
    /// The most memberships removed; 0 = no limit.
    pub max: usize,
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Revoke,
    Restore,
}

impl Mode {
    fn op(self) -> &'static str {
        match self {
            Mode::Revoke => "revoke",
            Mode::Restore => "restore",
        }
    }

    fn done(self) -> &'static str {
        match self {
            Mode::Revoke => "removed",
            Mode::Restore => "restored",
        }
    }
}

/// A guest's membership of one room: its role (revoke: the current one; restore: the
/// one to give back).
pub(super) struct Item {
    pub guest: User,
    pub role: u8,
}

pub(super) struct Plan {
    pub room: Room,
    pub items: Vec<Item>,
}

/// What another command that removes as revoke does (certify apply) is told, beside
/// what revoke prints and records: what came of each membership, with the status the
/// portal answered (the record holds the outcome, not the status).
pub(super) trait Observer {
    fn outcome(&mut self, room: &Room, item: &Item, status: Option<u16>, error: Option<&Error>);
}

pub(super) struct Run<'a> {
    ctx: &'a Context,
    portal: &'a Portal,
    out: &'a Printer,
    mode: Mode,
    me: User,
    force: bool,
    dry_run: bool,
    done: usize,
    planned: usize,
    failed: Vec<Error>,
    /// Of the failures: sent without an answer, and never sent.
    unconfirmed: usize,
    not_attempted: usize,
    /// The record's numbers of the changes sent and not yet settled, by guest.
    under_way: Vec<(String, u64)>,
    observer: Option<&'a mut dyn Observer>,
}

pub fn revoke(options: &Options, room_args: RoomArgs, args: RevokeArgs) -> Result<(), Error> {
    let RoomArgs { targets, rooms } = room_args;
    let job = Revocation {
        guests: targets_of(&targets, options)?,
        rooms,
        max: args.max,
        force: args.drop_form_roles,
    };
    let ctx = Context::for_changes(options, "revoke", ByDefault::Record)?;
    ctx.finish(run(&ctx, job))
}

/// Revokes what `job` names; expire's `--action revoke` comes here too.
pub fn run(ctx: &Context, job: Revocation) -> Result<(), Error> {
    let guests = rooms::guest_ids(&ctx.portal, job.guests)?;
    let mut run = Run {
        force: job.force,
        ..Run::new(ctx, Mode::Revoke)?
    };
    let plans = if job.rooms.is_empty() {
        run.every_room_of(&guests)?
    } else {
        run.named_rooms(&guests, &job.rooms)?
    };
    let count: usize = plans.iter().map(|p| p.items.len()).sum();
    if job.max != 0 && count > job.max {
        return Err(Error::Usage(format!(
            "revoke would remove {count} room memberships, more than --max {}: nothing was \
             changed; check them with docspace-guest access, or raise --max (0: no limit)",
            job.max
        )));
    }
    run.apply(plans)
}

/// Removes the plans' memberships as revoke does, as `me`, telling `observer`.
pub(super) fn remove(
    ctx: &Context,
    me: User,
    plans: Vec<Plan>,
    observer: &mut dyn Observer,
) -> Result<(), Error> {
    let run = Run {
        observer: Some(observer),
        ..Run::with(ctx, Mode::Revoke, me)
    };
    run.apply(plans)
}

impl<'a> Run<'a> {
    /// Asks who the caller is (and tells a room admin the answer covers their rooms).
    pub(super) fn new(ctx: &'a Context, mode: Mode) -> Result<Run<'a>, Error> {
        Ok(Run::with(ctx, mode, rooms::caller(&ctx.portal)?))
    }

    fn with(ctx: &'a Context, mode: Mode, me: User) -> Run<'a> {
        Run {
            ctx,
            portal: &ctx.portal,
            out: &ctx.out,
            mode,
            me,
            force: false,
            dry_run: ctx.dry_run,
            done: 0,
            planned: 0,
            failed: Vec::new(),
            unconfirmed: 0,
            not_attempted: 0,
            under_way: Vec::new(),
            observer: None,
        }
    }

    /// `--room`: each room and the named guests' roles in it; a guest who is not a
    /// member, or is the owner, is reported and not sent.
    fn named_rooms(&mut self, guests: &[String], ids: &[u64]) -> Result<Vec<Plan>, Error> {
        let rooms: Vec<Room> = rooms::unique(ids)
            .into_iter()
            .map(|id| rooms::room(self.portal, id))
            .collect::<Result<_, _>>()?;
        let wanted: HashSet<String> = guests.iter().cloned().collect();
        let mut plans = Vec::new();
        for room in rooms {
            let plan = self.members_of(room, &wanted)?;
            let missing: Vec<&String> = guests
                .iter()
                .filter(|g| !plan.items.iter().any(|i| i.guest.id == **g))
                .collect();
            for id in missing {
                let why = if *id == plan.room.owner.id {
                    OWNER
                } else {
                    NOT_MEMBER
                };
                let item = Item {
                    guest: User {
                        id: id.clone(),
                        ..User::default()
                    },
                    role: 0,
                };
                self.fail(&plan.room, &item, None, Error::Server(why.into()))?;
            }
            plans.push(plan);
        }
        Ok(plans)
    }

    /// `--all-rooms`: a handful of guests are looked up one by one, more through the
    /// whole map, read once. Only rooms holding one of them are kept.
    fn every_room_of(&mut self, guests: &[String]) -> Result<Vec<Plan>, Error> {
        let portal = self.portal;
        let wanted: HashSet<String> = guests.iter().cloned().collect();
        let mut plans = Vec::new();
        if guests.len() <= rooms::HANDFUL {
            let mut found: Vec<Room> = Vec::new();
            for guest in guests {
                rooms::each_room(portal, Some(guest), &mut |room| {
                    if !found.iter().any(|r| r.id == room.id) {
                        found.push(room);
                    }
                    Ok(())
                })?;
            }
            for room in found {
                plans.push(self.members_of(room, &wanted)?);
            }
        } else {
            // Only the rooms that hold one of them are kept: memory follows the
            // memberships to remove, not the portal's rooms.
            rooms::each_room(portal, None, &mut |room| {
                let plan = self.members_of(room, &wanted)?;
                if !plan.items.is_empty() {
                    plans.push(plan);
                }
                Ok(())
            })?;
        }
        plans.retain(|p| !p.items.is_empty());
        let is_member = |guest: &String| {
            plans
                .iter()
                .any(|p| p.items.iter().any(|i| i.guest.id == *guest))
        };
        for guest in guests.iter().filter(|g| !is_member(g)) {
            self.out.say(&format!(
                "Guest {guest}: a direct member of no room you can see; nothing to remove."
            ))?;
        }
        Ok(plans)
    }

    /// The room's members among `guests`, with their roles. One named who is a member
    /// but not a guest is reported and left alone.
    fn members_of(&mut self, room: Room, wanted: &HashSet<String>) -> Result<Plan, Error> {
        let mut items = Vec::new();
        let mut users = Vec::new();
        rooms::each_member(self.portal, room.id, &mut |member| {
            if wanted.contains(&member.person.id) {
                let guest = member.person.guest;
                let item = Item {
                    guest: member.person,
                    role: member.role,
                };
                if guest {
                    items.push(item);
                } else {
                    users.push(item);
                }
            }
            Ok(())
        })?;
        for item in &users {
            let error = Error::Server("not a guest but a user; not touched".into());
            self.fail(&room, item, None, error)?;
        }
        Ok(Plan { room, items })
    }

    /// Each room in turn, none after a signal; after a `Stop`, the rooms left are
    /// reported not attempted.
    pub(super) fn apply(mut self, plans: Vec<Plan>) -> Result<(), Error> {
        let mut stopped: Option<Error> = None;
        for plan in &plans {
            let all: Vec<usize> = (0..plan.items.len()).collect();
            if stopped.is_none() {
                stopped = self.ctx.may_change().err();
            }
            match &stopped {
                Some(why) => {
                    self.not_attempted += all.len();
                    let why = why.clone().context("not attempted: ");
                    self.fail_all(plan, &all, None, &why)?;
                }
                None => {
                    if let Flow::Stop(why) = self.room(plan)? {
                        stopped = Some(why);
                    }
                }
            }
        }
        self.summarize()
    }

    fn room(&mut self, plan: &Plan) -> Result<Flow, Error> {
        let all: Vec<usize> = (0..plan.items.len()).collect();
        if all.is_empty() {
            return Ok(Flow::Continue);
        }
        if plan.room.archived {
            self.fail_all(plan, &all, None, &self.archived())?;
            return Ok(Flow::Continue);
        }
        if !plan.room.edit_access {
            self.fail_all(plan, &all, None, &self.not_manager())?;
            return Ok(Flow::Continue);
        }
        if self.dry_run {
            self.planned += all.len();
            let change = self.change(plan, &all, self.force);
            let request = self.portal.describe(&change);
            return self
                .out
                .planned(self.mode.op(), &request)
                .map(|()| Flow::Continue);
        }
        self.send(plan, &all)
    }

    fn change(&self, plan: &Plan, items: &[usize], force: bool) -> crate::net::http::Change {
        let roles: Vec<(&str, u8)> = items
            .iter()
            .map(|&i| {
                let item = &plan.items[i];
                let access = match self.mode {
                    Mode::Revoke => 0,
                    Mode::Restore => item.role,
                };
                (item.guest.id.as_str(), access)
            })
            .collect();
        self.portal.set_room_roles(plan.room.id, &roles, force)
    }

    /// Writes down the change of each of `items` before it is sent. `Err`: the
    /// record could not be written; they are reported not attempted.
    fn announce(&mut self, plan: &Plan, items: &[usize]) -> Result<Result<(), Error>, Error> {
        let room = &plan.room;
        for &i in items {
            let item = &plan.items[i];
            let (guest, email, role) = (item.guest.id.clone(), item.guest.email.clone(), item.role);
            let (id, title) = (room.id, room.title.clone());
            let change = match self.mode {
                Mode::Revoke => Change::RoomRemove {
                    room: id,
                    title,
                    guest,
                    email,
                    role,
                },
                Mode::Restore => Change::RoomAdd {
                    room: id,
                    title,
                    guest,
                    email,
                    role,
                },
            };
            match self.ctx.intent(change) {
                Ok(Some(seq)) => self.under_way.push((item.guest.id.clone(), seq)),
                Ok(None) => {}
                Err(why) => {
                    self.not_attempted += items.len();
                    self.fail_all(plan, items, None, &why.clone().context("not attempted: "))?;
                    return Ok(Err(why));
                }
            }
        }
        Ok(Ok(()))
    }

    /// Writes `outcome` for the guest's change under way, if there is one.
    fn settle(&mut self, guest: &str, outcome: Outcome) {
        if let Some(at) = self.under_way.iter().position(|(id, _)| id == guest) {
            let (_, seq) = self.under_way.swap_remove(at);
            self.ctx.outcome(Some(seq), outcome);
        }
    }

    /// One PUT for `items` of the room, judged guest by guest from the answer.
    fn send(&mut self, plan: &Plan, items: &[usize]) -> Result<Flow, Error> {
        if let Err(why) = self.announce(plan, items)? {
            return Ok(Flow::Stop(why));
        }
        let change = self.change(plan, items, self.force && self.mode == Mode::Revoke);
        let reply = match self.portal.send(&change) {
            Ok(reply) => reply,
            Err(error) => {
                self.unconfirmed += items.len();
                let why = error.to_string();
                let lost = Error::Network(format!(
                    "not confirmed: no answer ({why}); it may or may not have been {}",
                    self.mode.done()
                ));
                self.fail_all(plan, items, None, &lost)?;
                let stop = Error::Network(format!("an earlier request got no answer ({why})"));
                return Ok(Flow::Stop(stop));
            }
        };
        if reply.status != 200 {
            return self.refused(plan, items, &reply);
        }
        let Some(answer) = answers::success_envelope(&reply).map(|mut e| e["response"].take())
        else {
            let error = Error::Server(
                "the portal answered 200, but not with a DocSpace success envelope: it is \
                 unknown whether it was changed; check with docspace-guest access"
                    .into(),
            );
            self.unknown_all(plan, items, Some(200), &error)?;
            return Ok(Flow::Continue);
        };
        // 3.1+: a form role in a VDR aborted the whole request, without saying whose.
        if answer["error"].as_u64() == Some(1) {
            if items.len() > 1 {
                self.out.say(&format!(
                    "Room {}: a form role of one of its guests blocked the whole request (the \
                     portal does not say whose); retrying one guest at a time.",
                    plan.room.named()
                ))?;
                for &i in items {
                    let why = "a form role aborted the whole request; sent again one by one";
                    self.settle(&plan.items[i].guest.id, Outcome::NotDone(why.into()));
                }
                let mut stop: Option<Error> = None;
                for &i in items {
                    if stop.is_none() {
                        stop = self.ctx.may_change().err();
                    }
                    match &stop {
                        Some(why) => {
                            self.not_attempted += 1;
                            let why = why.clone().context("not attempted: ");
                            self.fail(&plan.room, &plan.items[i], None, why)?;
                        }
                        None => {
                            if let Flow::Stop(why) = self.send(plan, &[i])? {
                                stop = Some(why);
                            }
                        }
                    }
                }
                return Ok(stop.map_or(Flow::Continue, Flow::Stop));
            }
            self.fail_all(plan, items, Some(200), &Error::Server(FORM_ROLE.into()))?;
            return Ok(Flow::Continue);
        }
        let Some(members) = answer["members"].as_array() else {
            let error = Error::Server(
                "the portal answered 200 without the room's members: it is unknown whether \
                 it was changed; check with docspace-guest access"
                    .into(),
            );
            self.unknown_all(plan, items, Some(200), &error)?;
            return Ok(Flow::Continue);
        };
        let roles: HashMap<String, Option<i64>> = members
            .iter()
            .filter_map(|entry| {
                let user = User::with_guid(rooms::subject(entry))?;
                Some((user.id, entry["access"].as_i64()))
            })
            .collect();
        for &i in items {
            let item = &plan.items[i];
            let now = roles.get(&item.guest.id);
            match (self.mode, now) {
                (Mode::Revoke, None) => self.confirm(plan, item)?,
                (Mode::Restore, Some(Some(role))) if *role == i64::from(item.role) => {
                    self.confirm(plan, item)?
                }
                (Mode::Revoke, Some(_)) => {
                    let error = self.skipped(&plan.room, "the guest is still a member");
                    self.fail(&plan.room, item, Some(200), error)?
                }
                (Mode::Restore, Some(role)) => {
                    let error = Error::Server(format!(
                        "the portal kept the guest's role {} instead",
                        role.and_then(|n| u8::try_from(n).ok())
                            .map_or_else(|| "(unreadable)".into(), rooms::role_name)
                    ));
                    self.fail(&plan.room, item, Some(200), error)?
                }
                (Mode::Restore, None) => {
                    let error = self.skipped(
                        &plan.room,
                        "the portal did not add it (a disabled or deleted guest cannot be added)",
                    );
                    self.fail(&plan.room, item, Some(200), error)?
                }
            }
        }
        Ok(Flow::Continue)
    }

    /// Why a 200 left a guest as it was: for a room admin who does not own the room, the
    /// 3.7.1 rule; otherwise the portal gave no reason.
    fn skipped(&self, room: &Room, what: &str) -> Error {
        if self.me.kind == Kind::RoomAdmin && room.owner.id != self.me.id {
            Error::Denied(ROOM_ADMIN_SKIP.into())
        } else {
            Error::Server(format!(
                "the portal answered 200, but {what}; it gave no reason"
            ))
        }
    }

    fn archived(&self) -> Error {
        Error::Denied(
            match self.mode {
                Mode::Revoke => ARCHIVED,
                Mode::Restore => ARCHIVED_RESTORE,
            }
            .into(),
        )
    }

    fn not_manager(&self) -> Error {
        Error::Denied(
            match self.mode {
                Mode::Revoke => NOT_MANAGER,
                Mode::Restore => NOT_MANAGER_RESTORE,
            }
            .into(),
        )
    }

    fn refused(&mut self, plan: &Plan, items: &[usize], reply: &Reply) -> Result<Flow, Error> {
        if reply.status == 403 && answers::server_message(&reply.body).as_deref() == Some(NO_KEY) {
            let error = Error::Denied(format!(
                "the portal refused it (403 {NO_KEY}): a private room takes only members who \
                 have encryption keys"
            ));
            return self.read_back(plan, items, error);
        }
        let error = match reply.status {
            403 if answers::server_message(&reply.body).is_none() => rooms::refusal(
                &format!("the change of room {}", plan.room.id),
                reply,
                answers::ROOMS_WRITE,
            ),
            403 if plan.room.archived => self.archived(),
            403 if answers::is_access_denied(reply) => self.not_manager(),
            403 => rooms::role_refused(plan.room.id, reply),
            404 => Error::Server(format!("room {} was not found (404)", plan.room.id)),
            _ => answers::unexpected(&format!("the change of room {}", plan.room.id), reply),
        };
        self.fail_all(plan, items, Some(reply.status), &error)?;
        Ok(if answers::stops_the_batch(reply) {
            Flow::Stop(error)
        } else {
            Flow::Continue
        })
    }

    /// After a refusal that left the entries before it applied (a private room's 403):
    /// the room's members read again, and each guest reported, and recorded, as it now
    /// stands, never "not changed" by assumption. One guest alone was not changed.
    fn read_back(&mut self, plan: &Plan, items: &[usize], error: Error) -> Result<Flow, Error> {
        if items.len() == 1 {
            self.fail_all(plan, items, Some(403), &error)?;
            return Ok(Flow::Continue);
        }
        // The map type `send` reads an answer's members into.
        let mut roles: HashMap<String, Option<i64>> = HashMap::new();
        let read = rooms::each_member(self.portal, plan.room.id, &mut |member| {
            roles.insert(member.person.id, Some(i64::from(member.role)));
            Ok(())
        });
        if let Err(why) = read {
            let unknown = Error::Server(format!(
                "{error}; the room's members could not be read again ({why}), so whether \
                 it was {} is unknown: check with docspace-guest access",
                self.mode.done()
            ));
            self.unknown_all(plan, items, Some(403), &unknown)?;
            return Ok(Flow::Continue);
        }
        for &i in items {
            let item = &plan.items[i];
            let now = roles.get(&item.guest.id);
            let applied = match self.mode {
                Mode::Revoke => now.is_none(),
                Mode::Restore => now == Some(&Some(i64::from(item.role))),
            };
            if applied {
                self.confirm(plan, item)?;
            } else {
                self.fail(&plan.room, item, Some(403), error.clone())?;
            }
        }
        Ok(Flow::Continue)
    }

    fn confirm(&mut self, plan: &Plan, item: &Item) -> Result<(), Error> {
        self.done += 1;
        self.settle(&item.guest.id, Outcome::Done);
        let room = &plan.room;
        let role = rooms::role_name(item.role);
        let guest = who(&item.guest);
        match self.mode {
            Mode::Revoke => self.out.say(&format!(
                "Guest {guest} removed from room {} (was {role}).",
                room.named()
            ))?,
            Mode::Restore => self.out.say(&format!(
                "Guest {guest} restored to room {} as {role}.",
                room.named()
            ))?,
        }
        let mut data = rooms::pair_json(room, &item.guest, item.role);
        data["reason"] = Value::Null;
        self.out.result(self.mode.op(), true, Some(200), data)?;
        if let Some(observer) = &mut self.observer {
            observer.outcome(room, item, Some(200), None);
        }
        Ok(())
    }

    /// restore: a change the record holds that the portal shows is not to be put back
    /// (the guest is in the room again); reported, not counted as a failure.
    pub(super) fn unchanged(&mut self, room: &Room, item: &Item, why: &str) -> Result<(), Error> {
        self.out.say(&format!(
            "Guest {} in room {}: {why}; not changed.",
            who(&item.guest),
            room.named()
        ))?;
        let mut data = rooms::pair_json(room, &item.guest, item.role);
        data["unchanged"] = why.into();
        self.out.result(self.mode.op(), true, None, data)
    }

    /// As `fail_all`, for an answer that leaves it unknown whether the change was
    /// made: the record says so, for restore to look it up.
    fn unknown_all(
        &mut self,
        plan: &Plan,
        items: &[usize],
        status: Option<u16>,
        error: &Error,
    ) -> Result<(), Error> {
        for &i in items {
            self.settle(&plan.items[i].guest.id, Outcome::Unknown(error.to_string()));
        }
        self.fail_all(plan, items, status, error)
    }

    fn fail_all(
        &mut self,
        plan: &Plan,
        items: &[usize],
        status: Option<u16>,
        error: &Error,
    ) -> Result<(), Error> {
        for &i in items {
            self.fail(&plan.room, &plan.items[i], status, error.clone())?;
        }
        Ok(())
    }

    pub(super) fn fail(
        &mut self,
        room: &Room,
        item: &Item,
        status: Option<u16>,
        error: Error,
    ) -> Result<(), Error> {
        let outcome = match &error {
            Error::Network(why) => Outcome::Unknown(why.clone()),
            other => Outcome::NotDone(other.to_string()),
        };
        self.settle(&item.guest.id, outcome);
        let not = match self.mode {
            Mode::Revoke => "not removed from",
            Mode::Restore => "not restored to",
        };
        self.out.say(&format!(
            "Guest {} {not} room {}: {error}",
            who(&item.guest),
            room.named()
        ))?;
        let mut data = rooms::pair_json(room, &item.guest, item.role);
        data["reason"] = error.to_string().into();
        self.out.result(self.mode.op(), false, status, data)?;
        if let Some(observer) = &mut self.observer {
            observer.outcome(room, item, status, Some(&error));
        }
        self.failed.push(error);
        Ok(())
    }

    fn summarize(self) -> Result<(), Error> {
        let word = self.mode.done();
        let failed = self.failed.len();
        if self.dry_run {
            return self
                .out
                .summary(&format!("{} would be {word}, {failed} not", self.planned));
        }
        let mut line = format!("{} {word}, {failed} not {word}", self.done);
        if self.unconfirmed + self.not_attempted > 0 {
            line += &format!(
                " ({} not confirmed, {} not attempted)",
                self.unconfirmed, self.not_attempted
            );
        }
        self.out.summary(&line)?;
        self.out.result(
            "summary",
            failed == 0,
            None,
            json!({ word: self.done, "failed": failed, "not_confirmed": self.unconfirmed,
                "not_attempted": self.not_attempted }),
        )?;
        let total = self.done + failed;
        batch::verdict_of(total, self.done, self.failed, "room memberships", word)
    }
}

/// `3f2b…` or `3f2b… <jane@example.com>`.
fn who(guest: &User) -> String {
    if guest.email.is_empty() {
        guest.id.clone()
    } else {
        format!("{} <{}>", guest.id, guest.email)
    }
}
