//! Rooms, as docs/docspace.md (§11) says the server keeps and shows
//! them: `GET files/rooms` (the caller's visible rooms, `subjectId`/`subjectFilter`,
//! `searchArea`, paging by release, a `sortBy` that becomes the saved order), `GET
//! files/rooms/{id}`, `GET files/rooms/{id}/share` (the synthetic owner entry first,
//! `sharedTo` only before 3.5) and `PUT files/rooms/{id}/share` with every skip and
//! refusal of the fact sheet's table: the VDR form-role `error: 1` (3.1+), the 3.7.1
//! visibility filter, the archive and EditAccess 403, disabled users, unchanged roles,
//! an unknown role name read as None, and an invitation event for a removal of a
//! non-member.

use serde_json::{Value, json};

use super::endpoints::{Reply, body_json, empty, error, invalid, user_json};
use super::http::Answer;
use super::{FakePortal, Release, Role, State};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoomType {
    FillingForms = 1,
    Editing = 2,
    Custom = 5,
    Public = 6,
    VirtualDataRoom = 8,
}

impl RoomType {
    /// Whether a user may hold `access` in a room of this type (FSec
    /// `AvailableRoomAccesses`): RoomManager (9) and ContentCreator (11) everywhere,
    /// and Custom: Editing, Review, Comment, Read; FillingForms: FillForms; Editing:
    /// Editing, Read; VDR: Editing, Read, FillForms; Public: no other.
    fn allows(self, access: u8) -> bool {
        let others: &[u8] = match self {
            RoomType::Custom => &[10, 5, 6, 2],
            RoomType::FillingForms => &[7],
            RoomType::Editing => &[10, 2],
            RoomType::VirtualDataRoom => &[10, 2, 7],
            RoomType::Public => &[],
        };
        matches!(access, 9 | 11) || others.contains(&access)
    }
}

/// `FileShare` numbers.
pub const READ: u8 = 2;
pub const EDITING: u8 = 10;
pub const ROOM_MANAGER: u8 = 9;
const NAMES: [&str; 12] = [
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

#[derive(Debug, Clone)]
struct Share {
    user: String,
    access: u8,
    /// The `owner` column: who granted it; kept when someone else changes the role.
    grantor: String,
}

#[derive(Debug, Clone)]
struct Room {
    id: u64,
    title: String,
    kind: RoomType,
    /// `create_by`: the owner, who has no share row.
    owner: String,
    archived: bool,
    shared_external: bool,
    shares: Vec<Share>,
    /// Users with a form role (VDR).
    form_roles: Vec<String>,
    /// End-to-end encrypted (`develop`): members need encryption keys.
    private: bool,
}

#[derive(Default)]
pub(super) struct Rooms {
    rooms: Vec<Room>,
    /// Removals of users who had no row: the server writes an invitation event for each.
    invitations: Vec<(u64, String)>,
    /// A valid `sortBy` is saved as the caller's default order.
    saved_sort: Option<String>,
    /// Users who have no encryption keys (for private rooms).
    keyless: Vec<String>,
}

impl FakePortal {
    pub fn add_room(&self, owner: &str, title: &str, kind: RoomType) -> u64 {
        let mut state = self.state.lock().unwrap();
        let id = 1000 + state.rooms.rooms.len() as u64;
        state.rooms.rooms.push(Room {
            id,
            title: title.to_string(),
            kind,
            owner: owner.to_string(),
            archived: false,
            shared_external: false,
            shares: Vec::new(),
            form_roles: Vec::new(),
            private: false,
        });
        id
    }

    /// A direct membership with `access`, granted by `grantor`.
    pub fn add_member(&self, room: u64, user: &str, access: u8, grantor: &str) {
        self.with_room(room, |room| {
            room.shares.push(Share {
                user: user.to_string(),
                access,
                grantor: grantor.to_string(),
            })
        });
    }

    /// The row taken away, as someone else's change between two runs.
    pub fn remove_member(&self, room: u64, user: &str) {
        self.with_room(room, |room| room.shares.retain(|s| s.user != user));
    }

    pub fn archive_room(&self, room: u64) {
        self.with_room(room, |room| room.archived = true);
    }

    pub fn share_externally(&self, room: u64) {
        self.with_room(room, |room| room.shared_external = true);
    }

    /// A private room (the server's `develop` branch): adding, changing or removing a
    /// member without encryption keys is refused with 403 after the entries before it
    /// were applied.
    pub fn make_private(&self, room: u64) {
        self.with_room(room, |room| room.private = true);
    }

    pub fn without_encryption_key(&self, user: &str) {
        self.state
            .lock()
            .unwrap()
            .rooms
            .keyless
            .push(user.to_string());
    }

    pub fn add_form_role(&self, room: u64, user: &str) {
        self.with_room(room, |room| room.form_roles.push(user.to_string()));
    }

    /// (user, access) of each row, in order.
    pub fn room_members(&self, room: u64) -> Vec<(String, u8)> {
        let state = self.state.lock().unwrap();
        let room = state.rooms.rooms.iter().find(|r| r.id == room).unwrap();
        room.shares
            .iter()
            .map(|s| (s.user.clone(), s.access))
            .collect()
    }

    /// The grantor of `user`'s row in `room`.
    pub fn grantor(&self, room: u64, user: &str) -> Option<String> {
        let state = self.state.lock().unwrap();
        let room = state.rooms.rooms.iter().find(|r| r.id == room)?;
        room.shares
            .iter()
            .find(|s| s.user == user)
            .map(|s| s.grantor.clone())
    }

    /// The invitation events written for removals of non-members (and owners).
    pub fn room_invitations(&self) -> Vec<(u64, String)> {
        self.state.lock().unwrap().rooms.invitations.clone()
    }

    pub fn saved_sort(&self) -> Option<String> {
        self.state.lock().unwrap().rooms.saved_sort.clone()
    }

    fn with_room(&self, id: u64, change: impl FnOnce(&mut Room)) {
        let mut state = self.state.lock().unwrap();
        change(state.rooms.rooms.iter_mut().find(|r| r.id == id).unwrap());
    }
}

impl State {
    pub(super) fn rooms(
        &mut self,
        reply: &Reply,
        caller: &str,
        method: &str,
        rest: &[&str],
    ) -> Answer {
        if let Some(sort) = reply.request.param("sortBy") {
            self.rooms.saved_sort = Some(sort);
        }
        let room = rest.first().map(|id| id.parse::<u64>());
        match (method, room, rest.get(1..)) {
            ("GET", None, _) => self.room_list(reply, caller),
            ("GET", Some(Ok(id)), Some([])) => match self.visible_room(id, caller) {
                Ok(room) => reply.ok(self.room_json(room, caller), 1),
                Err(answer) => answer,
            },
            ("GET", Some(Ok(id)), Some(["share"])) => self.room_share(reply, caller, id),
            ("PUT", Some(Ok(id)), Some(["share"])) => self.set_room_share(reply, caller, id),
            _ => empty(404),
        }
    }

    fn admin(&self, caller: &str) -> bool {
        matches!(
            self.find(caller).map(|u| u.role),
            Some(Role::Owner | Role::Admin)
        )
    }

    fn row<'a>(room: &'a Room, user: &str) -> Option<&'a Share> {
        room.shares.iter().find(|s| s.user == user)
    }

    /// DocSpace admins see every room; others the rooms they own or have a row on.
    fn sees(&self, room: &Room, caller: &str) -> bool {
        self.admin(caller) || room.owner == caller || State::row(room, caller).is_some()
    }

    /// EditAccess: the owner or a RoomManager, never in the archive; no admin shortcut.
    fn edits(room: &Room, caller: &str) -> bool {
        !room.archived
            && (room.owner == caller
                || State::row(room, caller).is_some_and(|s| s.access == ROOM_MANAGER))
    }

    fn visible_room(&self, id: u64, caller: &str) -> Result<&Room, Answer> {
        match self.rooms.rooms.iter().find(|r| r.id == id) {
            None => Err(error(404, "Folder not found")),
            Some(room) if !self.sees(room, caller) => Err(error(403, "Access denied")),
            Some(room) => Ok(room),
        }
    }

    fn room_json(&self, room: &Room, caller: &str) -> Value {
        let owner = self.find(&room.owner);
        let edit = State::edits(room, caller);
        let root = if room.archived { 20 } else { 14 };
        json!({
            "id": room.id,
            "title": room.title,
            "roomType": room.kind as u8,
            "rootFolderType": root,
            "rootFolderId": if room.archived { 3 } else { 2 },
            "parentId": if room.archived { 3 } else { 2 },
            "createdBy": {
                "id": room.owner,
                "displayName": owner.map_or("Profile removed".to_string(), |u| format!("{} {}", u.first_name, u.last_name)),
                "hasAvatar": false, "isAnonim": false,
            },
            "access": State::row(room, caller).map_or(0, |s| s.access),
            "inRoom": room.owner == caller || State::row(room, caller).is_some(),
            "security": { "Read": true, "EditAccess": edit, "EditRoom": edit, "ChangeOwner": false, "CanUseAi": room.private },
            "private": room.private,
            "canShare": edit && !matches!(room.kind, RoomType::Editing | RoomType::VirtualDataRoom),
            "shared": false,
            "sharedExternal": room.shared_external,
            "fileEntryType": 1,
        })
    }

    /// `count`: up to 1000, silently clamped, before 3.2.1; then 1 to 100 or 400.
    fn page_size(&self, reply: &Reply) -> Result<usize, Answer> {
        let asked = reply.request.param("count").map(|c| c.parse::<usize>());
        if self.release() < Release::V3_5 {
            return Ok(asked.and_then(Result::ok).unwrap_or(1000).clamp(1, 1000));
        }
        match asked {
            None => Ok(100),
            Some(Ok(count @ 1..=100)) => Ok(count),
            Some(_) => Err(invalid(
                "count",
                "The field count must be between 1 and 100.",
            )),
        }
    }

    fn room_list(&self, reply: &Reply, caller: &str) -> Answer {
        let request = reply.request;
        let count = match self.page_size(reply) {
            Ok(count) => count,
            Err(answer) => return answer,
        };
        let start: usize = request
            .param("startIndex")
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let area = request
            .param("searchArea")
            .and_then(|a| a.parse::<u8>().ok())
            .unwrap_or(0);
        let subject = request.param("subjectId");
        // Before 3.7 an omitted filter means "owns"; in 3.7 owner or member.
        let member_too = match request.param("subjectFilter").as_deref() {
            Some("1") => true,
            Some(_) => false,
            None => self.release() >= Release::V3_7_0,
        };
        let matching: Vec<&Room> = self
            .rooms
            .rooms
            .iter()
            .filter(|r| self.sees(r, caller))
            .filter(|r| match area {
                0 => !r.archived,
                1 => r.archived,
                _ => true,
            })
            .filter(|r| match &subject {
                None => true,
                Some(s) => r.owner == *s || (member_too && State::row(r, s).is_some()),
            })
            .collect();
        let page: Vec<Value> = matching
            .iter()
            .skip(start)
            .take(count)
            .map(|r| self.room_json(r, caller))
            .collect();
        let content = json!({
            "files": [],
            "folders": page,
            "current": { "parentId": 0, "id": 2, "title": "Rooms", "rootFolderType": 14 },
            "pathParts": [{ "id": 2, "title": "Rooms", "folderType": 14 }],
            "startIndex": start,
            "count": page.len(),
            "total": matching.len(),
            "new": 0,
        });
        reply.ok(content, 1)
    }

    /// One member entry (`FileShareDto`): `sharedTo` always, `sharedToUser` from 3.5.
    fn share_json(&self, room: &Room, user: &str, access: u8, owner: bool, caller: &str) -> Value {
        let shown = self
            .find(user)
            .map(user_json)
            .unwrap_or(json!({ "id": user }));
        let mut entry = json!({
            "access": access,
            "sharedTo": shown,
            "isLocked": user == caller,
            "isOwner": owner,
            "canEditAccess": !owner && user != caller && State::edits(room, caller),
            "subjectType": 0,
        });
        if self.release() >= Release::V3_5 {
            entry["sharedToUser"] = shown;
            entry["canRevoke"] = json!(false);
            entry["canEditInternal"] = json!(false);
        }
        entry
    }

    fn room_share(&self, reply: &Reply, caller: &str, id: u64) -> Answer {
        let count = match self.page_size(reply) {
            Ok(count) => count,
            Err(answer) => return answer,
        };
        let start: usize = reply
            .request
            .param("startIndex")
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let Some(room) = self.rooms.rooms.iter().find(|r| r.id == id) else {
            return error(404, "Folder not found");
        };
        // Not readable: 200 with nothing, not 403.
        let mut all = Vec::new();
        if self.sees(room, caller) {
            all.push(self.share_json(room, &room.owner, 1, true, caller));
            for share in room.shares.iter().filter(|s| self.find(&s.user).is_some()) {
                all.push(self.share_json(room, &share.user, share.access, false, caller));
            }
        }
        let page: Vec<Value> = all.iter().skip(start).take(count).cloned().collect();
        let mut answer = reply.envelope(Some(json!(page)), page.len());
        answer["total"] = json!(all.len());
        Answer::Send(super::http::Response::json(200, &answer))
    }

    /// Whether `caller` "can view" `user` (3.7.1+ filter): self; DocSpace admins all;
    /// room admins every non-guest and the guests on their own list; no one else.
    fn can_view(&self, caller: &str, user: &str) -> bool {
        if caller == user || self.admin(caller) {
            return true;
        }
        match self.find(caller).map(|c| c.role) {
            Some(Role::RoomAdmin) => {
                self.find(user).is_none_or(|u| u.role != Role::Guest) || self.on_list(caller, user)
            }
            _ => false,
        }
    }

    fn set_room_share(&mut self, reply: &Reply, caller: &str, id: u64) -> Answer {
        let release = self.release();
        let body = match body_json(reply.request) {
            Ok(body) => body,
            Err(answer) => return answer,
        };
        // (id, access): an unknown role name is None, a removal (the converter's trap).
        let mut entries: Vec<(String, u8)> = body["invitations"]
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|e| {
                        let access = match &e["access"] {
                            Value::Number(n) => n.as_u64().unwrap_or(0) as u8,
                            Value::String(name) => {
                                NAMES.iter().position(|n| n == name).unwrap_or(0) as u8
                            }
                            _ => 0,
                        };
                        Some((e["id"].as_str()?.to_lowercase(), access))
                    })
                    .collect()
            })
            .unwrap_or_default();
        if entries.is_empty() {
            return reply.ok(json!({ "error": 0 }), 1);
        }
        let Some(index) = self.rooms.rooms.iter().position(|r| r.id == id) else {
            return error(404, "Folder not found");
        };
        let force = release >= Release::V3_1 && body["force"].as_bool() == Some(true);
        let room = &self.rooms.rooms[index];
        if release >= Release::V3_1
            && !force
            && room.kind == RoomType::VirtualDataRoom
            && entries
                .iter()
                .any(|(user, access)| *access == 0 && room.form_roles.contains(user))
        {
            return reply.ok(json!({ "error": 1 }), 1);
        }
        if release >= Release::V3_7_2 {
            let owner = room.owner == caller;
            let rows: Vec<String> = room.shares.iter().map(|s| s.user.clone()).collect();
            entries.retain(|(user, access)| {
                (owner && (*access == 0 || rows.contains(user))) || self.can_view(caller, user)
            });
        }
        let room = &self.rooms.rooms[index];
        let only_self = entries
            .iter()
            .all(|(user, access)| user == caller && *access == 0);
        if !only_self && !State::edits(room, caller) {
            return error(403, "Access denied");
        }
        for (user, access) in &entries {
            // Entries before this one stay applied.
            if self.rooms.rooms[index].private && self.rooms.keyless.contains(user) {
                return error(403, "The user does not have an encryption key");
            }
            let target = self.find(user).cloned();
            let room = &mut self.rooms.rooms[index];
            let row = room.shares.iter().position(|s| s.user == *user);
            let gone = target.as_ref().is_none_or(|u| u.status == 2);
            if gone && (*access != 0 || row.is_none()) {
                continue;
            }
            let guest = target.is_some_and(|u| u.role == Role::Guest);
            if *access != 0 && ((*access == ROOM_MANAGER && guest) || !room.kind.allows(*access)) {
                return error(403, "The role is not available");
            }
            match (row, *access) {
                (Some(row), 0) => {
                    room.shares.remove(row);
                }
                (None, 0) => self.rooms.invitations.push((id, user.clone())),
                (Some(row), access) => room.shares[row].access = access,
                (None, access) => room.shares.push(Share {
                    user: user.clone(),
                    access,
                    grantor: caller.to_string(),
                }),
            }
        }
        // The current rows of every id asked for, applied, skipped or filtered.
        let room = &self.rooms.rooms[index];
        let asked: Vec<String> = body["invitations"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["id"].as_str().map(str::to_lowercase))
            .collect();
        let members: Vec<Value> = room
            .shares
            .iter()
            .filter(|s| asked.contains(&s.user))
            .map(|s| self.share_json(room, &s.user, s.access, false, caller))
            .collect();
        let mut answer = json!({ "members": members });
        if release >= Release::V3_1 {
            answer["error"] = json!(0);
        }
        reply.ok(answer, 1)
    }
}
