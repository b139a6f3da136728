//! What the portal's refusals mean, in words that say what to do next. The same
//! status means different things at different calls (a 403 at delete refuses the whole
//! list), so each call has its reading; what every call shares is in `unexpected`.

use std::time::SystemTime;

use serde_json::Value;

use crate::date;
use crate::error::Error;
use crate::net::http::Reply;
use crate::net::retry;
use crate::portal::Portal;
use crate::portal::people::User;

/// The guest of a 200 from approve: `response.id` must be a GUID, or it is no success.
pub fn approved_guest(reply: &Reply) -> Option<User> {
    let body = success_envelope(reply)?;
    User::with_guid(body.get("response")?)
}

/// A 401 at approve is the credential or the sharing link's key; one read tells which.
pub fn approve_refusal(portal: &Portal, reply: &Reply) -> Error {
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
             takes a DocSpace admin or room admin account; on DocSpace 3.1 to 3.5 it also \
             means that --email is not a guest's address"
                .into(),
        ),
        (403, None) => unexplained_403(
            reply,
            WRITE,
            "the approval",
            "the key may lack the accounts:write scope, or the sharing link was not accepted",
        ),
        // DocSpace 3.0 has no approve endpoint; one read tells it from a wrong --url.
        (404, None) if portal.whoami().is_ok_and(|r| r.status == 200) => Error::Server(
            "this portal has no guest approval (404): it came with DocSpace 3.1; approve \
             the guest in the portal's People page, or ask its admin to upgrade"
                .into(),
        ),
        (404, Some(reason)) => Error::Server(format!(
            "the guest of this sharing link was not found (404 {reason}); ask the sharer for a new link"
        )),
        _ => unexpected("approve", reply),
    }
}

/// Whether the rest of a batch must not be sent after `reply`: a refused credential
/// (401), or an auth-layer 403 (no body: the key's scope or the account, never one id)
/// refuses the rest too, and a portal that asked to wait must get no request before
/// its time.
pub fn stops_the_batch(reply: &Reply) -> bool {
    let auth_layer = reply.status == 403 && reply.body.trim().is_empty();
    matches!(reply.status, 401 | 429) || auth_layer || reply.retry_after.is_some()
}

/// Whether a 403 is the all-or-nothing refusal of a guest list (not the auth layer's).
pub fn is_access_denied(reply: &Reply) -> bool {
    reply.status == 403 && server_message(&reply.body).as_deref() == Some("Access denied")
}

pub fn removal_refusal(reply: &Reply, ids: usize) -> Error {
    match reply.status {
        403 if is_access_denied(reply) && ids == 1 => Error::Denied(
            "refused (403 Access denied): it is not an active guest on your guest list \
             (or was removed before), or your account is not a DocSpace admin or room admin"
                .into(),
        ),
        403 if is_access_denied(reply) => Error::Denied(
            "the portal refused the whole list (403 Access denied), so nothing was removed: \
             every id must be an active guest on your guest list (one removed before is no \
             longer on it), and your account must be a DocSpace admin or room admin"
                .into(),
        ),
        403 => unexplained_403(
            reply,
            WRITE,
            "the delete",
            "the key may lack the accounts:write scope",
        ),
        _ => unexpected("delete", reply),
    }
}

/// For calls whose 403 means only "you may not": reads, and the permanent deletion.
pub fn refusal(action: &str, reply: &Reply) -> Error {
    match (reply.status, server_message(&reply.body)) {
        (403, Some(reason)) => Error::Denied(format!(
            "the portal refused {action} (403 {reason}): it takes a DocSpace admin (or a room \
             admin for its own guests)"
        )),
        (403, None) => unexplained_403(
            reply,
            READ,
            action,
            "the key may lack the accounts scope it needs",
        ),
        _ => unexpected(action, reply),
    }
}

/// For the login history and the plan behind it, which only DocSpace admins may read,
/// with a key whose scope covers every area: no narrower scope covers `security`.
pub fn history_refusal(action: &str, reply: &Reply) -> Error {
    match (reply.status, server_message(&reply.body)) {
        (403, Some(reason)) => Error::Denied(format!(
            "the portal refused {action} (403 {reason}): it takes a DocSpace admin"
        )),
        (403, None) => unexplained_403(
            reply,
            EVERY_AREA,
            action,
            "the key may lack the *:read scope it needs",
        ),
        _ => unexpected(action, reply),
    }
}

const EVERY_AREA: Scope = Scope {
    name: "*:read",
    covered_by: &["*:read", "*:write"],
};

/// The scopes that let a key read people, and those that let it change them.
const READ: Scope = Scope {
    name: "accounts:read",
    covered_by: &["accounts:read", "accounts:write", "*:read", "*:write"],
};
const WRITE: Scope = Scope {
    name: "accounts:write",
    covered_by: &["accounts:write", "*:write"],
};
/// The same for rooms.
pub const ROOMS_READ: Scope = Scope {
    name: "rooms:read",
    covered_by: &["rooms:read", "rooms:write", "*:read", "*:write"],
};
pub const ROOMS_WRITE: Scope = Scope {
    name: "rooms:write",
    covered_by: &["rooms:write", "*:write"],
};

/// An API key scope, and the scopes that include it.
pub struct Scope {
    name: &'static str,
    covered_by: &'static [&'static str],
}

/// A 403 without a body comes from the auth layer. For an API key whose scopes the
/// portal told (`Reply::key_scopes`), say whether the key lacks the scope, naming it,
/// or has it, so that the account's type is what refused; otherwise `guess`.
pub fn unexplained_403(reply: &Reply, needed: Scope, action: &str, guess: &str) -> Error {
    Error::Denied(match &reply.key_scopes {
        Some(scopes)
            if !scopes
                .iter()
                .any(|s| needed.covered_by.contains(&s.as_str())) =>
        {
            let has = if scopes.is_empty() {
                "none".to_string()
            } else {
                scopes.join(", ")
            };
            // The every-area scope that also covers it: *:read for a read, *:write
            // for *:read itself.
            let wide = needed
                .covered_by
                .iter()
                .find(|s| s.starts_with("*:") && **s != needed.name)
                .map_or(String::new(), |wide| format!(" (or {wide})"));
            format!(
                "the portal refused {action} (403): the API key lacks the {} scope (its \
                 scopes: {has}); use a key with {}{wide}",
                needed.name, needed.name,
            )
        }
        Some(_) => format!(
            "the portal refused {action} (403) although the API key has the {} scope: \
             the account behind the key may not do this (see docspace-guest whoami)",
            needed.name
        ),
        None => format!("the portal refused {action} (403) without a reason: {guess}"),
    })
}

/// The portal asked for a pause the tool did not wait out (longer than --max-wait, or
/// the retries were spent): say how long and until when, so cron can come back then.
fn asked_to_wait(reply: &Reply, what: &str) -> Error {
    let asked = reply
        .retry_after
        .as_deref()
        .and_then(|value| retry::retry_after_delay(value, SystemTime::now()));
    Error::Later(match asked {
        Some(wait) => format!(
            "the portal {what} and asks to wait {}, until {}; nothing more was sent: run \
             again after that, or raise --max-wait (and --retries) to let the tool wait",
            retry::describe(wait),
            date::format_utc(retry::until(SystemTime::now(), wait))
        ),
        None => format!(
            "the portal {what} and named no time to wait; nothing more was sent: run again \
             in a minute, or raise --retries"
        ),
    })
}

/// For calls only DocSpace admins may make: status changes and deleting accounts.
pub fn admin_only(action: &str, reply: &Reply) -> Error {
    match (reply.status, server_message(&reply.body)) {
        (403, Some(reason)) => Error::Denied(format!(
            "the portal refused {action} (403 {reason}): it takes a DocSpace admin's \
             credential (and the owner, yourself or another admin cannot be changed)"
        )),
        (403, None) => unexplained_403(
            reply,
            WRITE,
            action,
            "the key may lack the accounts:write scope",
        ),
        _ => unexpected(action, reply),
    }
}

pub fn credential_refused() -> Error {
    Error::Denied(
        "the portal refused the credential (401): the API key is wrong, expired or \
         revoked; check DOCSPACE_API_KEY or --api-key-file"
            .into(),
    )
}

/// Statuses that mean the same at every call.
pub fn unexpected(action: &str, reply: &Reply) -> Error {
    let reason = server_message(&reply.body);
    match (reply.status, reason) {
        (300..=399, _) => Error::Server(format!(
            "the portal redirected the {action} call ({}) to {}: API calls are not \
             redirected; set --url to the portal's real address",
            reply.status,
            reply.location.as_deref().unwrap_or("nowhere")
        )),
        (401, _) => credential_refused(),
        (402, _) => Error::Server(
            "the portal answered 402 Payment Required: its subscription has lapsed".into(),
        ),
        (407, _) => Error::Network(
            "a proxy between this host and the portal asks for credentials (407 Proxy \
             Authentication Required): fix the proxy's credentials in the proxy variable \
             (http://USER:PASSWORD@host:port), or ask the proxy's admin"
                .into(),
        ),
        (404, None) => {
            Error::Server("no DocSpace portal answered at this address (404): check --url".into())
        }
        (429, _) => asked_to_wait(reply, "is limiting requests (429)"),
        (503, _) if reply.retry_after.is_some() => {
            asked_to_wait(reply, "is unavailable for now (503)")
        }
        (status, Some(reason)) => Error::Server(format!(
            "{action} failed: the portal answered {status}: {reason}"
        )),
        (status, None) => Error::Server(format!(
            "{action} failed: the portal answered {status} with no explanation"
        )),
    }
}

/// The DocSpace envelope of a 200: a JSON object with `status: 0`. Anything else (an
/// HTML page from a proxy, a truncated body) is not proof that the call took effect.
pub fn success_envelope(reply: &Reply) -> Option<Value> {
    let envelope: Value = serde_json::from_str(&reply.body).ok()?;
    (envelope.get("status").and_then(Value::as_i64) == Some(0)).then_some(envelope)
}

/// The server's own words from an error body: `error.message`, or the validation
/// problem inside `response`. Anything else (HTML from a proxy) is summarised.
pub fn server_message(body: &str) -> Option<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn lacking(scopes: &[&str], needed: Scope) -> String {
        let reply = Reply {
            status: 403,
            body: String::new(),
            location: None,
            retry_after: None,
            maybe_done_before: false,
            key_scopes: Some(scopes.iter().map(|s| s.to_string()).collect()),
        };
        unexplained_403(&reply, needed, "it", "").to_string()
    }

    #[test]
    fn a_lacking_scope_names_another_that_covers_it() {
        let read = lacking(&["accounts:write"], ROOMS_READ);
        assert!(
            read.ends_with("use a key with rooms:read (or *:read)"),
            "{read}"
        );
        let every = lacking(&["accounts:read"], EVERY_AREA);
        assert!(
            every.ends_with("use a key with *:read (or *:write)"),
            "{every}"
        );
    }
}
