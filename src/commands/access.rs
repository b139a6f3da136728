//! `access`: which rooms guests are direct members of, which guests rooms have, or
//! the whole map (read-only).

use std::collections::HashMap;

use serde_json::json;

use super::Context;
use super::targets::{RoomArgs, targets_of};
use crate::config::Options;
use crate::error::Error;
use crate::input::Target;
use crate::output::{Printer, Table};
use crate::portal::rooms::{
    HANDFUL, Member, Room, caller, each_member, each_room, guest_ids, pair_json, role_name, room,
    unique,
};

/// What `access` was asked: guests, rooms, both or neither (the whole map).
struct Query {
    pub guests: Vec<Target>,
    pub rooms: Vec<u64>,
}

/// What `access` prints, row by row.
struct AccessTable {
    table: Table<9>,
    rows: usize,
    external: usize,
    /// For the guests named: how many rooms each was found in.
    found: HashMap<String, usize>,
    /// Rooms read for one guest (`subjectId`) show only that guest: the others named
    /// get their rows from their own rooms.
    only: Option<String>,
}

impl AccessTable {
    fn show(&mut self, out: &Printer, room: &Room, member: &Member) -> Result<(), Error> {
        if !member.person.guest || self.only.as_ref().is_some_and(|id| *id != member.person.id) {
            return Ok(());
        }
        if let Some(count) = self.found.get_mut(&member.person.id) {
            *count += 1;
        } else if !self.found.is_empty() {
            return Ok(());
        }
        self.rows += 1;
        self.external += usize::from(room.shared_external);
        out.result(
            "access",
            true,
            Some(200),
            pair_json(room, &member.person, member.role),
        )?;
        if out.shows_tables() {
            let person = &member.person;
            self.table.push(
                out,
                [
                    person.id.clone(),
                    person.email.clone(),
                    person.name.clone(),
                    room.id.to_string(),
                    room.title.clone(),
                    role_name(member.role),
                    room.owner.name.clone(),
                    if room.archived { "archived" } else { "active" }.to_string(),
                    if room.shared_external { "external" } else { "" }.to_string(),
                ],
            )?;
        }
        Ok(())
    }
}

pub fn access(options: &Options, args: RoomArgs) -> Result<(), Error> {
    let RoomArgs { targets, rooms } = args;
    let guests = if targets.ids.is_empty() && targets.emails.is_empty() && targets.from.is_none() {
        Vec::new()
    } else {
        targets_of(&targets, options)?
    };
    let query = Query { guests, rooms };
    let ctx = Context::open(options)?;
    let (portal, out) = (&ctx.portal, &ctx.out);
    let guests = guest_ids(portal, query.guests)?;
    caller(portal)?;
    let mut listing = AccessTable {
        table: Table::new([
            "GUEST", "EMAIL", "NAME", "ROOM", "TITLE", "ROLE", "OWNER", "STATE", "LINKS",
        ]),
        rows: 0,
        external: 0,
        found: guests.iter().map(|id| (id.clone(), 0)).collect(),
        only: None,
    };
    let in_room = |listing: &mut AccessTable, room: Room| {
        each_member(portal, room.id, &mut |member| {
            listing.show(out, &room, &member)
        })
    };
    if !query.rooms.is_empty() {
        let rooms: Vec<Room> = unique(&query.rooms)
            .into_iter()
            .map(|id| room(portal, id))
            .collect::<Result<_, _>>()?;
        for room in rooms {
            in_room(&mut listing, room)?;
        }
    } else if !guests.is_empty() && guests.len() <= HANDFUL {
        for guest in &guests {
            listing.only = Some(guest.clone());
            each_room(portal, Some(guest), &mut |room| in_room(&mut listing, room))?;
        }
    } else {
        each_room(portal, None, &mut |room| in_room(&mut listing, room))?;
    }
    let AccessTable {
        table,
        rows,
        external,
        found,
        ..
    } = listing;
    table.finish(out)?;
    for id in &guests {
        if found.get(id) == Some(&0) {
            out.say(&format!(
                "Guest {id}: a direct member of no room you can see."
            ))?;
        }
    }
    out.result(
        "summary",
        true,
        None,
        json!({ "memberships": rows, "inRoomsWithExternalLinks": external }),
    )?;
    out.say(&format!(
        "{rows} direct room membership(s) of guests; {external} in rooms that also have \
         external links (anyone holding one gets in). Shares inside personal documents \
         cannot be listed."
    ))
}
