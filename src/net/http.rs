//! The one module that speaks HTTP. It sends requests and hands back what came: the
//! status and the raw body. What an answer means is `portal`'s to say, because the
//! same 403 means different things at approve and at delete.

use std::cell::OnceCell;
use std::io::{ErrorKind, Write};
use std::time::{Duration, Instant};

use ureq::Agent;
use ureq::http::HeaderValue;
pub use ureq::http::Method;
use ureq::http::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderName, LOCATION, RETRY_AFTER, SET_COOKIE,
};
use ureq::tls::Certificate;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

use super::Settings;
use crate::error::Error;
use crate::interrupt;
use crate::net::proxy::proxy_for;
use crate::net::tls::{self, BufferSizes};
use crate::net::url::Url;
use crate::net::{retry, roots};
use crate::output::terminal;

/// Answers larger than this are refused: a guest object is a few KiB, and a
/// misbehaving server must not make the tool grow without bound.
const MAX_BODY_BYTES: u64 = 4 * 1024 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest head of an answer that is read (ureq's default, stated because the
/// input buffer follows it).
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Room for a request's head besides the credential: the request line (a URL the tool
/// builds, a sharing link of at most 4 KiB, or where one redirected), `confirm` (a
/// link's query) and the fixed headers.
const REQUEST_HEAD_BYTES: usize = 16 * 1024;
/// A TLS record and its overhead: what the TCP connection under TLS reads at a time.
const TLS_RECORD_BYTES: usize = 16 * 1024 + 512;

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

/// One connection to the portal, kept alive for the whole run.
pub struct Client {
    /// Made at the first request, so a command that sends nothing loads no CA store.
    agent: OnceCell<Agent>,
    proxy: Option<ureq::Proxy>,
    extra_roots: Vec<Certificate<'static>>,
    base: Url,
    authorization: String,
    redacted_authorization: String,
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
    pub method: Method,
    pub url: Url,
    /// DocSpace's `confirm` header: a sharing link's query string.
    pub confirm: Option<String>,
    pub json: String,
}

/// One request, before it is sent.
pub struct Call<'a> {
    pub method: Method,
    pub url: &'a Url,
    /// Only requests to the portal's API carry the credential.
    pub with_credential: bool,
    pub confirm: Option<&'a str>,
    pub json: Option<&'a str>,
}

impl Client {
    pub fn new(settings: &Settings) -> Result<Client, Error> {
        Ok(Client {
            agent: OnceCell::new(),
            proxy: proxy_for(&settings.portal, crate::input::env)?,
            extra_roots: settings.extra_roots.clone(),
            base: settings.portal.clone(),
            authorization: settings.credential.authorization(),
            redacted_authorization: settings.credential.redacted_authorization(),
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
        // ureq's buffers are 128 KiB each, zero-filled at every connection, two at each
        // layer (TCP, then TLS): most of a short run's work. An answer's head must fit
        // in the input buffer whole, so where HTTP is read the input holds the longest
        // head read and a little more (a longer one is then refused as too large, as
        // before); bodies stream through it. The output holds a request's head.
        let http = BufferSizes {
            input: MAX_HEAD_BYTES + 1024,
            output: REQUEST_HEAD_BYTES + self.authorization.len(),
        };
        // Under TLS without a proxy, the TCP connection carries only TLS records (every
        // URL of an https portal is https: links and redirects to http are refused).
        // A proxy's answer to CONNECT is HTTP, read there.
        let tcp_input = if self.base.https && self.proxy.is_none() {
            TLS_RECORD_BYTES
        } else {
            http.input
        };
        let connector =
            tls::connector(&self.extra_roots, self.base.https || first_url.https, http)?;
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
            .max_response_header_size(MAX_HEAD_BYTES)
            .input_buffer_size(tcp_input)
            .output_buffer_size(http.output)
            .build();
        let agent = Agent::with_parts(config, connector, LoopbackByForm::default());
        Ok(self.agent.get_or_init(|| agent))
    }
    /// Sends `call`, again after a rate limit, a proxy's 5xx or a lost connection, up
    /// to --retries times, saying on stderr when it waits. A `Retry-After` longer than
    /// --max-wait is not waited out: that answer is returned at once.
    pub fn request(&self, call: Call) -> Result<Reply, Error> {
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
            if !interrupt::sleep_unless_interrupted(wait) {
                return Err(Error::Network(format!(
                    "interrupted while waiting to retry ({why})"
                )));
            }
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
        // Bytes, then text: ureq decodes only a `text/*` body leniently, and would fail
        // a JSON one with a stray byte as if the answer had been cut off. A byte that
        // is not UTF-8 becomes U+FFFD, and the answer is then judged as it reads.
        let bytes = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY_BYTES)
            .read_to_vec()
            .map_err(|err| Failure {
                error: self.bad_body(err, call.url, status),
                retry_because: None,
            })?;
        let body = String::from_utf8(bytes)
            .unwrap_or_else(|not_utf8| String::from_utf8_lossy(not_utf8.as_bytes()).into_owned());
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
            ureq::Error::ConnectProxyFailed(why) => {
                return Failure {
                    error: Error::Network(self.no_tunnel(&why, &origin)),
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
    /// The proxy answered CONNECT with something else than 200; `why` is ureq's
    /// "proxy server responded 407/407".
    fn no_tunnel(&self, why: &str, origin: &str) -> String {
        let proxy = self
            .proxy
            .as_ref()
            .map_or("the proxy".to_string(), |proxy| {
                format!("the proxy {}:{}", proxy.host(), proxy.port())
            });
        if why.contains("responded 407") {
            format!(
                "{proxy} refused to connect to {origin} until it gets valid credentials (407 \
                 Proxy Authentication Required): fix the proxy's credentials, the \
                 USER:PASSWORD in http://USER:PASSWORD@host:port of HTTPS_PROXY or ALL_PROXY \
                 (special characters percent-encoded)"
            )
        } else {
            format!(
                "{proxy} refused to connect to {origin} ({why}); check the proxy in \
                 HTTPS_PROXY or ALL_PROXY, or list the portal's host in NO_PROXY"
            )
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

    /// The portal's address, as given.
    pub fn base(&self) -> &Url {
        &self.base
    }
}

/// The system's resolver, except for a loopback host (`url::loopback_addresses`), which
/// connects where that says: "localhost" never goes to /etc/hosts or DNS, so what is
/// loopback to --allow-http's exception is where the connection goes.
#[derive(Debug, Default)]
struct LoopbackByForm(DefaultResolver);

impl Resolver for LoopbackByForm {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let Some(ips) = uri.host().and_then(crate::net::url::loopback_addresses) else {
            return self.0.resolve(uri, config, timeout);
        };
        let https = uri.scheme_str() == Some("https");
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let mut addrs = self.empty();
        for ip in ips {
            addrs.push(std::net::SocketAddr::new(ip, port));
        }
        Ok(addrs)
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
