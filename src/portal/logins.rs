//! `--inactive DAYS`: who has not signed in for DAYS days, from the portal's login
//! history (docs/docspace.md §10). DocSpace keeps no last-login field, and
//! its history is easy to misread:
//! - `security/audit/login/filter` cuts the page before it filters, so a page asked
//!   for one user can be empty while that user signed in yesterday. The history is
//!   read once, unfiltered, newest first, until it passes the cutoff or ends, and
//!   matched to guests here: the cost is the events of the window, not the guests.
//! - Without the plan's `audit` feature, or hidden by the operator, the same call
//!   answers 200 with the latest 20 events of anyone, whatever was asked (or 402).
//!   The quota says whether the plan has it; the answer itself is checked too.
//! - It keeps `loginHistoryLifeTime` days; where it ends, absence proves nothing.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::date;
use crate::error::Error;
use crate::net::http::Reply;
use crate::output;
use crate::portal::Portal;
use crate::portal::answers;
use crate::portal::people::User;
use crate::portal::people::guid_number;

/// The most a page may hold from 3.2 on (a larger `count` is a 400); earlier releases
/// take it too (they clamp at 1,000).
const PAGE_SIZE: usize = 100;
/// What the answer of a portal without a login history holds at most.
const FALLBACK_EVENTS: usize = 20;
/// A bound on what a portal that invents ever more pages can make the tool read.
const MAX_EVENTS: u64 = 10_000_000;
const DAY: u64 = 86_400;
/// The `actionId`s of successful sign-ins (`LoginSuccess*`); failed attempts, logouts
/// and sessions are not sign-ins.
const SIGN_INS: &[i64] = &[
    1000, 1001, 1007, 1010, 1011, 1012, 1015, 1019, 1021, 1024, 1028, 1029,
];

/// The words for a portal without a login history, in every message that needs them.
const NO_HISTORY: &str = "this portal keeps no login history on its plan";
const WHAT: &str = "the login history";

pub enum History {
    Read(SignIns),
    /// The portal keeps none, or does not show it: why.
    Missing(String),
}

/// What the history says, a date a user: each user's last sign-in since the cutoff.
pub struct SignIns {
    pub days: u32,
    pub cutoff: SystemTime,
    /// How far back the history was read: the cutoff, or a later time when it ends
    /// before (the retention lowered, the plan bought recently, a restored portal).
    reach: SystemTime,
    /// `None`: a sign-in whose date cannot be read.
    last: HashMap<u128, Option<SystemTime>>,
}

/// A guest by the history.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    SignedIn(SystemTime),
    /// No sign-in since the cutoff, registered before it: selected.
    NoneSince,
    /// Registered after the history begins, and no sign-in in it.
    Never,
    /// The history does not reach back far enough to tell.
    Unknown,
}

impl SignIns {
    pub fn judge(&self, guest: &str, registered: SystemTime) -> Verdict {
        match guid_number(guest).and_then(|id| self.last.get(&id)) {
            Some(Some(at)) => Verdict::SignedIn(*at),
            Some(None) => Verdict::Unknown,
            None if registered >= self.reach => Verdict::Never,
            None if self.reach <= self.cutoff => Verdict::NoneSince,
            None => Verdict::Unknown,
        }
    }

    /// "2026-08-31", the UTC date of the cutoff.
    pub fn cutoff_date(&self) -> String {
        date::utc_date(self.cutoff)
    }

    /// The last sign-in as a row shows it: its date, "none since …", "never" or
    /// "unknown".
    pub fn describe(&self, verdict: &Verdict) -> String {
        match verdict {
            Verdict::SignedIn(at) => date::utc_date(*at),
            Verdict::NoneSince => format!("none since {}", self.cutoff_date()),
            Verdict::Never => "never".into(),
            Verdict::Unknown => "unknown".into(),
        }
    }

    /// Why a guest is unknown, for the row that says it.
    pub fn unknown_reason(&self) -> String {
        format!(
            "not evaluated: the login history reaches back only to {}, not {} (to {}); \
             last sign-in unknown, never changed",
            date::utc_date(self.reach),
            output::count(u64::from(self.days), "day"),
            self.cutoff_date()
        )
    }
}

/// Reads the history for `--inactive DAYS`: checks the caller, the plan and the
/// retention, then reads the window once. A portal that keeps no history, or shows
/// none, is `Missing`, not an error: review lists every guest as not evaluated.
pub fn read(portal: &Portal, me: &User, days: u32, now: SystemTime) -> Result<History, Error> {
    if !me.kind.is_docspace_admin() {
        return Err(Error::Usage(format!(
            "--inactive: reading the login history needs a DocSpace admin; this credential \
             acts as a {}",
            me.kind.describe()
        )));
    }
    if let Some(why) = plan_lacks_audit(portal)? {
        return Ok(missing(why));
    }
    let reply = portal.audit_lifetime()?;
    let Some(settings) = usable(reply, "the login history's settings")? else {
        return Ok(missing("the portal answered 402 to the history's settings"));
    };
    let kept = settings
        .pointer("/response/loginHistoryLifeTime")
        .and_then(Value::as_u64)
        .ok_or_else(|| {
            Error::Server(
                "the portal's login history settings name no loginHistoryLifeTime; nothing \
                 was changed"
                    .into(),
            )
        })?;
    if u64::from(days) > kept {
        return Err(Error::Usage(format!(
            "--inactive {days} reaches past the login history: this portal keeps {} of \
             it (loginHistoryLifeTime); use --inactive {kept} or less, or keep it longer \
             in the portal's settings",
            output::count(kept, "day")
        )));
    }
    let cutoff = now - Duration::from_secs(u64::from(days) * DAY);
    let mut reader = Reader::new(cutoff);
    while let Some(start) = reader.next_start() {
        let Some(page) = usable(portal.login_events(start, PAGE_SIZE)?, WHAT)? else {
            return Ok(missing("the portal answered 402 to the login history"));
        };
        let page = events(page, WHAT)?;
        // More than 20 events prove a real answer; fewer may be the fallback.
        if start == 0 && page.len() <= FALLBACK_EVENTS && is_fallback(portal, &page)? {
            return Ok(missing(
                "it answers with the latest events of anyone, whatever is asked \
                 (no audit feature, or the history is hidden)",
            ));
        }
        reader
            .take(&page)
            .map_err(|broken| broken.error(WHAT, start))?;
    }
    Ok(History::Read(reader.finish(days, now)))
}

fn missing(why: &str) -> History {
    History::Missing(format!("{NO_HISTORY} ({why})"))
}

/// Whether the plan says it keeps no history (the login history and the audit trail
/// share the `audit` feature): why, or `None`. A quota the caller may not read (a 403
/// with the portal's words, to a DocSpace admin) decides nothing: the answer itself
/// does. A 403 without words is the key's scope, and an error.
pub(super) fn plan_lacks_audit(portal: &Portal) -> Result<Option<&'static str>, Error> {
    let reply = portal.portal_quota()?;
    if reply.status == 403 && answers::server_message(&reply.body).is_some() {
        return Ok(None);
    }
    let Some(quota) = usable(reply, "the portal's quota")? else {
        return Ok(Some("the portal answered 402 to its quota"));
    };
    Ok(
        (quota.pointer("/response/audit").and_then(Value::as_bool) == Some(false))
            .then_some("its quota has no audit feature"),
    )
}

/// The envelope of a 200; `None` for a 402 (the plan lacks it, or it is hidden).
pub(super) fn usable(reply: Reply, what: &str) -> Result<Option<Value>, Error> {
    match reply.status {
        200 => answers::success_envelope(&reply).map(Some).ok_or_else(|| {
            Error::Server(format!(
                "the portal answered 200 to {what}, but not with DocSpace's envelope"
            ))
        }),
        402 => Ok(None),
        _ => Err(answers::history_refusal(what, &reply)),
    }
}

pub(super) fn events(mut envelope: Value, what: &str) -> Result<Vec<Value>, Error> {
    match envelope.get_mut("response").map(Value::take) {
        Some(Value::Array(events)) => Ok(events),
        _ => Err(Error::Server(format!(
            "the portal answered 200 to {what}, but not with a list"
        ))),
    }
}

/// Asks `count=1&startIndex=1`: the real history answers at most one event, never
/// the newest; the fallback ignores both and answers its latest events again. A race
/// with a new sign-in can only make a real history look like the fallback.
fn is_fallback(portal: &Portal, first: &[Value]) -> Result<bool, Error> {
    let Some(probe) = usable(portal.login_events(1, 1)?, WHAT)? else {
        return Ok(true);
    };
    let probe = events(probe, WHAT)?;
    Ok(match probe.as_slice() {
        [] => false,
        [only] => first
            .first()
            .is_some_and(|newest| newest["id"] == only["id"]),
        _ => true,
    })
}

/// Why a history cannot be read by pages.
#[derive(Debug, PartialEq, Eq)]
pub enum Broken {
    /// A full page that brought no event not already read: the paging ignores
    /// `startIndex` (a cache in front of the portal?).
    Paging,
    /// A page not newest first: where it ends says nothing about the cutoff.
    Order,
    TooMany,
}

impl Broken {
    pub(super) fn error(self, what: &str, start: usize) -> Error {
        Error::Server(match self {
            Broken::Paging => format!(
                "the portal's paging of {what} is broken: a full page (from startIndex \
                 {start}) brought no event not already read, so it ignores startIndex (a \
                 cache in front of the portal?); stopped, nothing was changed"
            ),
            Broken::Order => format!(
                "{what} is not newest first (the page from startIndex {start} has an event \
                 newer than the one before it), so it cannot be read by pages; stopped, \
                 nothing was changed"
            ),
            Broken::TooMany => format!(
                "{what} holds more than {MAX_EVENTS} events to read; stopped, nothing was \
                 changed"
            ),
        })
    }
}

/// The pages of a history read newest first (the login history, the audit trail), as
/// a pure state machine. Events that arrive meanwhile push others onto the next page:
/// an id seen on the page before is read once (only that page's ids are kept, so
/// memory does not grow with the events). It ends at a page shorter than asked, or
/// when the reader says it has read enough (`stop`).
pub(super) struct Pages {
    next_start: usize,
    ended: bool,
    /// Event ids as u128, the set type the guest pager uses: one copy of its code.
    previous: HashSet<u128>,
    read: u64,
}

impl Pages {
    pub(super) fn new() -> Pages {
        Pages {
            next_start: 0,
            ended: false,
            previous: HashSet::new(),
            read: 0,
        }
    }

    pub(super) fn next_start(&self) -> Option<usize> {
        (!self.ended).then_some(self.next_start)
    }

    pub(super) fn stop(&mut self) {
        self.ended = true;
    }

    /// Gives `each` every event of the page not read before, with its date.
    pub(super) fn take(
        &mut self,
        page: &[Value],
        each: &mut dyn FnMut(&Value, Option<SystemTime>),
    ) -> Result<(), Broken> {
        let mut ids = HashSet::new();
        let mut fresh = false;
        let mut before = None;
        for event in page {
            let at = event["date"].as_str().and_then(date::parse_timestamp);
            if let Some(at) = at {
                if before.is_some_and(|before| at > before) {
                    self.ended = true;
                    return Err(Broken::Order);
                }
                before = Some(at);
            }
            let id = event["id"].as_u64().map(u128::from);
            if let Some(id) = id {
                // Kept for the next page whether read now or not.
                let new = ids.insert(id);
                if !new || self.previous.contains(&id) {
                    continue;
                }
                fresh = true;
            }
            self.read += 1;
            each(event, at);
        }
        self.previous = ids;
        let full = page.len() >= PAGE_SIZE;
        if full && !fresh {
            self.ended = true;
            return Err(Broken::Paging);
        }
        if self.read > MAX_EVENTS {
            self.ended = true;
            return Err(Broken::TooMany);
        }
        self.next_start += page.len();
        self.ended = !full;
        Ok(())
    }
}

/// The login history's pages, read until they pass the cutoff or end.
struct Reader {
    pages: Pages,
    cutoff: SystemTime,
    /// A page reached past the cutoff: the history covers the whole window.
    covered: bool,
    oldest: Option<SystemTime>,
    last: HashMap<u128, Option<SystemTime>>,
}

impl Reader {
    fn new(cutoff: SystemTime) -> Reader {
        Reader {
            pages: Pages::new(),
            cutoff,
            covered: false,
            oldest: None,
            last: HashMap::new(),
        }
    }

    fn next_start(&self) -> Option<usize> {
        self.pages.next_start()
    }

    fn take(&mut self, page: &[Value]) -> Result<(), Broken> {
        let (cutoff, covered, oldest, last) = (
            self.cutoff,
            &mut self.covered,
            &mut self.oldest,
            &mut self.last,
        );
        self.pages.take(page, &mut |event, at| {
            if let Some(at) = at {
                *oldest = Some(oldest.map_or(at, |oldest| oldest.min(at)));
                *covered |= at < cutoff;
            }
            note(last, cutoff, event, at);
        })?;
        if self.covered {
            self.pages.stop();
        }
        Ok(())
    }

    fn finish(self, days: u32, now: SystemTime) -> SignIns {
        let reach = if self.covered {
            self.cutoff
        } else {
            self.oldest.unwrap_or(now)
        };
        SignIns {
            days,
            cutoff: self.cutoff,
            reach,
            last: self.last,
        }
    }
}

/// A sign-in in the window counts; one whose date cannot be read makes its user
/// unknown, unless a readable one is in the window.
fn note(
    last: &mut HashMap<u128, Option<SystemTime>>,
    cutoff: SystemTime,
    event: &Value,
    at: Option<SystemTime>,
) {
    let sign_in = event["actionId"]
        .as_i64()
        .is_some_and(|action| SIGN_INS.contains(&action));
    let Some(user) = event["userId"].as_str().and_then(guid_number) else {
        return;
    };
    if !sign_in {
        return;
    }
    match at {
        Some(at) if at >= cutoff => {
            let last = last.entry(user).or_insert(Some(at));
            *last = Some(last.map_or(at, |last| last.max(at)));
        }
        Some(_) => {}
        None => {
            last.entry(user).or_insert(None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const GUEST: &str = "3f2b9c1e-7a44-4d0b-9a0e-5c1d2e3f4a5b";

    fn at(days_ago: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(400 * DAY - days_ago * DAY)
    }

    fn event(id: i64, user: &str, action: i64, days_ago: u64) -> Value {
        let text = date::format_utc(at(days_ago));
        json!({ "id": id, "userId": user, "actionId": action,
                "date": format!("{}T{}Z", &text[..10], &text[11..19]) })
    }

    fn others(ids: std::ops::Range<i64>, days_ago: u64) -> Vec<Value> {
        let other = "00000000-0000-4000-8000-000000000001";
        ids.map(|id| event(id, other, 1000, days_ago)).collect()
    }

    #[test]
    fn a_sign_in_behind_a_page_of_others_counts() {
        let mut reader = Reader::new(at(90));
        reader.take(&others(0..100, 1)).unwrap();
        assert_eq!(reader.next_start(), Some(100));
        let mut page = others(100..150, 2);
        page.push(event(150, GUEST, 1010, 3));
        reader.take(&page).unwrap();
        assert_eq!(reader.next_start(), None, "a short page ends it");
        let sign_ins = reader.finish(90, at(0));
        assert_eq!(sign_ins.judge(GUEST, at(200)), Verdict::SignedIn(at(3)));
        // The history ended 2 days back: who registered before is unknown.
        let stranger = "00000000-0000-4000-8000-000000000009";
        assert_eq!(sign_ins.judge(stranger, at(200)), Verdict::Unknown);
        assert_eq!(sign_ins.judge(stranger, at(1)), Verdict::Never);
    }

    #[test]
    fn failures_do_not_count_and_the_cutoff_ends_it() {
        let mut reader = Reader::new(at(90));
        let mut page = others(0..98, 10);
        page.push(event(98, GUEST, 1002, 20));
        page.push(event(99, GUEST, 1000, 95));
        reader.take(&page).unwrap();
        assert_eq!(reader.next_start(), None, "past the cutoff");
        let sign_ins = reader.finish(90, at(0));
        assert_eq!(sign_ins.judge(GUEST, at(200)), Verdict::NoneSince);
        assert_eq!(sign_ins.judge(GUEST, at(30)), Verdict::Never);
    }

    #[test]
    fn shifted_events_are_read_once_and_a_repeated_page_is_broken() {
        let mut reader = Reader::new(at(90));
        reader.take(&others(0..100, 1)).unwrap();
        // Ten new sign-ins pushed 90..100 onto the next page.
        reader.take(&others(90..190, 1)).unwrap();
        assert_eq!(reader.pages.read, 190);
        assert_eq!(reader.take(&others(90..190, 1)), Err(Broken::Paging));
        assert_eq!(reader.next_start(), None);
    }

    #[test]
    fn a_page_not_newest_first_is_refused() {
        let mut reader = Reader::new(at(90));
        let mut page = others(0..3, 100);
        page.push(event(3, GUEST, 1000, 1));
        assert_eq!(reader.take(&page), Err(Broken::Order));
        assert_eq!(reader.next_start(), None);
    }

    #[test]
    fn an_unreadable_date_makes_its_user_unknown() {
        let mut reader = Reader::new(at(90));
        let mut page = others(0..3, 1);
        page.push(json!({ "id": 9, "userId": GUEST, "actionId": 1000, "date": "soon" }));
        reader.take(&page).unwrap();
        let sign_ins = reader.finish(90, at(0));
        assert_eq!(sign_ins.judge(GUEST, at(1)), Verdict::Unknown);
    }
}
