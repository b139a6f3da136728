//! The one module that speaks HTTP to DocSpace. It sends requests and hands back what
//! came: the status and the raw body. What a status means for the user is decided by
//! the commands, because the same 403 means different things at approve and at delete.

use std::cell::OnceCell;
use std::io::{ErrorKind, Write};
use std::time::{Duration, Instant};

use ureq::Agent;
use ureq::http::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderName, LOCATION, RETRY_AFTER, SET_COOKIE,
};
use ureq::http::{HeaderValue, Method};
use ureq::tls::Certificate;
use ureq::unversioned::resolver::DefaultResolver;

use super::Settings;
use crate::error::Error;
use crate::net::proxy::proxy_for;
use crate::net::url::Url;
use crate::net::{retry, roots, tls};
use crate::output::terminal;

/// Answers larger than this are refused: a guest object is a few KiB, and a
/// misbehaving server must not make the tool grow without bound.
const MAX_BODY_BYTES: u64 = 4 * 1024 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How many redirects a short link may take before it reaches its confirm URL.
const MAX_LINK_REDIRECTS: usize = 5;

/// What the portal answered.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    /// The `Location` header of a redirect.
    pub location: Option<String>,
    /// The `Retry-After` header of a 429 or 503.
    pub retry_after: Option<String>,
    /// An earlier attempt of this request may have reached the portal (it got no
    /// answer, or a proxy's 502/504): a refusal now may mean it was already done.
    pub maybe_done_before: bool,
    /// For a 403 without a body (the auth layer's) to an API key: the key's scopes, read
    /// from `keys/@self`, since only they tell a scope the key lacks from an account
    /// that may not. `None` when not asked or not told.
    pub key_scopes: Option<Vec<String>>,
}

pub struct Portal {
    /// Made at the first request, so a command that sends nothing loads no CA store.
    agent: OnceCell<Agent>,
    proxy: Option<ureq::Proxy>,
    extra_roots: Vec<Certificate<'static>>,
    base: Url,
    authorization: String,
    redacted_authorization: String,
    api_key: bool,
    /// The key's scopes, read at most once a run: they do not change within it.
    scopes: OnceCell<Option<Vec<String>>>,
    timeout: Duration,
    retries: u32,
    max_wait: Duration,
    trace: bool,
}

/// An attempt that got no usable answer.
struct Failure {
    error: Error,
    /// No answer arrived, so trying again is worth it; with the short reason for it.
    retry_because: Option<String>,
}

/// A request that changes something on the portal, built but not sent, so that
/// `--dry-run` can show exactly what `send` would send.
pub struct Change {
    method: Method,
    url: Url,
    confirm: Option<String>,
    json: String,
}

/// One request, before it is sent.
struct Call<'a> {
    method: Method,
    url: &'a Url,
    /// Only requests to the portal's API carry the credential.
    with_credential: bool,
    confirm: Option<&'a str>,
    json: Option<&'a str>,
}

impl Portal {
    pub fn new(settings: &Settings) -> Result<Portal, Error> {
        Ok(Portal {
            agent: OnceCell::new(),
            proxy: proxy_for(&settings.portal, crate::input::env)?,
            extra_roots: settings.extra_roots.clone(),
            base: settings.portal.clone(),
            authorization: settings.credential.authorization(),
            redacted_authorization: settings.credential.redacted_authorization(),
            api_key: settings.credential.is_api_key(),
            scopes: OnceCell::new(),
            timeout: settings.timeout,
            retries: settings.retries,
            max_wait: settings.max_wait,
            trace: settings.trace,
        })
    }

    /// One agent for the whole run, so every request reuses one kept-alive connection.
    fn agent(&self, first_url: &Url) -> Result<&Agent, Error> {
        if let Some(agent) = self.agent.get() {
            return Ok(agent);
        }
        // An http portal needs no CA store; if one of its links still led to https,
        // only --ca-cert is trusted, and a refusal names it.
        let connector = tls::connector(&self.extra_roots, self.base.https || first_url.https)?;
        let config = Agent::config_builder()
            // Error statuses are answers to show, not transport failures.
            .http_status_as_error(false)
            // A 301/302 would turn DELETE and POST into GET and could carry the request
            // elsewhere: every redirect is handled (or refused) by the tool itself.
            .max_redirects(0)
            .timeout_global(Some(self.timeout))
            .timeout_connect(Some(CONNECT_TIMEOUT.min(self.timeout)))
            .user_agent(concat!("docspace-guest/", env!("CARGO_PKG_VERSION")))
            .proxy(self.proxy.clone())
            .build();
        let agent = Agent::with_parts(config, connector, DefaultResolver::default());
        Ok(self.agent.get_or_init(|| agent))
    }

    /// The portal's address, for messages.
    pub fn origin(&self) -> String {
        self.base.to_string()
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
    pub fn delete_guests(&self, ids: &[&str]) -> Change {
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
    pub fn delete_users(&self, ids: &[&str]) -> Change {
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
        let reply = self.with_retries(Call {
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
        let reply = self.with_retries(Call {
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
        let mut headers = serde_json::json!({ "authorization": self.redacted_authorization });
        if let Some(confirm) = &change.confirm {
            headers["confirm"] = redact_link_key(confirm).into();
        }
        let body: serde_json::Value =
            serde_json::from_str(&change.json).unwrap_or_else(|_| change.json.clone().into());
        serde_json::json!({
            "method": change.method.as_str(),
            "url": change.url.to_string(),
            "headers": headers,
            "body": body,
        })
    }

    /// GET /api/2.0/people/@self: who the credential acts as.
    pub fn whoami(&self) -> Result<Reply, Error> {
        self.read("/people/@self", &[])
    }

    /// GET /api/2.0/settings/version/build: anonymous, so sent without the credential.
    pub fn release(&self) -> Result<Reply, Error> {
        self.with_retries(Call {
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
    /// before it filters (docspace-rooms-and-logins.md §5.1).
    pub fn login_events(&self, start: usize, count: usize) -> Result<Reply, Error> {
        let (start, count) = (start.to_string(), count.to_string());
        self.read(
            "/security/audit/login/filter",
            &[("count", count.as_str()), ("startIndex", start.as_str())],
        )
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
        let reply = self.with_retries(Call {
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
            let reply = self.with_retries(Call {
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
            if !next.same_host(&self.base) || (current.https && !next.https) {
                return Err(Error::Server(format!(
                    "the short link redirected away from the portal, to {}; not following it",
                    next.origin()
                )));
            }
            if next.path.contains("/confirm/") {
                return Ok(next);
            }
            if next.path.trim_end_matches('/') == self.base.path {
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
            path: format!("{}/api/2.0{path}", self.base.path),
            query: (!query.is_empty()).then(|| query.join("&")),
            ..self.base.clone()
        }
    }

    /// Sends `call`, again after a rate limit, a proxy's 5xx or a lost connection, up
    /// to --retries times, saying on stderr when it waits. A `Retry-After` longer than
    /// --max-wait is not waited out: that answer is returned at once.
    fn with_retries(&self, call: Call) -> Result<Reply, Error> {
        let attempts = self.retries + 1;
        let mut maybe_done_before = false;
        let mut attempt = 1;
        loop {
            let (wait, why) = match self.attempt(&call) {
                Ok(mut reply) => {
                    let retryable = attempt < attempts && retry::is_retryable_status(reply.status);
                    let wait = retryable
                        .then(|| retry::wait(attempt, reply.retry_after.as_deref(), self.max_wait))
                        .flatten();
                    let Some(wait) = wait else {
                        reply.maybe_done_before = maybe_done_before;
                        return Ok(reply);
                    };
                    maybe_done_before |= retry::may_have_reached_the_portal(reply.status);
                    (wait, status_line(reply.status))
                }
                Err(Failure {
                    retry_because: Some(why),
                    ..
                }) if attempt < attempts => {
                    maybe_done_before = true;
                    let backoff = retry::wait(attempt, None, self.max_wait);
                    (backoff.unwrap_or(self.max_wait), why)
                }
                Err(failure) => return Err(failure.error),
            };
            attempt += 1;
            terminal::notice(&format!(
                "retrying in {} ({why}), attempt {attempt} of {attempts}",
                retry::describe(wait)
            ));
            std::thread::sleep(wait);
        }
    }

    fn attempt(&self, call: &Call) -> Result<Reply, Failure> {
        let url = call.url.to_string();
        let mut headers = vec![(ACCEPT, "application/json".to_string())];
        if call.with_credential {
            headers.push((AUTHORIZATION, self.authorization.clone()));
        }
        if let Some(confirm) = call.confirm {
            headers.push((CONFIRM, confirm.to_string()));
        }
        if call.json.is_some() {
            headers.push((CONTENT_TYPE, "application/json".to_string()));
        }
        let agent = self.agent(call.url).map_err(|error| Failure {
            error,
            retry_because: None,
        })?;
        self.trace_request(call, &url, &headers);

        let started = Instant::now();
        let mut request = ureq::http::Request::builder()
            .method(call.method.clone())
            .uri(&url);
        for (name, value) in &headers {
            request = request.header(name, value);
        }
        // `run` sends a body with any method that has one: DocSpace takes the ids of
        // a DELETE in its body.
        let result = match call.json {
            Some(body) => request.body(body).map(|request| agent.run(request)),
            None => request.body(()).map(|request| agent.run(request)),
        }
        .map_err(|err| Failure {
            error: Error::Usage(format!(
                "cannot make a request to {} of this input ({err})",
                call.url.origin()
            )),
            retry_because: None,
        })?;
        let mut response = result.map_err(|err| self.no_answer(err, call.url))?;
        let status = response.status().as_u16();
        let location = header(&response, LOCATION);
        let retry_after = every_header(&response, RETRY_AFTER);
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY_BYTES)
            .lossy_utf8(true)
            .read_to_string()
            .map_err(|err| Failure {
                error: self.bad_body(err, call.url, status),
                retry_because: None,
            })?;
        self.trace_response(&response, started.elapsed(), body.len());
        Ok(Reply {
            status,
            body,
            location,
            retry_after,
            maybe_done_before: false,
            key_scopes: None,
        })
    }

    /// The request got no answer. A lost or refused connection or a timeout is worth
    /// another attempt; a name that does not resolve or a refused certificate is not.
    fn no_answer(&self, err: ureq::Error, url: &Url) -> Failure {
        let origin = url.origin();
        let text = err.to_string();
        if let Some(problem) = roots::certificate_problem(&text, &url.host) {
            return Failure {
                error: Error::Network(problem),
                retry_because: None,
            };
        }
        let (error, retry_because) = match err {
            ureq::Error::Timeout(phase) => (
                format!(
                    "no answer from {origin} within --timeout {}s ({phase}); check the network \
                     and proxy, or raise --timeout",
                    self.timeout.as_secs()
                ),
                Some("no answer in time".to_string()),
            ),
            ureq::Error::HostNotFound => (
                format!(
                    "cannot resolve the host name {}: check --url, DNS and the proxy",
                    url.host
                ),
                None,
            ),
            ureq::Error::Io(io) => {
                let why = match io.kind() {
                    ErrorKind::ConnectionRefused => "connection refused".to_string(),
                    ErrorKind::ConnectionReset
                    | ErrorKind::ConnectionAborted
                    | ErrorKind::UnexpectedEof
                    | ErrorKind::BrokenPipe => "connection closed before an answer".to_string(),
                    _ => io.to_string(),
                };
                (
                    format!(
                        "cannot talk to {origin}: {why}; check --url, the network and the proxy"
                    ),
                    Some(why),
                )
            }
            // The answer broke HTTP itself (two Content-Lengths, a header too large):
            // like every bad answer, the portal's fault, and no retry will mend it.
            ureq::Error::Protocol(_) | ureq::Error::LargeResponseHeader(..) => {
                return Failure {
                    error: Error::Server(format!(
                        "{origin} answered something that is not valid HTTP ({err}); it is \
                         unknown whether the request took effect: check the portal or the \
                         proxy in front of it"
                    )),
                    retry_because: None,
                };
            }
            ureq::Error::ConnectionFailed => (
                format!("cannot connect to {origin}; check --url, the network and the proxy"),
                Some("connection failed".to_string()),
            ),
            other => (format!("request to {origin} failed: {other}"), None),
        };
        Failure {
            error: Error::Network(error),
            retry_because,
        }
    }

    /// The status line arrived but the body did not, whole: the portal (or a proxy)
    /// misbehaved. A stalled body is cut by the timeout.
    fn bad_body(&self, err: ureq::Error, url: &Url, status: u16) -> Error {
        let origin = url.origin();
        match err {
            ureq::Error::BodyExceedsLimit(limit) => Error::Server(format!(
                "the answer from {origin} is larger than {} MiB; it is not a DocSpace API answer",
                limit / (1024 * 1024)
            )),
            ureq::Error::Timeout(_) => Error::Network(format!(
                "{origin} answered {status} but its body stalled past --timeout {}s",
                self.timeout.as_secs()
            )),
            other => Error::Server(format!(
                "{origin} answered {status} but the answer was cut off ({other}); it is \
                 unknown whether the request took effect"
            )),
        }
    }

    fn trace_request(&self, call: &Call, url: &str, headers: &[(HeaderName, String)]) {
        if !self.trace {
            return;
        }
        let mut lines = vec![format!("> {} {url}", call.method)];
        for (name, value) in headers {
            let shown = if name == AUTHORIZATION {
                self.redacted_authorization.clone()
            } else if name == CONFIRM {
                redact_link_key(value)
            } else {
                value.clone()
            };
            lines.push(format!("> {name}: {shown}"));
        }
        if let Some(body) = call.json {
            lines.push(format!("> {body}"));
        }
        trace(&lines);
    }

    fn trace_response(
        &self,
        response: &ureq::http::Response<ureq::Body>,
        took: Duration,
        len: usize,
    ) {
        if !self.trace {
            return;
        }
        let mut lines = vec![format!(
            "< {} in {} ms, {len} bytes",
            response.status(),
            took.as_millis()
        )];
        for (name, value) in response.headers() {
            let value = text_of(value);
            let value = if name == SET_COOKIE {
                "<redacted>".to_string()
            } else if name == LOCATION {
                redact_link_key(&value)
            } else {
                value
            };
            lines.push(format!("< {name}: {value}"));
        }
        trace(&lines);
    }
}

/// `--verbose` lines on stderr. Header values come from the portal: made inert.
fn trace(lines: &[String]) {
    let mut err = std::io::stderr().lock();
    for line in lines {
        let _ = writeln!(err, "{}", terminal::terminal_safe(line));
    }
}

/// "429 Too Many Requests".
fn status_line(status: u16) -> String {
    let reason = ureq::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|code| code.canonical_reason())
        .unwrap_or("");
    format!("{status} {reason}").trim_end().to_string()
}

/// The header that carries a sharing link's query string to approve.
const CONFIRM: HeaderName = HeaderName::from_static("confirm");

/// A header's value as text, whatever bytes a server put in it.
fn text_of(value: &HeaderValue) -> String {
    String::from_utf8_lossy(value.as_bytes()).into_owned()
}

/// A header sent more than once, one value a line (a header value holds no line end).
fn every_header(response: &ureq::http::Response<ureq::Body>, name: HeaderName) -> Option<String> {
    let values: Vec<String> = response
        .headers()
        .get_all(name)
        .iter()
        .map(text_of)
        .collect();
    (!values.is_empty()).then(|| values.join("\n"))
}

fn header(response: &ureq::http::Response<ureq::Body>, name: HeaderName) -> Option<String> {
    response.headers().get(name).map(text_of)
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

/// The `key` of a sharing link lets whoever holds it approve the guest: keep it out of
/// traces, in the `confirm` header and in a short link's `Location` alike.
fn redact_link_key(text: &str) -> String {
    let (head, query) = match text.split_once('?') {
        Some((head, query)) => (format!("{head}?"), query),
        None => (String::new(), text),
    };
    let pairs: Vec<&str> = query
        .split('&')
        .map(|pair| {
            if pair.starts_with("key=") {
                "key=…"
            } else {
                pair
            }
        })
        .collect();
    format!("{head}{}", pairs.join("&"))
}
