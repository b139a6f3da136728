//! DocSpace: its endpoints and what its answers mean. People (guests and users),
//! rooms and their members, the login history, the release, the sharing link, and
//! the refusals, in words that say what to do next.

pub mod answers;
pub mod audit;
pub mod link;
pub mod logins;
pub mod people;
pub mod release;
pub mod rooms;

use std::cell::OnceCell;

use crate::error::Error;
use crate::net::Settings;
use crate::net::http::{Call, Change, Client, Method, Reply};
use crate::net::url::Url;

/// How many redirects a short link may take before it reaches its confirm URL.
const MAX_LINK_REDIRECTS: usize = 5;

/// The portal's API (`/api/2.0`), over one connection.
pub struct Portal {
    client: Client,
    api_key: bool,
    /// The key's scopes, read at most once a run: they do not change within it.
    scopes: OnceCell<Option<Vec<String>>>,
}

impl Portal {
    pub fn new(settings: &Settings) -> Result<Portal, Error> {
        Ok(Portal {
            client: Client::new(settings)?,
            api_key: settings.credential.is_api_key(),
            scopes: OnceCell::new(),
        })
    }

    /// The portal's address, for messages.
    pub fn origin(&self) -> String {
        self.client.base().to_string()
    }
    /// POST /api/2.0/people/guests/share/approve. The `confirm` header (the sharing
    /// link's query string) names the guest; the email is only checked for form.
    pub fn approve_guest(&self, email: &str, confirm: &str) -> Change {
        Change {
            method: Method::POST,
            url: self.api_url("/people/guests/share/approve", &[]),
            confirm: Some(confirm.to_string()),
            json: serde_json::json!({ "email": email }).to_string(),
        }
    }
    /// DELETE /api/2.0/people/guests, the ids in the body: removes them from the
    /// caller's guest list.
    pub fn remove_guests(&self, ids: &[&str]) -> Change {
        Change {
            method: Method::DELETE,
            url: self.api_url("/people/guests", &[]),
            confirm: None,
            json: serde_json::json!({ "userIds": ids, "resendAll": false }).to_string(),
        }
    }
    /// PUT /api/2.0/people/status/2: disables the accounts.
    pub fn disable_users(&self, ids: &[&str]) -> Change {
        self.put_user_ids("/people/status/2", ids)
    }
    /// PUT /api/2.0/people/status/1: enables the accounts again.
    pub fn enable_users(&self, ids: &[&str]) -> Change {
        self.put_user_ids("/people/status/1", ids)
    }
    /// PUT /api/2.0/people/delete: deletes disabled accounts for good.
    pub fn delete_accounts(&self, ids: &[&str]) -> Change {
        self.put_user_ids("/people/delete", ids)
    }
    fn put_user_ids(&self, path: &str, ids: &[&str]) -> Change {
        Change {
            method: Method::PUT,
            url: self.api_url(path, &[]),
            confirm: None,
            json: serde_json::json!({ "userIds": ids }).to_string(),
        }
    }
    pub fn send(&self, change: &Change) -> Result<Reply, Error> {
        let reply = self.client.request(Call {
            method: change.method.clone(),
            url: &change.url,
            with_credential: true,
            confirm: change.confirm.as_deref(),
            json: Some(&change.json),
        })?;
        Ok(self.with_key_scopes(reply))
    }
    /// Whether the credential is an API key (`sk-`), which has scopes.
    pub fn uses_api_key(&self) -> bool {
        self.api_key
    }
    /// GET /api/2.0/keys/@self (3.1+): the API key's scopes (`permissions`). `None`
    /// for another kind of credential, or when the portal does not tell. The answer
    /// also holds the key itself, which goes no further than this function.
    pub fn key_scopes(&self) -> Result<Option<Vec<String>>, Error> {
        if !self.api_key {
            return Ok(None);
        }
        if let Some(scopes) = self.scopes.get() {
            return Ok(scopes.clone());
        }
        let reply = self.client.request(Call {
            method: Method::GET,
            url: &self.api_url("/keys/@self", &[]),
            with_credential: true,
            confirm: None,
            json: None,
        })?;
        let envelope: Option<serde_json::Value> = serde_json::from_str(&reply.body).ok();
        let scopes: Option<Vec<String>> = envelope
            .as_ref()
            .filter(|_| reply.status == 200)
            .and_then(|e| e.pointer("/response/permissions"))
            .and_then(serde_json::Value::as_array)
            .map(|scopes| {
                scopes
                    .iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            });
        Ok(self.scopes.get_or_init(|| scopes).clone())
    }
    fn with_key_scopes(&self, mut reply: Reply) -> Reply {
        if reply.status == 403 && reply.body.trim().is_empty() {
            reply.key_scopes = self.key_scopes().ok().flatten();
        }
        reply
    }
    /// What `send` would send, for `--dry-run`, with the secrets redacted.
    pub fn describe(&self, change: &Change) -> serde_json::Value {
        self.client.describe(change)
    }
    /// GET /api/2.0/people/@self: who the credential acts as.
    pub fn whoami(&self) -> Result<Reply, Error> {
        self.read("/people/@self", &[])
    }
    /// GET /api/2.0/settings/version/build: anonymous, so sent without the credential.
    pub fn release(&self) -> Result<Reply, Error> {
        self.client.request(Call {
            method: Method::GET,
            url: &self.api_url("/settings/version/build", &[]),
            with_credential: false,
            confirm: None,
            json: None,
        })
    }
    /// GET /api/2.0/people/email?email=…
    pub fn user_by_email(&self, email: &str) -> Result<Reply, Error> {
        self.read("/people/email", &[("email", email)])
    }
    /// GET /api/2.0/people/{id}: one user (a room's owner, a guest's inviter).
    pub fn user(&self, id: &str) -> Result<Reply, Error> {
        self.read(&format!("/people/{id}"), &[])
    }
    /// GET /api/2.0/people/filter?area=Guests&…: one page of the guests the caller sees;
    /// without `area`, of the other users (the disabled ones, for `--inviter-gone`).
    pub fn people_page(
        &self,
        area: Option<&str>,
        filters: &[(&str, &str)],
        start: usize,
        count: usize,
    ) -> Result<Reply, Error> {
        let (start, count) = (start.to_string(), count.to_string());
        let mut query = vec![("count", count.as_str()), ("startIndex", start.as_str())];
        if let Some(area) = area {
            query.insert(0, ("area", area));
        }
        query.extend_from_slice(filters);
        self.read("/people/filter", &query)
    }
    /// GET /api/2.0/files/rooms: one page of the rooms the caller sees, active and
    /// archived (`searchArea=2`); with `subject`, only those it owns or is a direct
    /// member of. `subjectFilter=1` always: before 3.7 an omitted filter means "owns".
    /// No `sortBy`: a valid one would become the caller's saved sort order.
    pub fn rooms_page(
        &self,
        subject: Option<&str>,
        start: usize,
        count: usize,
    ) -> Result<Reply, Error> {
        let (start, count) = (start.to_string(), count.to_string());
        let mut query = vec![
            ("searchArea", "2"),
            ("count", count.as_str()),
            ("startIndex", start.as_str()),
        ];
        if let Some(subject) = subject {
            query.extend([("subjectId", subject), ("subjectFilter", "1")]);
        }
        self.read("/files/rooms", &query)
    }
    /// GET /api/2.0/files/rooms/{id}: one room, with the caller's `security`.
    pub fn room(&self, id: u64) -> Result<Reply, Error> {
        self.read(&format!("/files/rooms/{id}"), &[])
    }
    /// GET /api/2.0/files/rooms/{id}/share?filterType=16: one page of its users.
    pub fn room_members(&self, id: u64, start: usize, count: usize) -> Result<Reply, Error> {
        let (start, count) = (start.to_string(), count.to_string());
        let query = [
            ("filterType", "16"),
            ("count", count.as_str()),
            ("startIndex", start.as_str()),
        ];
        self.read(&format!("/files/rooms/{id}/share"), &query)
    }
    /// PUT /api/2.0/files/rooms/{id}/share: sets each user's role (`0` removes them).
    /// Roles go as numbers (the server turns an unknown name into a removal), users by
    /// id only (an email invites), with `notify: false` (a removal that reaches a
    /// non-member mails them an invitation). `force` also drops VDR form roles.
    pub fn set_room_roles(&self, room: u64, roles: &[(&str, u8)], force: bool) -> Change {
        let invitations: Vec<serde_json::Value> = roles
            .iter()
            .map(|(id, access)| serde_json::json!({ "id": id, "access": access }))
            .collect();
        let mut body = serde_json::json!({ "invitations": invitations, "notify": false });
        if force {
            body["force"] = true.into();
        }
        Change {
            method: Method::PUT,
            url: self.api_url(&format!("/files/rooms/{room}/share"), &[]),
            confirm: None,
            json: body.to_string(),
        }
    }
    /// GET /api/2.0/people/guests/{id}/share: the guest's short sharing link.
    pub fn sharing_link(&self, id: &str) -> Result<Reply, Error> {
        self.read(&format!("/people/guests/{id}/share"), &[])
    }
    /// GET /api/2.0/security/audit/login/filter?count=…&startIndex=…: one page of the
    /// portal's login events, newest first. No filter is sent: the server cuts the page
    /// before it filters (docs/docspace.md §10).
    pub fn login_events(&self, start: usize, count: usize) -> Result<Reply, Error> {
        let (start, count) = (start.to_string(), count.to_string());
        self.read(
            "/security/audit/login/filter",
            &[("count", count.as_str()), ("startIndex", start.as_str())],
        )
    }
    /// GET /api/2.0/security/audit/events/filter: one page of the audit trail's events
    /// that match `filters`, newest first; the server filters before it pages
    /// (docs/docspace.md §16).
    pub fn audit_events(
        &self,
        filters: &[(&str, &str)],
        start: usize,
        count: usize,
    ) -> Result<Reply, Error> {
        let (start, count) = (start.to_string(), count.to_string());
        let mut query = filters.to_vec();
        query.extend([("count", count.as_str()), ("startIndex", start.as_str())]);
        self.read("/security/audit/events/filter", &query)
    }
    /// GET /api/2.0/portal/quota: the plan's features (`audit`: a login history).
    pub fn portal_quota(&self) -> Result<Reply, Error> {
        self.read("/portal/quota", &[])
    }
    /// GET /api/2.0/security/audit/settings/lifetime: how many days the login history
    /// keeps (`loginHistoryLifeTime`).
    pub fn audit_lifetime(&self) -> Result<Reply, Error> {
        self.read("/security/audit/settings/lifetime", &[])
    }
    fn read(&self, path: &str, query: &[(&str, &str)]) -> Result<Reply, Error> {
        let reply = self.client.request(Call {
            method: Method::GET,
            url: &self.api_url(path, query),
            with_credential: true,
            confirm: None,
            json: None,
        })?;
        Ok(self.with_key_scopes(reply))
    }
    /// Follows a short link's redirects to the portal's confirm URL. The short link
    /// needs no credential, so none is sent; every hop must stay on the portal.
    pub fn resolve_short_link(&self, link: &Url) -> Result<Url, Error> {
        let mut current = link.clone();
        for _ in 0..MAX_LINK_REDIRECTS {
            let reply = self.client.request(Call {
                method: Method::GET,
                url: &current,
                with_credential: false,
                confirm: None,
                json: None,
            })?;
            let location = match (reply.status, reply.location) {
                (300..=399, Some(location)) => location,
                (status, _) => {
                    return Err(Error::Server(format!(
                        "the short link {link} answered {status} instead of redirecting to a \
                         sharing link; ask the sharer for the full link"
                    )));
                }
            };
            let next = current.join(&location).map_err(|why| {
                Error::Server(format!(
                    "the short link redirected to a Location that {why}"
                ))
            })?;
            if !next.same_host(self.client.base()) || (current.https && !next.https) {
                return Err(Error::Server(format!(
                    "the short link redirected away from the portal, to {}; not following it",
                    next.origin()
                )));
            }
            if next.path.contains("/confirm/") {
                return Ok(next);
            }
            if next.path.trim_end_matches('/') == self.client.base().path {
                return Err(Error::Usage(format!(
                    "the short link {link} is unknown or expired (the portal sent it to its \
                     start page); ask the sharer for a new link"
                )));
            }
            current = next;
        }
        Err(Error::Server(format!(
            "the short link {link} took more than {MAX_LINK_REDIRECTS} redirects"
        )))
    }
    fn api_url(&self, path: &str, query: &[(&str, &str)]) -> Url {
        let query: Vec<String> = query
            .iter()
            .map(|(name, value)| format!("{name}={}", percent_encode(value)))
            .collect();
        Url {
            path: format!("{}/api/2.0{path}", self.client.base().path),
            query: (!query.is_empty()).then(|| query.join("&")),
            ..self.client.base().clone()
        }
    }
}

/// Query values: everything but the unreserved characters is %-escaped.
fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
