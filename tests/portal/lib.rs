//! A fake ONLYOFFICE DocSpace portal that behaves as docs/docspace.md says the
//! real one does: the Authorization rules, empty-bodied 401/403/429, the envelopes,
//! guest sharing links with short-link redirects, approve by `confirm` header,
//! all-or-nothing delete. It plays 3.7.2 unless `set_release` picks an older release,
//! whose guest endpoints then follow that page's releases. The end-to-end tests
//! (tests/cli), `make demo` (tests/demo) and `make bench` (tests/bench) run it.
//!
//! Simplification: every caller, admin or not, has an explicit guest list (the guests
//! it invited or approved); delete acts on that list, as it does on the real server.
//!
//! Here: the portal's state and the handle tests seed it and make it misbehave with;
//! `endpoints` answers each request by the server's rules; `http` is the server;
//! `certs` makes throwaway certificates; `seed` is the demo portal.

mod audit;
mod certs;
mod endpoints;
pub mod http;
mod logins;
mod rooms;
mod seed;

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

pub use rooms::{EDITING, READ, ROOM_MANAGER, RoomType};

pub use audit::{AuditEvent, STATUS_CHANGED, USER_UPDATED};
pub use certs::{EC_KEY, make_ca, openssl};
pub use endpoints::invalid;
pub use http::{Answer, Request, Response};
pub use logins::{
    FAILED, Hidden, LOGOUT, SESSION_STARTED, SIGN_IN, SIGN_IN_VIA_API, SIGN_IN_VIA_SSO,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Owner,
    Admin,
    RoomAdmin,
    User,
    Guest,
}

/// The releases whose guest endpoints differ (docs/docspace.md §3, §4 and §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Release {
    /// No approve endpoint.
    V3_0,
    /// 3.1 to 3.4: approve names the guest by the body's email.
    V3_1,
    /// Approve names the link's guest; not a guest is still 403.
    V3_5,
    /// Not a guest is 400 "User is not a guest".
    V3_6,
    V3_7_0,
    /// 3.7.1 and later: delete is all or nothing, and DocSpace admins may call it.
    V3_7_2,
}

impl Release {
    pub const ALL: [Release; 6] = [
        Release::V3_0,
        Release::V3_1,
        Release::V3_5,
        Release::V3_6,
        Release::V3_7_0,
        Release::V3_7_2,
    ];

    pub fn number(self) -> &'static str {
        match self {
            Release::V3_0 => "3.0.0",
            Release::V3_1 => "3.1.0",
            Release::V3_5 => "3.5.0",
            Release::V3_6 => "3.6.0",
            Release::V3_7_0 => "3.7.0",
            Release::V3_7_2 => "3.7.2",
        }
    }

    /// What `settings/version/build` reports when the deployment configured no version.
    fn unconfigured_number(self) -> &'static str {
        if self == Release::V3_0 {
            "1.0.0"
        } else {
            "3.1.0"
        }
    }

    /// Before 3.7.1 delete skips what it may not remove, and only room admins call it.
    pub fn delete_skips_silently(self) -> bool {
        self < Release::V3_7_2
    }
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: Role,
    /// 1 active, 2 disabled.
    pub status: u8,
    /// 0 not activated, 1 activated, 2 pending.
    pub activation: u8,
    pub created_by: Option<String>,
    pub registered: String,
    /// Set by a disable through `PUT people/{id}` only (not by `PUT people/status`).
    pub terminated: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ShareLink {
    pub short: String,
    pub key: String,
    pub encemail: String,
    /// The admin who shared the guest.
    pub sharer: String,
    pub guest: String,
    pub expired: bool,
}

impl ShareLink {
    /// What the tool sends as the `confirm` header.
    pub fn query(&self) -> String {
        format!(
            "type=GuestShareLink&key={}&encemail={}&uid={}",
            self.key, self.encemail, self.sharer
        )
    }
}

struct ApiKey {
    secret: String,
    user: String,
    scopes: Vec<String>,
}

/// A fault to answer with instead of the normal answer, for requests whose path starts
/// with `path`: the first `skip` such requests pass, the next `times` get `answer`.
struct Fault {
    path: String,
    skip: usize,
    times: usize,
    answer: Answer,
}

#[derive(Default)]
struct State {
    base: String,
    users: Vec<User>,
    keys: Vec<ApiKey>,
    login_tokens: Vec<(String, String)>,
    /// (owner, guest) pairs.
    guest_lists: Vec<(String, String)>,
    links: Vec<ShareLink>,
    faults: Vec<Fault>,
    /// Accept what the example script sends (a raw `sk-` key, no `confirm` header);
    /// only for timing the example in `make bench`.
    lenient: bool,
    counter: u64,
    release: Option<Release>,
    /// `settings/version/build` tells the release only when the deployment set it.
    version_configured: bool,
    paging: Paging,
    logins: logins::Logins,
    /// The audit trail's events (tests/portal/audit.rs).
    trail: audit::Trail,
    /// Rooms, their members and what the room endpoints were asked (tests/portal/rooms.rs).
    rooms: rooms::Rooms,
    /// Quotes each request's `Authorization` back (`echo_authorization`).
    echo: bool,
}

/// Where an answer says `ECHO`, a portal that echoes (`echo_authorization`) writes the
/// request's `Authorization` header instead.
pub const ECHO: &str = "{authorization}";

/// How `people/filter` pages: as DocSpace does, or as a broken cache in front of it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Paging {
    #[default]
    Honest,
    /// Every page is the first one, whatever `startIndex` asks.
    IgnoresStartIndex,
    /// `total` is this many more than there are.
    InflatesTotal(usize),
}

pub struct FakePortal {
    server: http::Server,
    state: Arc<Mutex<State>>,
    holds: Arc<Mutex<Vec<Arc<HeldRequest>>>>,
}

/// A request the portal holds before it answers (outside its state's lock), until the
/// test lets it go: so a test can act at an exact moment of a run, counted in
/// requests, not in time. Once let go (or dropped) the request is answered as usual,
/// so a request the tool sent is done by the portal even if the tool is gone.
pub struct Hold(Arc<HeldRequest>);

struct HeldRequest {
    method: String,
    path: String,
    /// (requests still to pass, arrived, let go)
    state: Mutex<(usize, bool, bool)>,
    changed: Condvar,
}

impl HeldRequest {
    /// Whether `request` is the one to hold (counting it otherwise).
    fn takes(&self, request: &Request) -> bool {
        if (!self.method.is_empty() && request.method != self.method)
            || !request.path.starts_with(&self.path)
        {
            return false;
        }
        let mut state = self.state.lock().unwrap();
        if state.1 {
            return false;
        }
        if state.0 > 0 {
            state.0 -= 1;
            return false;
        }
        state.1 = true;
        self.changed.notify_all();
        true
    }

    fn wait_until_let_go(&self) {
        let mut state = self.state.lock().unwrap();
        while !state.2 {
            state = self.changed.wait(state).unwrap();
        }
    }
}

impl Hold {
    /// Waits until the held request has arrived, or `gone()` says it never will (the
    /// run ended first); returns whether it arrived.
    pub fn arrived_unless(&self, mut gone: impl FnMut() -> bool) -> bool {
        let mut state = self.0.state.lock().unwrap();
        loop {
            if state.1 {
                return true;
            }
            if gone() {
                return false;
            }
            state = self
                .0
                .changed
                .wait_timeout(state, Duration::from_millis(10))
                .unwrap()
                .0;
        }
    }

    /// Lets the held request (or the one still to come) through.
    pub fn let_go(&self) {
        self.0.state.lock().unwrap().2 = true;
        self.0.changed.notify_all();
    }
}

impl Drop for Hold {
    fn drop(&mut self) {
        self.let_go();
    }
}

/// A caller (an admin), its key, and a guest another admin shared with it by `link`:
/// the smallest world (`FakePortal::demo`), or the demo portal (`FakePortal::seeded`).
pub struct Demo {
    pub portal: FakePortal,
    pub admin: String,
    pub admin_key: String,
    pub guest: String,
    pub guest_email: String,
    pub link: ShareLink,
}

impl FakePortal {
    pub fn start() -> FakePortal {
        FakePortal::serve(None)
    }

    /// The portal behind TLS, at https://127.0.0.1:<port>.
    pub fn start_tls(config: Arc<rustls::ServerConfig>) -> FakePortal {
        FakePortal::serve(Some(config))
    }

    fn serve(tls: Option<Arc<rustls::ServerConfig>>) -> FakePortal {
        let scheme = if tls.is_some() { "https" } else { "http" };
        let state = Arc::new(Mutex::new(State::default()));
        let holds: Arc<Mutex<Vec<Arc<HeldRequest>>>> = Arc::default();
        let (handler_state, handler_holds) = (state.clone(), holds.clone());
        let handler = Arc::new(move |request: &Request| {
            let held = handler_holds
                .lock()
                .unwrap()
                .iter()
                .find(|h| h.takes(request))
                .cloned();
            if let Some(held) = held {
                held.wait_until_let_go();
            }
            handler_state.lock().unwrap().answer(request)
        });
        let server = http::Server::start(handler, tls);
        state.lock().unwrap().base = format!("{scheme}://{}", server.addr);
        FakePortal {
            server,
            state,
            holds,
        }
    }

    /// The smallest world: an admin whose key has the `accounts` scopes, and one guest
    /// another admin shared with it.
    pub fn demo() -> Demo {
        let portal = FakePortal::start();
        let sharer = portal.add_user(Role::Admin, "Alice", "Sharer", "alice@example.com");
        let admin = portal.add_user(Role::Admin, "Dan", "Admin", "dan@example.com");
        let admin_key = portal.add_api_key(&admin, &["accounts:read", "accounts:write"]);
        let guest_email = "jane.oneil@example.com".to_string();
        let guest = portal.invite_guest(&sharer, "Jane", "O'Neil & Co", &guest_email);
        let link = portal.share_guest(&sharer, &guest);
        Demo {
            portal,
            admin,
            admin_key,
            guest,
            guest_email,
            link,
        }
    }

    pub fn url(&self) -> String {
        self.state.lock().unwrap().base.clone()
    }

    pub fn short_url(&self, link: &ShareLink) -> String {
        format!("{}/s/{}", self.url(), link.short)
    }

    pub fn full_url(&self, link: &ShareLink) -> String {
        format!("{}/confirm/GuestShareLink?{}", self.url(), link.query())
    }

    pub fn requests(&self) -> Vec<Request> {
        self.server.requests()
    }

    pub fn add_user(&self, role: Role, first: &str, last: &str, email: &str) -> String {
        self.state
            .lock()
            .unwrap()
            .add_user(role, first, last, email, None)
    }

    /// A guest invited by `inviter`, and so on the inviter's guest list.
    pub fn invite_guest(&self, inviter: &str, first: &str, last: &str, email: &str) -> String {
        let mut state = self.state.lock().unwrap();
        let guest = state.add_user(Role::Guest, first, last, email, Some(inviter));
        state.guest_lists.push((inviter.to_string(), guest.clone()));
        guest
    }

    /// A guest on another admin's list, not on the caller's: delete refuses it.
    pub fn someone_elses_guest(&self, email: &str) -> String {
        let other = self.add_user(Role::Admin, "Sam", "Stranger", &format!("sam.{email}"));
        self.invite_guest(&other, "Nina", "NotYours", email)
    }

    /// A guest on `owner`'s own list.
    pub fn own_guest(&self, owner: &str, email: &str) -> String {
        self.invite_guest(owner, "Olive", "Own", email)
    }

    pub fn add_api_key(&self, user: &str, scopes: &[&str]) -> String {
        let mut state = self.state.lock().unwrap();
        let secret = format!("sk-{}{}", hex64(state.next()), hex64(state.next()));
        state.keys.push(ApiKey {
            secret: secret.clone(),
            user: user.to_string(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
        });
        secret
    }

    /// An opaque token as `POST /api/2.0/authentication` hands out.
    pub fn add_login_token(&self, user: &str) -> String {
        let mut state = self.state.lock().unwrap();
        let token = format!("{}{}", hex64(state.next()), hex64(state.next()));
        state.login_tokens.push((token.clone(), user.to_string()));
        token
    }

    pub fn share_guest(&self, sharer: &str, guest: &str) -> ShareLink {
        self.state.lock().unwrap().share(sharer, guest)
    }

    pub fn expire_link(&self, link: &ShareLink) {
        let mut state = self.state.lock().unwrap();
        for stored in state.links.iter_mut().filter(|l| l.key == link.key) {
            stored.expired = true;
        }
    }

    pub fn guest_list(&self, owner: &str) -> Vec<String> {
        let state = self.state.lock().unwrap();
        state
            .guest_lists
            .iter()
            .filter(|(o, _)| o == owner)
            .map(|(_, g)| g.clone())
            .collect()
    }

    pub fn user(&self, id: &str) -> Option<User> {
        self.state.lock().unwrap().find(id).cloned()
    }

    /// The account is gone, as after a permanent deletion by someone else.
    pub fn remove_user(&self, id: &str) {
        let mut state = self.state.lock().unwrap();
        state.users.retain(|u| u.id != id);
        state.lost(&[id.to_string()]);
    }

    /// `registrationDate` as the portal writes it: any text, for the odd forms.
    pub fn set_registered(&self, id: &str, text: &str) {
        let mut state = self.state.lock().unwrap();
        if let Some(user) = state.users.iter_mut().find(|u| u.id == id) {
            user.registered = text.to_string();
        }
    }

    /// Registered `days` days (and an hour) ago, in the portal's usual form.
    pub fn registered_days_ago(&self, id: &str, days: u64) {
        let when = std::time::SystemTime::now() - Duration::from_secs(days * 86_400 + 3600);
        let text = docspace_guest::date::format_utc(when);
        self.set_registered(
            id,
            &format!("{}T{}.0000000+00:00", &text[..10], &text[11..19]),
        );
    }

    /// 0 not activated, 1 activated (signed up), 2 pending.
    pub fn set_activation(&self, id: &str, activation: u8) {
        let mut state = self.state.lock().unwrap();
        if let Some(user) = state.users.iter_mut().find(|u| u.id == id) {
            user.activation = activation;
        }
    }

    pub fn set_status(&self, id: &str, status: u8) {
        let mut state = self.state.lock().unwrap();
        if let Some(user) = state.users.iter_mut().find(|u| u.id == id) {
            user.status = status;
        }
    }

    /// Holds the request after the first `skip` whose method is `method` (any, when
    /// empty) and whose path starts with `path`; see `Hold`.
    pub fn hold(&self, method: &str, path: &str, skip: usize) -> Hold {
        let held = Arc::new(HeldRequest {
            method: method.to_string(),
            path: path.to_string(),
            state: Mutex::new((skip, false, false)),
            changed: Condvar::new(),
        });
        self.holds.lock().unwrap().push(held.clone());
        Hold(held)
    }

    /// Requests whose path starts with `path`: the first `skip` pass, the next `times`
    /// are answered with `answer`.
    pub fn fault(&self, path: &str, skip: usize, times: usize, answer: Answer) {
        self.state.lock().unwrap().faults.push(Fault {
            path: path.to_string(),
            skip,
            times,
            answer,
        });
    }

    /// Plays `release`; `configured` says whether `settings/version/build` reports it
    /// or the placeholder of a deployment that configured no version.
    pub fn set_release(&self, release: Release, configured: bool) {
        let mut state = self.state.lock().unwrap();
        state.release = Some(release);
        state.version_configured = configured;
    }

    /// Quotes each request's `Authorization` back, as a debugging proxy or a careless
    /// error page does: in an `X-Seen-Authorization` header of every answer, and
    /// wherever `ECHO` stands in an answer's body (a fault's message, a user's name).
    pub fn echo_authorization(&self) {
        self.state.lock().unwrap().echo = true;
    }

    pub fn set_paging(&self, paging: Paging) {
        self.state.lock().unwrap().paging = paging;
    }

    pub fn set_lenient(&self, lenient: bool) {
        self.state.lock().unwrap().lenient = lenient;
    }

    /// The rate limiter's answer: 429, `Retry-After`, no body.
    pub fn too_many_requests(retry_after_secs: u64) -> Answer {
        Answer::Send(
            Response::new(429, "")
                .with_header("Retry-After", retry_after_secs.to_string())
                .with_header("X-RateLimit-Limit", "1500")
                .with_header("X-RateLimit-Remaining", "0")
                .with_header("X-RateLimit-Reset", retry_after_secs.to_string()),
        )
    }

    pub fn delayed(delay: Duration, answer: Answer) -> Answer {
        Answer::After(delay, Box::new(answer))
    }
}

impl State {
    fn next(&mut self) -> u64 {
        self.counter += 1;
        splitmix(self.counter)
    }

    fn next_guid(&mut self) -> String {
        let (a, b) = (self.next(), self.next());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            8 + (b >> 62),
            (b >> 48) & 0xfff,
            b & 0xffff_ffff_ffff
        )
    }

    fn add_user(
        &mut self,
        role: Role,
        first: &str,
        last: &str,
        email: &str,
        by: Option<&str>,
    ) -> String {
        let id = self.next_guid();
        let day = 1 + self.users.len() % 28;
        self.users.push(User {
            id: id.clone(),
            email: email.to_string(),
            first_name: first.to_string(),
            last_name: last.to_string(),
            role,
            status: 1,
            activation: if role == Role::Guest { 2 } else { 1 },
            created_by: by.map(str::to_string),
            registered: format!("2026-03-{day:02}T09:30:00.0000000+00:00"),
            terminated: None,
        });
        id
    }

    fn share(&mut self, sharer: &str, guest: &str) -> ShareLink {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let mut bits = self.next();
        let short: String = (0..15)
            .map(|_| {
                let c = ALPHABET[(bits % 62) as usize] as char;
                bits = bits / 62 + 7919;
                c
            })
            .collect();
        let link = ShareLink {
            short,
            key: format!(
                "{}.{}",
                638_000_000_000u64 + self.counter,
                hex64(self.next()).to_uppercase()
            ),
            encemail: hex64(self.next()),
            sharer: sharer.to_string(),
            guest: guest.to_string(),
            expired: false,
        };
        self.links.push(link.clone());
        link
    }

    /// Deleted accounts: off every list, and "lost user" as the inviter of their guests.
    fn forget(&mut self, ids: &[String]) {
        self.users.retain(|u| !ids.contains(&u.id));
        self.guest_lists
            .retain(|(o, g)| !ids.contains(o) && !ids.contains(g));
        self.links.retain(|l| !ids.contains(&l.guest));
        self.lost(ids);
    }

    fn lost(&mut self, ids: &[String]) {
        for user in &mut self.users {
            if user.created_by.as_ref().is_some_and(|by| ids.contains(by)) {
                user.created_by = Some(LOST_USER.to_string());
            }
        }
    }

    fn find(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    fn on_list(&self, owner: &str, guest: &str) -> bool {
        self.guest_lists
            .iter()
            .any(|(o, g)| o == owner && g == guest)
    }
}

/// The id DocSpace puts in `createdBy` once the inviter was deleted.
pub const LOST_USER: &str = "4a515a15-d4d6-4b8e-828e-e0586f18f3a3";

fn hex64(n: u64) -> String {
    format!("{n:016x}{:016x}", splitmix(n))
}

fn splitmix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
