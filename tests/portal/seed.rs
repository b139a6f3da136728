//! The demo portal: a small real portal, as `make demo`, `make demo-portal` and the
//! README's examples (tests/cli/readme.rs) see it. Staff of every type, a dozen guests
//! in the states a year of use leaves (pending, active, disabled long ago and last week,
//! invited by a user since deleted or disabled), rooms of several types and owners (one
//! archived, one shared by external link), months of sign-ins and the status changes
//! that disabled guests. Every date is counted back from now, so the demo reads the same
//! on any day. It is data: the tables below, applied by `FakePortal::seeded`.

use std::time::Duration;

use super::logins::{FAILED, LOGOUT, SIGN_IN_VIA_API};
use super::rooms::{EDITING, READ, ROOM_MANAGER, RoomType};
use super::{Demo, FakePortal, Role};

/// The caller: Dan, a DocSpace admin.
const CALLER: &str = "dan@example.com";
/// What every command needs (docs/security.md, "Privileges"): `*:read` for the login
/// history and the plan, and each area's write scope for the changes.
const SCOPES: &[&str] = &["*:read", "accounts:write", "rooms:write"];
/// The guest another admin shared with the caller: `make demo` approves, then removes it.
const SHARED_GUEST: &str = "jane.oneil@example.com";

/// (role, first, last, email, registered days ago).
#[rustfmt::skip]
const STAFF: &[(Role, &str, &str, &str, u64)] = &[
    (Role::Owner, "Olga", "Owner", "olga@example.com", 900),
    (Role::Admin, "Alice", "Sharer", "alice@example.com", 700),
    (Role::Admin, "Dan", "Admin", CALLER, 600),
    (Role::RoomAdmin, "Raj", "Rooms", "raj@example.com", 400),
    // Left the company: deleted below, so their guests' inviter reads as the lost user.
    (Role::RoomAdmin, "Victor", "Gone", "victor@example.com", 500),
    // On leave: disabled, so her guest's inviter is disabled.
    (Role::RoomAdmin, "Carla", "Away", "carla@example.com", 450),
    (Role::User, "Uma", "User", "uma@example.com", 300),
];

/// Staff deleted after inviting guests.
const DELETED_STAFF: &[&str] = &["victor@example.com"];

/// (first, last, email, inviter's email, registered days ago, signed up). Those not
/// signed up are pending.
#[rustfmt::skip]
const GUESTS: &[(&str, &str, &str, &str, u64, bool)] = &[
    ("Jane", "O'Neil & Co", SHARED_GUEST, "alice@example.com", 2, false),
    ("Pedro", "Alvarez", "pedro@partner.example", CALLER, 400, true),
    ("Mei", "Chen", "mei.chen@agency.example", CALLER, 200, true),
    ("Tom", "Becker", "tom.becker@supplier.example", "alice@example.com", 45, false),
    ("Lena", "Novak", "lena@partner.example", CALLER, 5, false),
    ("Omar", "Haddad", "omar@old-client.example", CALLER, 500, true),
    ("Sofia", "Rossi", "sofia.rossi@agency.example", "raj@example.com", 150, true),
    ("Ken", "Ito", "ken.ito@contractor.example", "victor@example.com", 120, true),
    ("Priya", "Shah", "priya@contractor.example", "victor@example.com", 60, true),
    ("Jonas", "Berg", "jonas.berg@supplier.example", "raj@example.com", 30, true),
    ("Chloé", "Martin", "chloe.martin@press.example", "alice@example.com", 95, true),
    ("Grace", "Kim", "grace.kim@auditor.example", CALLER, 80, true),
    ("Bruno", "Costa", "bruno@freelance.example", "carla@example.com", 110, true),
];

/// Status changes, oldest first: (days ago, by whom, whose, new status: 1 active,
/// 2 disabled). Each is one `PUT people/status` call; an account's state is its newest.
#[rustfmt::skip]
const STATUS_CHANGES: &[(u64, &str, &[&str], u8)] = &[
    (300, CALLER, &["omar@old-client.example"], 2),
    // Deleted later (an account is disabled before it is deleted).
    (90, "alice@example.com", &["victor@example.com"], 2),
    (40, "alice@example.com", &["carla@example.com"], 2),
    // Two guests disabled by mistake in one call, and enabled again the same day.
    (20, CALLER, &["mei.chen@agency.example", "grace.kim@auditor.example"], 2),
    (20, CALLER, &["mei.chen@agency.example", "grace.kim@auditor.example"], 1),
    (6, CALLER, &["sofia.rossi@agency.example"], 2),
];

/// Sign-ins of each account: (email, days ago of each successful sign-in). Guests not
/// here never signed in.
#[rustfmt::skip]
const SIGN_INS: &[(&str, &[u64])] = &[
    (CALLER, &[170, 120, 90, 60, 30, 7, 1]),
    ("alice@example.com", &[175, 100, 45, 3]),
    ("raj@example.com", &[160, 40, 2]),
    ("pedro@partner.example", &[172, 140, 95, 61, 33, 12, 3]),
    ("mei.chen@agency.example", &[165, 130, 100]),
    ("omar@old-client.example", &[179]),
    ("sofia.rossi@agency.example", &[140, 90, 50, 8]),
    ("ken.ito@contractor.example", &[115, 70]),
    ("priya@contractor.example", &[58, 30, 10]),
    ("jonas.berg@supplier.example", &[29, 14, 1]),
    ("chloe.martin@press.example", &[90, 50, 20]),
    ("bruno@freelance.example", &[105, 64]),
];

/// Failed attempts and logouts, which are not sign-ins: (email, days ago, action).
#[rustfmt::skip]
const OTHER_LOGIN_EVENTS: &[(&str, u64, u16)] = &[
    ("grace.kim@auditor.example", 70, FAILED),
    ("mei.chen@agency.example", 10, FAILED),
    ("pedro@partner.example", 3, LOGOUT),
    ("jonas.berg@supplier.example", 1, SIGN_IN_VIA_API),
];

/// (title, type, owner's email, archived, shared by external link). Their ids are 1000
/// on, in this order: docs/rooms.md's example names "Supplier forms" as 1003.
#[rustfmt::skip]
const ROOMS: &[(&str, RoomType, &str, bool, bool)] = &[
    ("Product launch", RoomType::Custom, CALLER, false, false),
    ("Contract review", RoomType::Editing, CALLER, false, false),
    ("Press kit", RoomType::Public, "alice@example.com", false, true),
    ("Supplier forms", RoomType::FillingForms, "raj@example.com", false, false),
    ("Due diligence 2025", RoomType::VirtualDataRoom, CALLER, true, false),
];

/// (room title, member's email, access). The room's owner grants each membership.
#[rustfmt::skip]
const MEMBERS: &[(&str, &str, u8)] = &[
    ("Product launch", "alice@example.com", ROOM_MANAGER),
    ("Product launch", "pedro@partner.example", EDITING),
    ("Product launch", "mei.chen@agency.example", READ),
    ("Product launch", "ken.ito@contractor.example", EDITING),
    ("Contract review", "pedro@partner.example", EDITING),
    ("Contract review", "priya@contractor.example", EDITING),
    ("Contract review", "sofia.rossi@agency.example", READ),
    ("Press kit", CALLER, ROOM_MANAGER),
    ("Press kit", "chloe.martin@press.example", READ),
    ("Supplier forms", CALLER, ROOM_MANAGER),
    ("Supplier forms", "jonas.berg@supplier.example", EDITING),
    ("Supplier forms", "tom.becker@supplier.example", READ),
    ("Due diligence 2025", "omar@old-client.example", READ),
    ("Due diligence 2025", "grace.kim@auditor.example", READ),
];

const DAY: u64 = 86_400;

impl FakePortal {
    /// The demo portal, seeded from the tables above; the caller is Dan, a DocSpace
    /// admin, whose key has every scope a command needs.
    pub fn seeded() -> Demo {
        let portal = FakePortal::start();
        for (role, first, last, email, days) in STAFF {
            let id = portal.add_user(*role, first, last, email);
            portal.registered_days_ago(&id, *days);
        }
        let id = |email: &str| portal.id_of(email);
        for (first, last, email, inviter, days, signed_up) in GUESTS {
            let guest = portal.invite_guest(&id(inviter), first, last, email);
            portal.registered_days_ago(&guest, *days);
            portal.set_activation(&guest, if *signed_up { 1 } else { 2 });
        }
        // Each call: the statuses set, and its one 4020 event in the audit trail.
        for (days, _, whose, status) in STATUS_CHANGES {
            let ids: Vec<String> = whose.iter().map(|email| id(email)).collect();
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            portal.status_call_days_ago(&ids, *status, *days);
        }
        for (email, days) in SIGN_INS {
            for day in days.iter() {
                portal.signed_in_days_ago(&id(email), *day);
            }
        }
        for (email, days, action) in OTHER_LOGIN_EVENTS {
            portal.login_event(&id(email), Duration::from_secs(days * DAY + 7200), *action);
        }
        let mut rooms = Vec::new();
        for (title, kind, owner, archived, external) in ROOMS {
            let room = portal.add_room(&id(owner), title, *kind);
            rooms.push((*title, room, id(owner)));
            if *archived {
                portal.archive_room(room);
            }
            if *external {
                portal.share_externally(room);
            }
        }
        for (title, member, access) in MEMBERS {
            let (_, room, owner) = rooms.iter().find(|r| r.0 == *title).unwrap();
            portal.add_member(*room, &id(member), *access, owner);
        }
        let guest = id(SHARED_GUEST);
        let link = portal.share_guest(&id("alice@example.com"), &guest);
        let admin = id(CALLER);
        let admin_key = portal.add_api_key(&admin, SCOPES);
        for email in DELETED_STAFF {
            portal.remove_user(&id(email));
        }
        Demo {
            portal,
            admin,
            admin_key,
            guest,
            guest_email: SHARED_GUEST.to_string(),
            link,
        }
    }

    fn id_of(&self, email: &str) -> String {
        let state = self.state.lock().unwrap();
        let user = state.users.iter().find(|u| u.email == email);
        user.unwrap_or_else(|| panic!("the seed names {email}, whom it did not add"))
            .id
            .clone()
    }
}
