//! Rooms and their members, read a page at a time. Read as the server writes them
//! (docs/docspace.md §11): a room's owner is its `createdBy`, archived
//! means `rootFolderType` 20, roles are `FileShare` numbers, and the member list starts
//! with a synthetic entry for the owner, who has no membership to remove.

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::error::Error;
use crate::input::Target;
use crate::net::http::Reply;
use crate::output::terminal;
use crate::portal::Portal;
use crate::portal::answers;
use crate::portal::people::{self, Pager, User};

/// The most the portal gives in one page (3.2.1 and later refuse more).
const PAGE_SIZE: usize = 100;
/// Up to this many guests are looked up one by one (`subjectId`); more read the whole
/// map once, since the portal allows about 1,500 requests a minute.
pub const HANDFUL: usize = 5;

/// `FileShare`, by number: the role names the server uses.
const ROLES: [&str; 12] = [
    "None",
    "ReadWrite",
    "Read",
    "Restrict",
    "Varies",
    "Review",
    "Comment",
    "FillForms",
    "CustomFilter",
    "RoomManager",
    "Editing",
    "ContentCreator",
];

pub fn role_name(role: u8) -> String {
    ROLES
        .get(usize::from(role))
        .map_or_else(|| format!("role {role}"), |name| name.to_string())
}

/// A role as the server wrote it: a number, or (read leniently) its name.
fn role_of(value: &Value) -> Option<u8> {
    match value {
        Value::Number(n) => n.as_u64().and_then(|n| u8::try_from(n).ok()),
        Value::String(name) => ROLES.iter().position(|r| r == name).map(|i| i as u8),
        _ => None,
    }
}

/// A person's `--json` fields, as every command writes them.
pub fn person_json(person: &User) -> Value {
    json!({ "id": person.id, "email": person.email, "displayName": person.name })
}

pub struct Room {
    pub id: u64,
    pub title: String,
    pub archived: bool,
    /// `createdBy`: ownership transfer rewrites it.
    pub owner: User,
    /// `security.EditAccess`: whether the caller may change the members.
    pub edit_access: bool,
    /// Anyone holding one of its external links gets in.
    pub shared_external: bool,
}

impl Room {
    fn of(room: &Value) -> Option<Room> {
        Some(Room {
            id: room["id"].as_u64()?,
            title: room["title"].as_str().unwrap_or_default().to_string(),
            archived: room["rootFolderType"].as_u64() == Some(20),
            owner: User::with_guid(&room["createdBy"]).unwrap_or_default(),
            edit_access: room["security"]["EditAccess"].as_bool() == Some(true),
            shared_external: room["sharedExternal"].as_bool() == Some(true),
        })
    }

    pub fn json(&self) -> Value {
        json!({ "id": self.id, "title": self.title, "archived": self.archived,
                "sharedExternal": self.shared_external })
    }

    /// `12 "Project X"`, for lines.
    pub fn named(&self) -> String {
        format!("{} \"{}\"", self.id, self.title)
    }
}

pub struct Member {
    pub person: User,
    pub role: u8,
}

impl Member {
    /// A member entry; `None` for the owner's synthetic entry, groups and links.
    fn of(entry: &Value) -> Option<Member> {
        if entry["isOwner"].as_bool() == Some(true) || entry["subjectType"].as_u64() > Some(0) {
            return None;
        }
        let user = subject(entry);
        Some(Member {
            person: User::with_guid(user)?,
            role: role_of(&entry["access"])?,
        })
    }
}

/// The user a member entry is about: `sharedToUser` from 3.5; before, only `sharedTo`.
pub fn subject(entry: &Value) -> &Value {
    entry
        .get("sharedToUser")
        .filter(|u| u.is_object())
        .unwrap_or(&entry["sharedTo"])
}

/// One `--json` line's fields for a guest in a room.
pub fn pair_json(room: &Room, guest: &User, role: u8) -> Value {
    json!({
        "guest": person_json(guest),
        "room": room.json(),
        "role": role_name(role),
        "owner": { "id": room.owner.id, "displayName": room.owner.name },
    })
}

/// Who the credential acts as; anyone but a DocSpace admin is told, in one line, that
/// the answer covers only their own rooms.
pub fn caller(portal: &Portal) -> Result<User, Error> {
    let me = people::account(&portal.whoami()?)?;
    if !me.kind.is_docspace_admin() {
        terminal::notice(&format!(
            "this covers only the rooms you can see (you are a {}); a DocSpace admin sees \
             every room",
            me.kind.describe()
        ));
    }
    Ok(me)
}

/// Calls `each` with every room the caller sees, active and archived, one page held at
/// a time; with `subject`, only the rooms that user owns or is a direct member of.
pub fn each_room(
    portal: &Portal,
    subject: Option<&str>,
    each: &mut dyn FnMut(Room) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut pager = Pager::new(PAGE_SIZE);
    while let Some(start) = pager.next_start() {
        let reply = portal.rooms_page(subject, start, PAGE_SIZE)?;
        if reply.status != 200 {
            return Err(refusal("the room list", &reply, answers::ROOMS_READ));
        }
        let mut envelope = answers::success_envelope(&reply);
        let page = envelope.as_mut().and_then(|e| e.get_mut("response"));
        let total = page.as_ref().and_then(|p| p["total"].as_u64());
        let rooms = page
            .and_then(|p| p.get_mut("folders"))
            .and_then(Value::as_array_mut)
            .ok_or_else(|| unusable("the room list"))?;
        let ids: Vec<Option<u128>> = rooms
            .iter()
            .map(|room| room["id"].as_u64().map(u128::from))
            .collect();
        let fresh = pager
            .take(&ids, total)
            .map_err(|_| broken_paging("the room list", start))?;
        for (room, fresh) in rooms.iter().zip(fresh) {
            if let Some(room) = Room::of(room).filter(|_| fresh) {
                each(room)?;
            }
        }
    }
    Ok(())
}

/// One room by its id, with the caller's `security`.
pub fn room(portal: &Portal, id: u64) -> Result<Room, Error> {
    let reply = portal.room(id)?;
    let what = format!("reading room {id}");
    match reply.status {
        200 => {}
        404 => {
            return Err(Error::Server(format!(
                "room {id} was not found (404): check the ID (docspace-guest access lists the \
                 rooms you can see)"
            )));
        }
        _ => return Err(refusal(&what, &reply, answers::ROOMS_READ)),
    }
    answers::success_envelope(&reply)
        .and_then(|e| Room::of(&e["response"]))
        .ok_or_else(|| unusable(&what))
}

/// Calls `each` with every user member of the room (not the owner's entry), a page at
/// a time.
pub fn each_member(
    portal: &Portal,
    room: u64,
    each: &mut dyn FnMut(Member) -> Result<(), Error>,
) -> Result<(), Error> {
    let what = format!("the members of room {room}");
    let mut pager = Pager::new(PAGE_SIZE);
    while let Some(start) = pager.next_start() {
        let reply = portal.room_members(room, start, PAGE_SIZE)?;
        if reply.status != 200 {
            return Err(refusal(&what, &reply, answers::ROOMS_READ));
        }
        let envelope = answers::success_envelope(&reply);
        let total = envelope.as_ref().and_then(|e| e["total"].as_u64());
        let entries = envelope
            .as_ref()
            .and_then(|e| e["response"].as_array())
            .ok_or_else(|| unusable(&what))?;
        let ids: Vec<Option<u128>> = entries
            .iter()
            .map(|entry| subject(entry)["id"].as_str().and_then(people::guid_number))
            .collect();
        let fresh = pager
            .take(&ids, total)
            .map_err(|_| broken_paging(&what, start))?;
        for (entry, fresh) in entries.iter().zip(fresh) {
            if let Some(member) = Member::of(entry).filter(|_| fresh) {
                each(member)?;
            }
        }
    }
    Ok(())
}

/// The room ids, each once, in the order given.
pub fn unique(ids: &[u64]) -> Vec<u64> {
    let mut once = Vec::new();
    for &id in ids {
        if !once.contains(&id) {
            once.push(id);
        }
    }
    once
}

/// A refusal of a rooms call: a 403 without a body is the key's scope.
pub fn refusal(what: &str, reply: &Reply, scope: answers::Scope) -> Error {
    match (reply.status, answers::server_message(&reply.body)) {
        (403, None) => answers::unexplained_403(
            reply,
            scope,
            what,
            "the API key may lack the rooms scope it needs (see docspace-guest whoami)",
        ),
        (403, Some(reason)) => Error::Denied(format!("the portal refused {what} (403 {reason})")),
        _ => answers::unexpected(what, reply),
    }
}

/// A 403 to a change of a room's members in other words than "Access denied" (which
/// is the caller's right to change it): DocSpace's "the role is not available",
/// localized, for a role this user or this room cannot have. Its words are shown, not
/// a guess about who may change the room.
pub fn role_refused(room: u64, reply: &Reply) -> Error {
    let reason = answers::server_message(&reply.body).unwrap_or_default();
    Error::Denied(format!(
        "the portal refused the role in room {room} (403 {reason}): DocSpace does not allow \
         that role for this user or this room's type (a guest cannot be a room manager; a \
         room template takes no new members)"
    ))
}

fn unusable(what: &str) -> Error {
    Error::Server(format!(
        "the portal answered 200 to {what}, but not with what DocSpace sends"
    ))
}

fn broken_paging(what: &str, start: usize) -> Error {
    Error::Server(format!(
        "the portal's paging of {what} is broken: a full page (from startIndex {start}) \
         brought nothing not already read; stopped"
    ))
}

/// The guests named by ids and emails, as ids, each once. An email that names no
/// guest stops the command: nothing has been sent.
pub fn guest_ids(portal: &Portal, targets: Vec<Target>) -> Result<Vec<String>, Error> {
    let mut ids = Vec::new();
    let mut seen = HashSet::new();
    for target in targets {
        let id = match target {
            Target::Id(id) => id,
            Target::Email(email) => people::lookup(portal, &email)?
                .map_err(|(_, error)| error.context(&format!("{email}: ")))?,
        };
        if seen.insert(id.clone()) {
            ids.push(id);
        }
    }
    Ok(ids)
}
