//! What each command does, and what the portal's answers mean for the user.

use std::io::Write;

use serde_json::Value;

use crate::api::{Portal, Reply};
use crate::cli::{Command, Options, Verbosity};
use crate::error::Error;
use crate::link::{self, GuestLink};
use crate::url::Url;
use crate::{config, html, input};

/// A command whose input has been checked; nothing has been sent yet.
enum Job {
    Approve { email: String, link: GuestLink },
    Delete { ids: Vec<String> },
    Run { email: String, link: GuestLink },
}

pub fn execute(command: Command, options: Options) -> Result<(), Error> {
    let job = check(command)?;
    let settings = config::resolve(options)?;
    if let Job::Approve { link, .. } | Job::Run { link, .. } = &job {
        check_link_host(link, &settings.portal)?;
    }
    let portal = Portal::new(&settings)?;
    let out = Printer {
        verbosity: settings.verbosity,
    };
    match job {
        Job::Approve { email, link } => {
            let guest = approve(&portal, &out, &email, &link)?;
            out.say(&format!("Guest ID: {}", guest.id))?;
            out.result(&guest.id)
        }
        Job::Delete { ids } => delete(&portal, &out, &ids),
        Job::Run { email, link } => {
            out.say("Approving guest...")?;
            let guest = approve(&portal, &out, &email, &link)?;
            out.result(&guest.id)?;
            out.say("")?;
            out.say("Deleting guest...")?;
            delete(&portal, &out, &[guest.id])
        }
    }
}

fn check(command: Command) -> Result<Job, Error> {
    let approval = |email: String, text: String| {
        if !input::is_email(&email) {
            return Err(Error::Usage(format!(
                "--email '{email}' is not an email address"
            )));
        }
        let link = link::parse(&text).map_err(|why| Error::Usage(format!("--link {why}")))?;
        Ok((email, link))
    };
    Ok(match command {
        Command::Approve { email, link } => {
            let (email, link) = approval(email, link)?;
            Job::Approve { email, link }
        }
        Command::Run { email, link } => {
            let (email, link) = approval(email, link)?;
            Job::Run { email, link }
        }
        Command::Delete { ids } => {
            let mut checked: Vec<String> = Vec::with_capacity(ids.len());
            for text in &ids {
                let id = input::guid(text).ok_or_else(|| {
                    Error::Usage(format!(
                        "'{text}' is not a guest ID (a GUID like 3f2b9c1e-7a44-4d0b-9a0e-5c1d2e3f4a5b)"
                    ))
                })?;
                if !checked.contains(&id) {
                    checked.push(id);
                }
            }
            Job::Delete { ids: checked }
        }
    })
}

/// A sharing link names a guest on one portal; sent to another it cannot work, and
/// resolving it there would send the link to a stranger.
fn check_link_host(link: &GuestLink, portal: &Url) -> Result<(), Error> {
    let url = match link {
        GuestLink::Short(url) => url,
        GuestLink::Confirm { url: Some(url), .. } => url,
        GuestLink::Confirm { url: None, .. } => return Ok(()),
    };
    if !url.same_host(portal) {
        return Err(Error::Usage(format!(
            "--link is for {}, but the portal is {}: use a link from this portal, or the right --url",
            url.origin(),
            portal.origin()
        )));
    }
    if portal.https && !url.https {
        return Err(Error::Usage(
            "--link uses http:// but the portal uses https://: use the https link".into(),
        ));
    }
    Ok(())
}

struct Guest {
    id: String,
    display_name: String,
    email: String,
}

fn approve(portal: &Portal, out: &Printer, email: &str, link: &GuestLink) -> Result<Guest, Error> {
    let confirm = match link {
        GuestLink::Confirm { query, .. } => query.clone(),
        GuestLink::Short(short) => {
            let full = portal.resolve_short_link(short)?;
            link::confirm_query_of(&full).map_err(|why| {
                Error::Server(format!("the short link {short} led to a link that {why}"))
            })?
        }
    };
    let reply = portal.approve_guest(email, &confirm)?;
    out.exchange("", &reply)?;
    if reply.status != 200 {
        return Err(approve_refusal(portal, &reply));
    }
    let guest = guest_of(&reply).ok_or_else(|| {
        Error::Server(
            "the portal answered 200 to approve, but without the guest's id in \
             response.id: the guest may not be approved; check the portal"
                .into(),
        )
    })?;
    out.say(&format!(
        "Approved guest: {} ({})",
        guest.display_name, guest.email
    ))?;
    Ok(guest)
}

fn guest_of(reply: &Reply) -> Option<Guest> {
    let body: Value = serde_json::from_str(&reply.body).ok()?;
    let user = body.get("response")?;
    let id = input::guid(user.get("id")?.as_str()?)?;
    let text = |field: &str| user.get(field).and_then(Value::as_str).unwrap_or_default();
    Some(Guest {
        display_name: html::decode(text("displayName")),
        email: text("email").to_string(),
        id,
    })
}

fn delete(portal: &Portal, out: &Printer, ids: &[String]) -> Result<(), Error> {
    let reply = portal.delete_guests(ids)?;
    out.exchange(" (delete)", &reply)?;
    if reply.status != 200 {
        return Err(delete_refusal(&reply));
    }
    let envelope: Option<Value> = serde_json::from_str(&reply.body).ok();
    let succeeded = envelope
        .as_ref()
        .and_then(|e| e.get("status"))
        .and_then(Value::as_i64)
        == Some(0);
    if !succeeded {
        return Err(Error::Server(
            "the portal answered 200 to delete, but not with a DocSpace success envelope \
             (status 0): it is unknown whether the guests were removed; check with the portal"
                .into(),
        ));
    }
    for id in ids {
        out.say(&format!("Guest with ID {id} deleted successfully."))?;
    }
    Ok(())
}

/// A 401 at approve is the credential or the sharing link's key; one read call tells which.
fn approve_refusal(portal: &Portal, reply: &Reply) -> Error {
    match (reply.status, server_message(&reply.body).as_deref()) {
        (401, _) => match portal.whoami().map(|r| r.status) {
            Ok(200) => Error::Denied(
                "the portal refused the sharing link (401): it is expired or not valid \
                 (links last 7 days); ask the sharer for a new link"
                    .into(),
            ),
            Ok(401) => credential_refused(),
            _ => Error::Denied(
                "the portal answered 401: the API key or the sharing link is wrong or \
                 expired; check DOCSPACE_API_KEY, and ask the sharer for a new link"
                    .into(),
            ),
        },
        (403, Some("Access denied")) => Error::Denied(
            "the portal refused the approval (403 Access denied): approving shared guests \
             takes a DocSpace admin or room admin account"
                .into(),
        ),
        (403, _) => Error::Denied(
            "the portal refused the approval (403) without a reason: the key may lack the \
             accounts:write scope, or the sharing link was not accepted"
                .into(),
        ),
        (404, Some(reason)) => Error::Server(format!(
            "the guest of this sharing link was not found (404 {reason}); ask the sharer for a new link"
        )),
        _ => unexpected("approve", reply),
    }
}

fn delete_refusal(reply: &Reply) -> Error {
    match (reply.status, server_message(&reply.body).as_deref()) {
        (401, _) => credential_refused(),
        (403, Some("Access denied")) => Error::Denied(
            "the portal refused the whole list (403 Access denied), so nothing was removed: \
             every id must be an active guest on your guest list (one removed before is no \
             longer on it), and your account must be a DocSpace admin or room admin"
                .into(),
        ),
        (403, _) => Error::Denied(
            "the portal refused the delete (403) without a reason: the key may lack the \
             accounts:write scope"
                .into(),
        ),
        _ => unexpected("delete", reply),
    }
}

fn credential_refused() -> Error {
    Error::Denied(
        "the portal refused the credential (401): the API key is wrong, expired or \
         revoked; check DOCSPACE_API_KEY or --api-key-file"
            .into(),
    )
}

/// Statuses that mean the same at every call.
fn unexpected(action: &str, reply: &Reply) -> Error {
    let reason = server_message(&reply.body);
    match (reply.status, reason) {
        (300..=399, _) => Error::Server(format!(
            "the portal redirected the {action} call ({}) to {}: API calls are not \
             redirected; set --url to the portal's real address",
            reply.status,
            reply.location.as_deref().unwrap_or("nowhere")
        )),
        (401 | 403, _) => credential_refused(),
        (402, _) => Error::Server(
            "the portal answered 402 Payment Required: its subscription has lapsed".into(),
        ),
        (404, None) => {
            Error::Server("no DocSpace portal answered at this address (404): check --url".into())
        }
        (429, _) => Error::Server(format!(
            "the portal is limiting requests (429); wait {} and try again",
            reply
                .retry_after
                .as_deref()
                .map_or("a minute".to_string(), |s| format!("{s} s"))
        )),
        (status, Some(reason)) => Error::Server(format!(
            "{action} failed: the portal answered {status}: {reason}"
        )),
        (status, None) => Error::Server(format!(
            "{action} failed: the portal answered {status} with no explanation"
        )),
    }
}

/// The server's own words from an error body: `error.message`, or the validation
/// problem inside `response`. Anything else (HTML from a proxy) is summarised.
fn server_message(body: &str) -> Option<String> {
    let body = body.trim();
    if body.is_empty() {
        return None;
    }
    let Ok(json) = serde_json::from_str::<Value>(body) else {
        let start: String = body.chars().take(60).collect();
        return Some(format!("a non-JSON answer starting with {start:?}"));
    };
    if let Some(message) = json.pointer("/error/message").and_then(Value::as_str) {
        return Some(message.to_string());
    }
    let problem = json.get("response")?;
    let title = problem.get("title").and_then(Value::as_str)?;
    let details: Vec<String> = problem
        .get("errors")
        .and_then(Value::as_object)
        .map(|errors| {
            errors
                .iter()
                .map(|(field, messages)| format!("{field}: {messages}"))
                .collect()
        })
        .unwrap_or_default();
    Some(if details.is_empty() {
        title.to_string()
    } else {
        format!("{title} {}", details.join("; "))
    })
}

/// Standard output, by verbosity. Write errors end the command (a closed pipe quietly).
struct Printer {
    verbosity: Verbosity,
}

impl Printer {
    /// A line of the default output, not shown with --quiet.
    fn say(&self, line: &str) -> Result<(), Error> {
        if self.verbosity == Verbosity::Quiet {
            return Ok(());
        }
        writeln!(std::io::stdout().lock(), "{line}")?;
        Ok(())
    }

    /// The result a script wants: shown only with --quiet (the default output has it).
    fn result(&self, line: &str) -> Result<(), Error> {
        if self.verbosity != Verbosity::Quiet {
            return Ok(());
        }
        writeln!(std::io::stdout().lock(), "{line}")?;
        Ok(())
    }

    /// The example script's two lines for each call.
    fn exchange(&self, label: &str, reply: &Reply) -> Result<(), Error> {
        self.say(&format!("Status Code{label}: {}", reply.status))?;
        self.say(&format!("Raw Response{label}: {}", reply.body))
    }
}
