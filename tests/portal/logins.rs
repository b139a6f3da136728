//! The portal's login history, as docs/docspace.md (§10) says the real one
//! keeps it: `security/audit/login/filter` cuts the page (newest first) before it
//! applies `userId`, `action`, `from` and `to`; without the plan's `audit` feature, or
//! hidden by the operator, it answers the latest 20 events of anyone whatever was
//! asked (402 where SaaS hides it); `portal/quota` tells the feature,
//! `security/audit/settings/lifetime` the retention; dates are written in the
//! tenant's time zone; `count` is up to 1,000 (silently clamped) before 3.2 and
//! 1..100 after (else 400). Only DocSpace admins may read any of it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::endpoints::{Reply, error, paging};
use super::http::Answer;
use super::{FakePortal, Paging, Release, Role, State};

/// A successful sign-in with a password (`LoginSuccess`).
pub const SIGN_IN: u16 = 1000;
/// Other sign-ins the fact sheet lists as successes.
pub const SIGN_IN_VIA_API: u16 = 1010;
pub const SIGN_IN_VIA_SSO: u16 = 1015;
/// Not sign-ins.
pub const FAILED: u16 = 1002;
pub const LOGOUT: u16 = 1006;
pub const SESSION_STARTED: u16 = 1016;

/// How the portal's login history is set up.
pub struct Logins {
    /// Oldest first: a new sign-in is pushed at the end.
    events: Vec<Event>,
    next_id: u64,
    /// The plan's `audit` feature, as the quota tells it.
    pub audit: bool,
    pub hidden: Hidden,
    /// `loginHistoryLifeTime`, days: older events are purged.
    pub lifetime: u32,
    /// The tenant's time zone, minutes east of UTC.
    pub offset_minutes: i32,
    /// Sign-ins of others that happen before each page is answered.
    pub arriving: usize,
}

/// Whether the operator hid the login history (`web:hide-settings`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hidden {
    No,
    /// Self-hosted: the fallback answer, while the quota still says `audit: true`.
    Fallback,
    /// SaaS: 402.
    PaymentRequired,
}

struct Event {
    id: u64,
    /// Seconds since 1970, UTC.
    at: u64,
    user: String,
    action: u16,
}

impl Default for Logins {
    fn default() -> Logins {
        Logins {
            events: Vec::new(),
            next_id: 1,
            audit: true,
            hidden: Hidden::No,
            lifetime: 180,
            offset_minutes: 0,
            arriving: 0,
        }
    }
}

impl Logins {
    fn push(&mut self, user: &str, at: u64, action: u16) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let event = Event {
            id,
            at,
            user: user.to_string(),
            action,
        };
        // Kept oldest first; most events come in order, so this is usually the end.
        let place = self.events.partition_point(|e| e.at <= at);
        self.events.insert(place, event);
        id
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

impl FakePortal {
    /// An event of `user` `ago` before now; returns its id.
    pub fn login_event(&self, user: &str, ago: Duration, action: u16) -> u64 {
        let at = now() - ago.as_secs();
        self.state.lock().unwrap().logins.push(user, at, action)
    }

    /// A successful sign-in `days` days (and an hour) ago.
    pub fn signed_in_days_ago(&self, user: &str, days: u64) -> u64 {
        self.login_event(user, Duration::from_secs(days * 86_400 + 3600), SIGN_IN)
    }

    /// `n` sign-ins of `users` in turn, spread evenly over the last `span`, the
    /// newest a minute ago: in bulk, for the bench.
    pub fn many_sign_ins(&self, users: &[String], n: usize, span: Duration) {
        let mut state = self.state.lock().unwrap();
        let logins = &mut state.logins;
        let end = now() - 60;
        let step = span.as_secs() / n.max(1) as u64;
        let mut events: Vec<Event> = (0..n)
            .map(|i| Event {
                id: logins.next_id + i as u64,
                at: end - (n - i) as u64 * step,
                user: users[i % users.len()].clone(),
                action: SIGN_IN,
            })
            .collect();
        logins.next_id += n as u64;
        logins.events.append(&mut events);
        logins.events.sort_by_key(|e| e.at);
    }

    pub fn set_audit_feature(&self, audit: bool) {
        self.state.lock().unwrap().logins.audit = audit;
    }

    pub fn hide_login_history(&self, hidden: Hidden) {
        self.state.lock().unwrap().logins.hidden = hidden;
    }

    pub fn set_login_lifetime(&self, days: u32) {
        self.state.lock().unwrap().logins.lifetime = days;
    }

    /// The tenant's time zone, in minutes east of UTC: dates are written in it.
    pub fn set_time_zone(&self, offset_minutes: i32) {
        self.state.lock().unwrap().logins.offset_minutes = offset_minutes;
    }

    /// `n` others sign in before each page of the history is answered.
    pub fn sign_ins_while_read(&self, n: usize) {
        self.state.lock().unwrap().logins.arriving = n;
    }
}

impl State {
    pub(super) fn is_docspace_admin(&self, caller: &str) -> bool {
        matches!(
            self.find(caller).map(|c| c.role),
            Some(Role::Owner | Role::Admin)
        )
    }

    /// GET portal/quota: the plan, for DocSpace admins.
    pub(super) fn quota(&self, reply: &Reply, caller: &str) -> Answer {
        if !self.is_docspace_admin(caller) {
            return error(403, "Access denied");
        }
        let audit = self.logins.audit;
        let features = if audit {
            "audit,ldap,sso,thirdparty,restore,oauth,contentsearch,file_size:102400,statistic"
        } else {
            "file_size:102400"
        };
        let quota = json!({
            "tenantId": -1, "name": if audit { "default" } else { "startup" },
            "features": features, "audit": audit, "ldap": audit, "sso": audit,
            "maxFileSize": 107_374_182_400u64, "trial": false, "free": !audit,
        });
        reply.ok(quota, 1)
    }

    /// GET security/audit/settings/lifetime: no feature check, but SaaS's hiding is 402.
    pub(super) fn audit_lifetime(&self, reply: &Reply, caller: &str) -> Answer {
        if !self.is_docspace_admin(caller) {
            return error(403, "Access denied");
        }
        if self.logins.hidden == Hidden::PaymentRequired {
            return error(402, "Your pricing plan does not support this option");
        }
        let mut settings = json!({
            "loginHistoryLifeTime": self.logins.lifetime,
            "auditTrailLifeTime": 180,
        });
        if self.release() > Release::V3_0 {
            settings["lastModified"] = json!("2026-03-04T10:20:30.1234567Z");
        }
        reply.ok(settings, 1)
    }

    /// GET security/audit/login/filter, with the real server's order: newest first,
    /// skip, take, and only then the filters.
    pub(super) fn login_events(&mut self, reply: &Reply, caller: &str) -> Answer {
        if !self.is_docspace_admin(caller) {
            return error(403, "Access denied");
        }
        let request = reply.request;
        // 3.0 and 3.1 (the releases before 3.2 the fake plays) page by the ApiContext.
        let (start, count) = match paging(request, self.release() < Release::V3_5) {
            Ok(paging) => paging,
            Err(answer) => return answer,
        };
        for _ in 0..self.logins.arriving {
            let other = format!("00000000-0000-4000-8000-{:012x}", self.logins.next_id);
            self.logins.push(&other, now(), SIGN_IN);
        }
        let logins = &self.logins;
        let kept_from = now().saturating_sub(u64::from(logins.lifetime) * 86_400);
        let kept = logins.events.partition_point(|e| e.at < kept_from);
        let newest_first = logins.events[kept..].iter().rev();
        let fallback = !logins.audit || logins.hidden == Hidden::Fallback;
        if logins.hidden == Hidden::PaymentRequired {
            return error(402, "Your pricing plan does not support this option");
        }
        let page: Vec<&Event> = if fallback {
            newest_first.take(20).collect()
        } else {
            let start = match self.paging {
                Paging::IgnoresStartIndex => 0,
                _ => start,
            };
            let user = request.param("userId");
            let action = request.param("action").and_then(|a| a.parse::<u16>().ok());
            let time = |name: &str| {
                request
                    .param(name)
                    .and_then(|t| docspace_guest::date::parse_timestamp(&t))
                    .map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_secs())
            };
            let (from, to) = (time("from"), time("to"));
            newest_first
                .skip(start)
                .take(count)
                .filter(|e| user.as_ref().is_none_or(|u| *u == e.user))
                .filter(|e| action.is_none_or(|a| a == e.action))
                .filter(|e| from.is_none_or(|f| e.at >= f) && to.is_none_or(|t| e.at <= t))
                .collect()
        };
        let events: Vec<Value> = page.iter().map(|e| self.event_json(e)).collect();
        let n = events.len();
        reply.ok(json!(events), n)
    }

    fn event_json(&self, event: &Event) -> Value {
        let user = self.find(&event.user);
        let name = user.map_or("Unknown".to_string(), |u| {
            format!("{} {}", u.first_name, u.last_name)
        });
        let action = match event.action {
            SIGN_IN => "Logged in",
            FAILED => "Login failed. Invalid username or password",
            LOGOUT => "Logged out",
            _ => "Logged in via API or SSO",
        };
        json!({
            "id": event.id,
            "date": tenant_time(event.at, self.logins.offset_minutes),
            "user": name,
            "userId": event.user,
            "login": user.map(|u| u.email.clone()),
            "action": action,
            "actionId": event.action,
            "ip": "203.0.113.7",
            "browser": "Chrome 133.0",
            "platform": "Windows 10",
            "page": format!("{}/login", self.base),
        })
    }
}

/// An ApiDateTime in the tenant's time zone: "2025-03-04T13:20:30.0000000+03:00", or
/// with `Z` when the offset is 0.
pub(super) fn tenant_time(at: u64, offset_minutes: i32) -> String {
    let local = (at as i64 + i64::from(offset_minutes) * 60) as u64;
    let text = docspace_guest::date::format_utc(UNIX_EPOCH + Duration::from_secs(local));
    let zone = match offset_minutes {
        0 => "Z".to_string(),
        m => format!(
            "{}{:02}:{:02}",
            if m < 0 { '-' } else { '+' },
            m.abs() / 60,
            m.abs() % 60
        ),
    };
    format!("{}T{}.0000000{zone}", &text[..10], &text[11..19])
}
