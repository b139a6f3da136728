//! A fake ONLYOFFICE DocSpace portal that behaves as ../shared/docspace-api.md says the
//! real one does: the Authorization rules, empty-bodied 401/403/429, the envelopes,
//! guest sharing links with short-link redirects, approve by `confirm` header,
//! all-or-nothing delete. It plays 3.7.2 unless `set_release` picks an older release,
//! whose guest endpoints then follow the page's "Releases" table. The test suite and
//! `make demo` both run it.
//!
//! Simplification: every caller, admin or not, has an explicit guest list (the guests
//! it invited or approved); delete acts on that list, as it does on the real server.

// The test binary and the demo each use a part of this module.
#![allow(dead_code)]

pub mod http;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

pub use http::{Answer, Request, Response};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Owner,
    Admin,
    RoomAdmin,
    User,
    Guest,
}

/// The releases whose guest endpoints differ ("Releases" in docspace-api.md).
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
}

pub struct Portal {
    server: http::Server,
    state: Arc<Mutex<State>>,
}

/// The demo's world: an admin (the caller) to whom another admin shared a guest.
pub struct Demo {
    pub portal: Portal,
    pub admin: String,
    pub admin_key: String,
    pub guest: String,
    pub guest_email: String,
    pub link: ShareLink,
}

impl Portal {
    pub fn start() -> Portal {
        Portal::serve(None)
    }

    /// The portal behind TLS, at https://127.0.0.1:<port>.
    pub fn start_tls(config: Arc<rustls::ServerConfig>) -> Portal {
        Portal::serve(Some(config))
    }

    fn serve(tls: Option<Arc<rustls::ServerConfig>>) -> Portal {
        let scheme = if tls.is_some() { "https" } else { "http" };
        let state = Arc::new(Mutex::new(State::default()));
        let handler_state = state.clone();
        let handler =
            Arc::new(move |request: &Request| handler_state.lock().unwrap().answer(request));
        let server = http::Server::start(handler, tls);
        state.lock().unwrap().base = format!("{scheme}://{}", server.addr);
        Portal { server, state }
    }

    pub fn demo() -> Demo {
        let portal = Portal::start();
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

    /// A user as `caller` sees it: `createdBy` only for DocSpace admins.
    fn shown(&self, user: &User, caller: &str) -> Value {
        let mut value = user_json(user);
        let admin = matches!(
            self.find(caller).map(|c| c.role),
            Some(Role::Owner | Role::Admin)
        );
        match &user.created_by {
            Some(by) if admin => {
                let name = self.find(by).map_or("Profile removed".to_string(), |u| {
                    format!("{} {}", u.first_name, u.last_name)
                });
                value["createdBy"] = json!({ "id": by, "displayName": html_encode(&name) });
            }
            _ => {}
        }
        value
    }

    fn find(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    fn on_list(&self, owner: &str, guest: &str) -> bool {
        self.guest_lists
            .iter()
            .any(|(o, g)| o == owner && g == guest)
    }

    fn answer(&mut self, request: &Request) -> Answer {
        match self.take_fault(&request.path) {
            Some(Answer::Lost) => {
                self.route(request);
                Answer::Lost
            }
            Some(fault) => fault,
            None => self.route(request),
        }
    }

    fn route(&mut self, request: &Request) -> Answer {
        let path = request.path.as_str();
        if let Some(short) = path.strip_prefix("/s/") {
            return self.short_link(short);
        }
        if path == "/" || path.starts_with("/confirm/") {
            return Answer::Send(
                Response::new(200, "<html><body>DocSpace</body></html>")
                    .with_header("Content-Type", "text/html"),
            );
        }
        let Some(route) = path.strip_prefix("/api/2.0/") else {
            return empty(404);
        };
        if request.method == "GET" && route == "settings/version/build" {
            return self.version(request);
        }
        let caller = match self.authenticate(request) {
            Ok(caller) => caller,
            Err(answer) => return answer,
        };
        let reply = Reply {
            request,
            base: self.base.clone(),
        };
        let segments: Vec<&str> = route.split('/').collect();
        match (request.method.as_str(), segments.as_slice()) {
            ("GET", ["people", "@self"]) => {
                let user = user_json(self.find(&caller).unwrap());
                reply.ok(user, 1)
            }
            ("POST", ["people", "guests", "share", "approve"]) => self.approve(&reply, &caller),
            ("DELETE", ["people", "guests"]) => self.delete_guests(&reply, &caller),
            ("GET", ["people", "guests", id, "share"]) => self.sharing_link(&reply, &caller, id),
            ("GET", ["people", "email"]) => self.by_email(&reply, &caller),
            ("GET", ["people", "filter"]) => self.filter(&reply, &caller),
            ("PUT", ["people", "status", status @ ("1" | "2")]) => {
                self.set_status(&reply, &caller, if *status == "1" { 1 } else { 2 })
            }
            ("PUT", ["people", "delete"]) => self.delete_accounts(&reply, &caller),
            _ => empty(404),
        }
    }

    fn release(&self) -> Release {
        self.release.unwrap_or(Release::V3_7_2)
    }

    /// Anonymous: the deployment's configured version, or its placeholder.
    fn version(&self, request: &Request) -> Answer {
        let release = self.release();
        let number = if self.release.is_none() || self.version_configured {
            release.number()
        } else {
            release.unconfigured_number()
        };
        let reply = Reply {
            request,
            base: self.base.clone(),
        };
        let build = json!({ "docSpace": number, "communityServer": "12.7.0.1", "documentServer": "9.0.4.50" });
        reply.ok(build, 1)
    }

    fn take_fault(&mut self, path: &str) -> Option<Answer> {
        let fault = self
            .faults
            .iter_mut()
            .find(|f| path.starts_with(&f.path) && f.times > 0)?;
        if fault.skip > 0 {
            fault.skip -= 1;
            return None;
        }
        fault.times -= 1;
        Some(fault.answer.clone())
    }

    fn short_link(&self, short: &str) -> Answer {
        let target = match self.links.iter().find(|l| l.short == short) {
            Some(link) => format!("{}/confirm/GuestShareLink?{}", self.base, link.query()),
            None => format!("{}/", self.base),
        };
        Answer::Send(Response::new(302, "").with_header("Location", target))
    }

    /// The header rules of the real server; every failure is 401 with no body.
    fn authenticate(&self, request: &Request) -> Result<String, Answer> {
        let header = request.header("authorization").ok_or_else(|| empty(401))?;
        let (bearer, value) = match header.strip_prefix("Bearer ") {
            Some(value) => (true, value),
            None => (false, header),
        };
        let key = if value.starts_with("sk-") {
            if !bearer && !self.lenient {
                return Err(empty(401));
            }
            self.keys
                .iter()
                .find(|k| k.secret == value)
                .ok_or_else(|| empty(401))?
        } else if header.starts_with("Basic ") || (bearer && value.split('.').count() == 3) {
            // Passwords and OAuth are not modelled: no such credential is valid here.
            return Err(empty(401));
        } else {
            let (_, user) = self
                .login_tokens
                .iter()
                .find(|(token, _)| token == value)
                .ok_or_else(|| empty(401))?;
            return Ok(user.clone());
        };
        let scopes = |wanted: &[&str]| key.scopes.iter().any(|s| wanted.contains(&s.as_str()));
        let allowed = if request.method == "GET" {
            scopes(&["accounts:read", "accounts:write", "*:read", "*:write"])
        } else {
            scopes(&["accounts:write", "*:write"])
        };
        if !allowed {
            return Err(empty(403));
        }
        Ok(key.user.clone())
    }

    fn approve(&mut self, reply: &Reply, caller: &str) -> Answer {
        let release = self.release();
        if release == Release::V3_0 {
            return empty(404);
        }
        let link = match reply.request.header("confirm") {
            Some(confirm) => {
                let param = |name: &str| {
                    confirm
                        .split('&')
                        .filter_map(|p| p.split_once('='))
                        .find(|(k, _)| *k == name)
                        .map(|(_, v)| v.to_string())
                };
                let found = self.links.iter().find(|l| {
                    param("type").as_deref() == Some("GuestShareLink")
                        && param("key").as_deref() == Some(l.key.as_str())
                        && param("encemail").as_deref() == Some(l.encemail.as_str())
                        && param("uid").as_deref() == Some(l.sharer.as_str())
                });
                match found {
                    Some(link) if !link.expired => link.clone(),
                    _ => return empty(401),
                }
            }
            None if self.lenient => {
                let email = body_json(reply.request)
                    .ok()
                    .and_then(|b| b["email"].as_str().map(str::to_string));
                let guest = self
                    .users
                    .iter()
                    .find(|u| Some(&u.email) == email.as_ref())
                    .map(|u| u.id.clone());
                match self.links.iter().find(|l| Some(&l.guest) == guest.as_ref()) {
                    Some(link) => link.clone(),
                    None => return error(404, "User not found"),
                }
            }
            None => return empty(403),
        };
        let body = match body_json(reply.request) {
            Ok(body) => body,
            Err(answer) => return answer,
        };
        match body.get("email").and_then(Value::as_str) {
            None => return invalid("email", "The Email field is required."),
            Some(email) if !valid_email(email) => {
                return invalid("email", "The Email field is not a valid e-mail address.");
            }
            Some(_) => {}
        }
        let role = self.find(caller).unwrap().role;
        if matches!(role, Role::User | Role::Guest) {
            return error(403, "Access denied");
        }
        // 3.1 to 3.4 take the guest from the body's email, later releases from the link.
        let named = if release == Release::V3_1 {
            let email = body["email"].as_str().unwrap_or_default();
            self.users
                .iter()
                .find(|u| u.email.eq_ignore_ascii_case(email))
                .cloned()
        } else {
            self.find(&link.guest).cloned()
        };
        let Some(guest) = named else {
            return error(404, "User not found");
        };
        if guest.role != Role::Guest {
            return if release >= Release::V3_6 {
                error(400, "User is not a guest")
            } else {
                error(403, "Access denied")
            };
        }
        if !self.on_list(caller, &guest.id) {
            self.guest_lists
                .push((caller.to_string(), guest.id.clone()));
        }
        reply.ok(user_json(&guest), 1)
    }

    fn delete_guests(&mut self, reply: &Reply, caller: &str) -> Answer {
        let old = self.release().delete_skips_silently();
        let ids = match user_ids(reply.request) {
            Ok(ids) => ids,
            Err(_) if old && body_json(reply.request).is_ok_and(|b| b.get("userIds").is_none()) => {
                return error(500, "Value cannot be null. (Parameter 'source')");
            }
            Err(answer) => return answer,
        };
        let allowed: &[Role] = if old {
            &[Role::RoomAdmin]
        } else {
            &[Role::Owner, Role::Admin, Role::RoomAdmin]
        };
        if !allowed.contains(&self.find(caller).unwrap().role) {
            return error(403, "Access denied");
        }
        let deletable = |id: &String| {
            self.find(id)
                .is_some_and(|u| u.role == Role::Guest && u.status == 1)
                && self.on_list(caller, id)
        };
        // 3.7.1+: one id that may not be removed refuses the whole call; before, such
        // ids are skipped and the answer is the same 200.
        let removed: Vec<String> = ids.iter().filter(|id| deletable(id)).cloned().collect();
        if !old && removed.len() != ids.len() {
            return error(403, "Access denied");
        }
        self.guest_lists
            .retain(|(o, g)| !(o == caller && removed.contains(g)));
        reply.done()
    }

    fn sharing_link(&mut self, reply: &Reply, caller: &str, id: &str) -> Answer {
        let role = self.find(caller).unwrap().role;
        if !matches!(role, Role::Owner | Role::Admin | Role::RoomAdmin) {
            return error(403, "Access denied");
        }
        let Some(guest) = self.find(id).cloned() else {
            return error(404, "User not found");
        };
        if guest.role != Role::Guest {
            return error(400, "User is not a guest");
        }
        if role == Role::RoomAdmin && !self.on_list(caller, id) {
            return error(403, "Access denied");
        }
        let link = self.share(caller, id);
        let short = format!("{}/s/{}", self.base, link.short);
        reply.ok(json!(short), 1)
    }

    fn by_email(&self, reply: &Reply, caller: &str) -> Answer {
        let wanted = reply.request.param("email").unwrap_or_default();
        let Some(user) = self
            .users
            .iter()
            .find(|u| u.email.eq_ignore_ascii_case(&wanted))
        else {
            return error(404, "The user could not be found");
        };
        if !self.may_see(caller, user) {
            return error(403, "Access denied");
        }
        reply.ok(user_json(user), 1)
    }

    fn may_see(&self, caller: &str, user: &User) -> bool {
        match self.find(caller).unwrap().role {
            Role::Owner | Role::Admin => true,
            Role::RoomAdmin | Role::User => {
                user.role != Role::Guest || self.on_list(caller, &user.id)
            }
            Role::Guest => user.id == caller,
        }
    }

    fn filter(&self, reply: &Reply, caller: &str) -> Answer {
        let request = reply.request;
        let count: usize = match request.param("count").map(|c| c.parse::<usize>()) {
            None => 100,
            Some(Ok(count @ 1..=100)) => count,
            Some(_) => return invalid("count", "The field count must be between 1 and 100."),
        };
        let start: usize = request
            .param("startIndex")
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        // Without an area: the users who are not guests.
        let guests = match request.param("area").as_deref() {
            Some("Guests") => true,
            None => false,
            Some(_) => return error(400, "Only area=Guests is modelled by the test portal"),
        };
        if matches!(self.find(caller).unwrap().role, Role::User | Role::Guest) {
            return error(403, "Access denied");
        }
        let text = request
            .param("filterValue")
            .unwrap_or_default()
            .to_lowercase();
        let inviter = request.param("inviterId");
        let status = request
            .param("employeeStatus")
            .and_then(|s| s.parse::<u8>().ok());
        let activation = request
            .param("activationStatus")
            .and_then(|s| s.parse::<u8>().ok());
        let matching: Vec<&User> = self
            .users
            .iter()
            .filter(|u| (u.role == Role::Guest) == guests && self.may_see(caller, u))
            .filter(|u| {
                text.is_empty()
                    || format!("{} {} {}", u.first_name, u.last_name, u.email)
                        .to_lowercase()
                        .contains(&text)
            })
            .filter(|u| inviter.is_none() || u.created_by == inviter)
            .filter(|u| status.is_none_or(|s| u.status == s))
            .filter(|u| activation.is_none_or(|a| u.activation == a))
            .collect();
        let page: Vec<Value> = matching
            .iter()
            .skip(start)
            .take(count)
            .map(|u| self.shown(u, caller))
            .collect();
        let mut answer = reply.envelope(Some(json!(page)), page.len());
        answer["total"] = json!(matching.len());
        Answer::Send(Response::json(200, &answer))
    }

    /// PUT people/status/1 or /2. Enabling a user who never signed up leaves them
    /// pending, as the real server does.
    fn set_status(&mut self, reply: &Reply, caller: &str, status: u8) -> Answer {
        let ids = match user_ids(reply.request) {
            Ok(ids) => ids,
            Err(answer) => return answer,
        };
        if !matches!(self.find(caller).unwrap().role, Role::Owner | Role::Admin) {
            return error(403, "Access denied");
        }
        let mut updated = Vec::new();
        for user in self
            .users
            .iter_mut()
            .filter(|u| ids.contains(&u.id) && u.role != Role::Owner && u.id != caller)
        {
            user.status = status;
            updated.push(user_json(user));
        }
        let count = updated.len();
        reply.ok(json!(updated), count)
    }

    fn delete_accounts(&mut self, reply: &Reply, caller: &str) -> Answer {
        let ids = match user_ids(reply.request) {
            Ok(ids) => ids,
            Err(answer) => return answer,
        };
        if !matches!(self.find(caller).unwrap().role, Role::Owner | Role::Admin) {
            return error(403, "Access denied");
        }
        if self
            .users
            .iter()
            .any(|u| ids.contains(&u.id) && u.status != 2)
        {
            return error(403, "Users are not suspended");
        }
        let deleted: Vec<Value> = self
            .users
            .iter()
            .filter(|u| ids.contains(&u.id))
            .map(user_json)
            .collect();
        self.forget(&ids);
        let count = deleted.len();
        reply.ok(json!(deleted), count)
    }
}

/// Builds the success envelopes of one request.
struct Reply<'a> {
    request: &'a Request,
    base: String,
}

impl Reply<'_> {
    fn envelope(&self, response: Option<Value>, count: usize) -> Value {
        let mut href = format!("{}{}", self.base, self.request.path);
        if !self.request.query.is_empty() {
            href = format!("{href}?{}", self.request.query);
        }
        let mut envelope = json!({
            "count": count,
            "links": [{ "href": href, "action": self.request.method }],
            "status": 0,
            "statusCode": 200,
        });
        if let Some(response) = response {
            envelope["response"] = response;
        }
        envelope
    }

    fn ok(&self, response: Value, count: usize) -> Answer {
        Answer::Send(Response::json(200, &self.envelope(Some(response), count)))
    }

    /// A call that returns nothing: the envelope without `response`.
    fn done(&self) -> Answer {
        Answer::Send(Response::json(200, &self.envelope(None, 0)))
    }
}

fn empty(status: u16) -> Answer {
    Answer::Send(Response::new(status, ""))
}

fn error(status: u16, message: &str) -> Answer {
    let kind = if status == 403 {
        "System.Security.SecurityException"
    } else {
        "System.ArgumentException"
    };
    Answer::Send(Response::json(
        status,
        &json!({
            "error": { "message": message, "type": kind, "stack": "", "hresult": -2146233078 },
            "status": 1,
            "statusCode": status,
        }),
    ))
}

/// ASP.NET model validation: the problem details inside `response`.
pub fn invalid(field: &str, message: &str) -> Answer {
    Answer::Send(Response::json(
        400,
        &json!({
            "response": {
                "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
                "title": "One or more validation errors occurred.",
                "status": 400,
                "errors": { field: [message] },
            },
            "status": 1,
            "statusCode": 400,
        }),
    ))
}

fn body_json(request: &Request) -> Result<Value, Answer> {
    serde_json::from_str(&request.body)
        .map_err(|e| invalid("$", &format!("The JSON value could not be converted: {e}")))
}

/// `{"userIds": [<guid>…]}`, validated as the server's model binder does.
fn user_ids(request: &Request) -> Result<Vec<String>, Answer> {
    let body = body_json(request)?;
    let Some(ids) = body.get("userIds").and_then(Value::as_array) else {
        return Err(invalid("userIds", "The userIds field is required."));
    };
    ids.iter()
        .enumerate()
        .map(|(i, id)| {
            id.as_str()
                .filter(|s| is_guid(s))
                .map(str::to_lowercase)
                .ok_or_else(|| {
                    invalid(
                        &format!("$.userIds[{i}]"),
                        "The JSON value could not be converted to System.Guid.",
                    )
                })
        })
        .collect()
}

fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

fn valid_email(text: &str) -> bool {
    matches!(text.split_once('@'), Some((local, domain)) if !local.is_empty() && !domain.is_empty() && !domain.contains('@'))
}

fn user_json(user: &User) -> Value {
    let admin = matches!(user.role, Role::Owner | Role::Admin);
    let value = json!({
        "id": user.id,
        "displayName": html_encode(&format!("{} {}", user.first_name, user.last_name)),
        "email": user.email,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "status": user.status,
        "activationStatus": user.activation,
        "isVisitor": user.role == Role::Guest,
        "isAdmin": admin,
        "isRoomAdmin": user.role == Role::RoomAdmin,
        "isOwner": user.role == Role::Owner,
        "isCollaborator": user.role == Role::User,
        "registrationDate": user.registered,
    });
    value
}

fn html_encode(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Runs openssl in `dir` and returns what it printed; the TLS tests and the bench make
/// their throwaway certificates with it.
pub fn openssl(dir: &std::path::Path, args: &[&str]) -> String {
    let out = std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl is needed for the TLS tests (apt-get install openssl)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The options of a new, unencrypted P-256 key.
pub const EC_KEY: [&str; 5] = [
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
];

/// A throwaway CA named `name` in `dir`: ca.key and ca.pem, valid two days.
pub fn make_ca(dir: &std::path::Path, name: &str) {
    let subject = format!("/CN={name}");
    let mut args = vec!["req", "-x509", "-days", "2", "-subj", &subject];
    args.extend(EC_KEY);
    args.extend([
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign",
    ]);
    openssl(dir, &args);
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
