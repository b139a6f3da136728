//! The portal's audit trail, as docs/docspace.md (§16) says the real one keeps it:
//! every `PUT people/status` writes one `UsersUpdatedStatus` (4020) naming every id of
//! the call, enable and disable, no-ops too; `security/audit/events/filter` filters
//! first (`action` with `target`: an exact target; `entryType`/`actionType` with
//! `target`: a substring of the comma-joined ids; `from`, `to`), then orders newest
//! first, then pages, and has no `total`. It shares the login history's gate: without
//! the `audit` feature, or hidden, it answers the latest 20 events, every filter
//! ignored (402 where SaaS hides it). Only DocSpace admins may read it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::endpoints::{Reply, error, paging};
use super::http::Answer;
use super::logins::{Hidden, tenant_time};
use super::{FakePortal, State};

/// `UsersUpdatedStatus`: `PUT people/status`, enable or disable.
pub const STATUS_CHANGED: u16 = 4020;
/// `UserUpdated`: any edit through `PUT people/{id}`, a disable among them.
pub const USER_UPDATED: u16 = 4006;
/// `EntryType.User` and `ActionType.Update`, which both actions map to.
const USER: u8 = 23;
const UPDATE: u8 = 2;

/// One event: when (seconds since 1970, UTC), its action and the ids it names.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub at: u64,
    pub action: u16,
    pub target: Vec<String>,
}

/// The events, oldest first, and their ids (`id` = place + 1).
#[derive(Default)]
pub(super) struct Trail {
    events: Vec<AuditEvent>,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

impl FakePortal {
    /// An event `ago` before now naming `target`: a seed adds one in one line.
    pub fn audit_event(&self, action: u16, target: &[&str], ago: Duration) {
        let event = AuditEvent {
            at: now() - ago.as_secs(),
            action,
            target: target.iter().map(|id| id.to_string()).collect(),
        };
        self.state.lock().unwrap().trail.push(event);
    }

    /// `PUT people/status` as an admin made it `days` days (and an hour) ago, for
    /// `ids`: their status set, and its one 4020 event.
    pub fn status_call_days_ago(&self, ids: &[&str], status: u8, days: u64) {
        for id in ids {
            self.set_status(id, status);
        }
        let ago = Duration::from_secs(days * 86_400 + 3600);
        self.audit_event(STATUS_CHANGED, ids, ago);
    }

    /// Disabled through `PUT people/{id}` `days` days (and an hour) ago: the
    /// `terminated` date set, and a 4006 event.
    pub fn disabled_in_profile_days_ago(&self, id: &str, days: u64) {
        let at = SystemTime::now() - Duration::from_secs(days * 86_400 + 3600);
        let text = docspace_guest::date::format_utc(at);
        {
            let mut state = self.state.lock().unwrap();
            if let Some(user) = state.users.iter_mut().find(|u| u.id == id) {
                user.status = 2;
                user.terminated = Some(format!("{}T{}.0000000+00:00", &text[..10], &text[11..19]));
            }
        }
        self.audit_event(
            USER_UPDATED,
            &[id],
            Duration::from_secs(days * 86_400 + 3600),
        );
    }

    /// Every event, oldest first.
    pub fn audit_events(&self) -> Vec<AuditEvent> {
        self.state.lock().unwrap().trail.events.clone()
    }

    /// `n` status calls, each naming one of `ids` in turn, spread over the last `span`:
    /// in bulk, for the bench.
    pub fn many_status_events(&self, ids: &[String], n: usize, span: Duration) {
        let mut state = self.state.lock().unwrap();
        let end = now() - 60;
        let step = span.as_secs() / n.max(1) as u64;
        for i in 0..n {
            state.trail.events.push(AuditEvent {
                at: end - (n - i) as u64 * step,
                action: STATUS_CHANGED,
                target: vec![ids[i % ids.len()].clone()],
            });
        }
    }
}

impl Trail {
    pub(super) fn push(&mut self, event: AuditEvent) {
        let place = self.events.partition_point(|e| e.at <= event.at);
        self.events.insert(place, event);
    }

    /// The event a successful `PUT people/status` writes.
    pub(super) fn status_changed(&mut self, ids: &[String]) {
        self.push(AuditEvent {
            at: now(),
            action: STATUS_CHANGED,
            target: ids.to_vec(),
        });
    }
}

impl State {
    /// GET security/audit/events/filter: filters, newest first, skip, take.
    pub(super) fn audit_events(&self, reply: &Reply, caller: &str) -> Answer {
        if !self.is_docspace_admin(caller) {
            return error(403, "Access denied");
        }
        if self.logins.hidden == Hidden::PaymentRequired {
            return error(402, "Your pricing plan does not support this option");
        }
        let request = reply.request;
        let (start, count) = match paging(request, false) {
            Ok(paging) => paging,
            Err(answer) => return answer,
        };
        let newest_first = self.trail.events.iter().enumerate().rev();
        let page: Vec<(usize, &AuditEvent)> = if !self.logins.audit
            || self.logins.hidden == Hidden::Fallback
        {
            newest_first.take(20).collect()
        } else {
            let number = |name: &str| request.param(name).and_then(|v| v.parse::<u16>().ok());
            let (action, entry, kind) =
                (number("action"), number("entryType"), number("actionType"));
            let target = request.param("target");
            let time = |name: &str| {
                request
                    .param(name)
                    .and_then(|t| docspace_guest::date::parse_timestamp(&t))
                    .map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_secs())
            };
            let (from, to) = (time("from"), time("to"));
            let user_update = |e: &AuditEvent| matches!(e.action, STATUS_CHANGED | USER_UPDATED);
            newest_first
                .filter(|(_, e)| action.is_none_or(|a| a == e.action))
                .filter(|(_, e)| {
                    entry.is_none_or(|n| n == u16::from(USER) && user_update(e))
                        && kind.is_none_or(|n| n == u16::from(UPDATE) && user_update(e))
                })
                .filter(|(_, e)| match (&target, action) {
                    (None, _) => true,
                    (Some(t), Some(_)) => e.target.join(",") == *t,
                    (Some(t), None) => e.target.join(",").contains(t.as_str()),
                })
                .filter(|(_, e)| from.is_none_or(|f| e.at >= f) && to.is_none_or(|t| e.at <= t))
                .skip(start)
                .take(count)
                .collect()
        };
        // The names of the page's users, found in one pass over the users.
        let named: std::collections::HashSet<&str> = page
            .iter()
            .flat_map(|(_, e)| e.target.iter().map(String::as_str))
            .collect();
        let names: std::collections::HashMap<&str, String> = self
            .users
            .iter()
            .filter(|u| named.contains(u.id.as_str()))
            .map(|u| (u.id.as_str(), format!("{} {}", u.first_name, u.last_name)))
            .collect();
        let events: Vec<Value> = page
            .iter()
            .map(|(i, e)| self.audit_json(*i, e, &names))
            .collect();
        let n = events.len();
        reply.ok(json!(events), n)
    }

    fn audit_json(
        &self,
        place: usize,
        event: &AuditEvent,
        names: &std::collections::HashMap<&str, String>,
    ) -> Value {
        let names: Vec<&str> = event
            .target
            .iter()
            .map(|id| names.get(id.as_str()).map_or("Unknown", String::as_str))
            .collect();
        let what = if event.action == STATUS_CHANGED {
            "Updated Status"
        } else {
            "Updated"
        };
        json!({
            "id": place + 1,
            "date": tenant_time(event.at, self.logins.offset_minutes),
            "user": "Ann Admin",
            "userId": "00000000-0000-4000-8000-00000000a0a0",
            "action": format!("Users [{}]. {what}", names.join(", ")),
            "actionId": event.action,
            "ip": "203.0.113.7",
            "actionType": UPDATE,
            "product": 0,
            "location": 30,
            "target": event.target,
            "entries": [USER],
            "context": "",
        })
    }
}
