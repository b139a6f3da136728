//! The endpoints of the fake portal and the real server's rules they follow: who may
//! call what, with which credential, on which release, and the answers' envelopes.

use serde_json::{Value, json};

use super::http::{Answer, Request, Response};
use super::{Paging, Release, Role, State, User};

impl State {
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

    /// What the portal answers `request`: a fault if one is due, else the rules below.
    pub(super) fn answer(&mut self, request: &Request) -> Answer {
        let answer = match self.take_fault(&request.path) {
            Some(Answer::Lost) => {
                self.route(request);
                Answer::Lost
            }
            Some(fault) => fault,
            None => self.route(request),
        };
        if self.echo {
            echo(answer, request.header("authorization").unwrap_or_default())
        } else {
            answer
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
        if request.method == "GET" && route == "keys/@self" {
            return self.key_itself(request);
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
            ("GET", ["people", id]) => self.by_id(&reply, &caller, id),
            ("PUT", ["people", "status", status @ ("1" | "2")]) => {
                self.set_status(&reply, &caller, if *status == "1" { 1 } else { 2 })
            }
            ("PUT", ["people", "delete"]) => self.delete_accounts(&reply, &caller),
            ("GET", ["portal", "quota"]) => self.quota(&reply, &caller),
            ("GET", ["security", "audit", "settings", "lifetime"]) => {
                self.audit_lifetime(&reply, &caller)
            }
            ("GET", ["security", "audit", "login", "filter"]) => self.login_events(&reply, &caller),
            ("GET", ["security", "audit", "events", "filter"]) => {
                self.audit_events(&reply, &caller)
            }
            (method, ["files", "rooms", rest @ ..]) => self.rooms(&reply, &caller, method, rest),
            _ => empty(404),
        }
    }

    /// GET keys/@self (3.1+): any valid key may read its own record, whatever its
    /// scopes; the record holds the key itself, which the tool must never print.
    fn key_itself(&self, request: &Request) -> Answer {
        if self.release() == Release::V3_0 {
            return empty(404);
        }
        let header = request.header("authorization").unwrap_or_default();
        let Some(key) = self
            .keys
            .iter()
            .find(|k| header.strip_prefix("Bearer ") == Some(k.secret.as_str()))
        else {
            return empty(401);
        };
        let reply = Reply {
            request,
            base: self.base.clone(),
        };
        let record = json!({
            "id": "7d0c5c8e-0000-4000-8000-00000000a11e",
            "name": "ops",
            "key": key.secret,
            "keyPostfix": &key.secret[key.secret.len() - 4..],
            "permissions": key.scopes,
            "isActive": true,
        });
        reply.ok(record, 1)
    }

    pub(super) fn release(&self) -> Release {
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
        // No area's scope covers the login history or the plan ("Login history"): only *:read or *:write.
        let every_area = ["/api/2.0/security/", "/api/2.0/portal/"]
            .iter()
            .any(|area| request.path.starts_with(area));
        // Rooms are the `rooms` area's, people the `accounts` area's.
        let area = if request.path.starts_with("/api/2.0/files/") {
            "rooms"
        } else {
            "accounts"
        };
        let (read, write) = (format!("{area}:read"), format!("{area}:write"));
        let allowed = if every_area {
            scopes(&["*:read", "*:write"])
        } else if request.method == "GET" {
            scopes(&[&read, &write, "*:read", "*:write"])
        } else {
            scopes(&[&write, "*:write"])
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

    /// GET people/{id}: 404 for an unknown or deleted user.
    fn by_id(&self, reply: &Reply, caller: &str, id: &str) -> Answer {
        match self.users.iter().find(|u| u.id.eq_ignore_ascii_case(id)) {
            None => error(404, "The user could not be found"),
            Some(user) if !self.may_see(caller, user) => error(403, "Access denied"),
            Some(user) => reply.ok(self.shown(user, caller), 1),
        }
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
        let (start, count) = match paging(request, false) {
            Ok(paging) => paging,
            Err(answer) => return answer,
        };
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
        // Below a DocSpace admin, disabled users are left out of every listing.
        let admin = self.is_docspace_admin(caller);
        let matching: Vec<&User> = self
            .users
            .iter()
            .filter(|u| (u.role == Role::Guest) == guests && self.may_see(caller, u))
            .filter(|u| admin || u.status != 2)
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
        let (start, extra) = match self.paging {
            Paging::Honest => (start, 0),
            Paging::IgnoresStartIndex => (0, 0),
            Paging::InflatesTotal(extra) => (start, extra),
        };
        let page: Vec<Value> = matching
            .iter()
            .skip(start)
            .take(count)
            .map(|u| self.shown(u, caller))
            .collect();
        let mut answer = reply.envelope(Some(json!(page)), page.len());
        answer["total"] = json!(matching.len() + extra);
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
        // The owner or yourself refuses the whole call: nothing changes, no event.
        if self
            .users
            .iter()
            .any(|u| ids.contains(&u.id) && (u.role == Role::Owner || u.id == caller))
        {
            return error(403, "Access denied");
        }
        let mut updated = Vec::new();
        for user in self.users.iter_mut().filter(|u| ids.contains(&u.id)) {
            user.status = status;
            updated.push(user_json(user));
        }
        // One event per call, naming every id asked for, whatever changed.
        self.trail.status_changed(&ids);
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
pub(super) struct Reply<'a> {
    pub(super) request: &'a Request,
    base: String,
}

impl Reply<'_> {
    pub(super) fn envelope(&self, response: Option<Value>, count: usize) -> Value {
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

    pub(super) fn ok(&self, response: Value, count: usize) -> Answer {
        Answer::Send(Response::json(200, &self.envelope(Some(response), count)))
    }

    /// A call that returns nothing: the envelope without `response`.
    fn done(&self) -> Answer {
        Answer::Send(Response::json(200, &self.envelope(None, 0)))
    }
}

pub(super) fn empty(status: u16) -> Answer {
    Answer::Send(Response::new(status, ""))
}

pub(super) fn error(status: u16, message: &str) -> Answer {
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

/// `startIndex` and `count` as the server binds them: `count` 1..100, default 100, else
/// 400; or, where the `ApiContext` still pages (`clamps`: before 3.2), default 1,000
/// and anything larger silently cut to 1,000.
pub(super) fn paging(request: &Request, clamps: bool) -> Result<(usize, usize), Answer> {
    let count = match request.param("count").map(|c| c.parse::<usize>()) {
        None if clamps => 1000,
        None => 100,
        Some(Ok(count)) if clamps => count.clamp(1, 1000),
        Some(Ok(count @ 1..=100)) => count,
        Some(_) => {
            return Err(invalid(
                "count",
                "The field count must be between 1 and 100.",
            ));
        }
    };
    let start = request
        .param("startIndex")
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok((start, count))
}

/// ASP.NET model validation: the problem details inside `response`.
/// `answer` with the request's `authorization` quoted back (`echo_authorization`).
fn echo(answer: Answer, authorization: &str) -> Answer {
    match answer {
        Answer::Send(mut response) => {
            response.body = response.body.replace(super::ECHO, authorization);
            Answer::Send(response.with_header("X-Seen-Authorization", authorization))
        }
        Answer::After(wait, answer) => Answer::After(wait, Box::new(echo(*answer, authorization))),
        other => other,
    }
}

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

pub(super) fn body_json(request: &Request) -> Result<Value, Answer> {
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

pub(super) fn user_json(user: &User) -> Value {
    let admin = matches!(user.role, Role::Owner | Role::Admin);
    let mut value = json!({
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
    if let Some(date) = &user.terminated {
        value["terminated"] = json!(date);
    }
    value
}

fn html_encode(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
