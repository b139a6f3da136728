//! When a user's status last changed, from the portal's audit trail (docs/docspace.md
//! §16), for `--disabled-for` and the re-enables `--inactive` respects. Every
//! `PUT people/status` writes one event 4020 naming every id of the call, enable and
//! disable alike, so for a disabled user the newest one naming them is at or after the
//! disabling (late, never early), and for an active one at or after the last enable.
//! - `security/audit/events/filter` filters before it pages, newest first, with no
//!   `total`: the status events are read once, `action=4020` and no `target`, so the
//!   cost is their pages, not a request per guest; each event's `target` is matched
//!   to guests here, by the exact id.
//! - It shares the login history's gate: without the plan's `audit` feature it
//!   answers the portal's latest 20 events, every filter ignored (or 402). An event
//!   asked for from tomorrow on can only be that answer.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::date;
use crate::error::Error;
use crate::portal::Portal;
use crate::portal::logins::{Pages, events, plan_lacks_audit, usable};
use crate::portal::people::guid_number;

/// `UsersUpdatedStatus`, the event of `PUT people/status`.
const STATUS_CHANGED: i64 = 4020;
const PAGE_SIZE: usize = 100;
const WHAT: &str = "the audit trail";

pub enum Trail {
    Read(StatusChanges),
    /// The portal keeps none, or does not show it: why.
    Missing(String),
}

/// The newest status change naming each user (`None`: its date cannot be read).
pub struct StatusChanges {
    last: HashMap<u128, Option<SystemTime>>,
}

/// What the trail says of one user.
#[derive(Debug, PartialEq, Eq)]
pub enum Change {
    At(SystemTime),
    /// The newest event naming them has a date that cannot be read.
    Unreadable,
    None,
}

impl StatusChanges {
    pub fn last(&self, user: &str) -> Change {
        match guid_number(user).and_then(|id| self.last.get(&id)) {
            Some(Some(at)) => Change::At(*at),
            Some(None) => Change::Unreadable,
            None => Change::None,
        }
    }
}

/// Reads every status change, newest first. A portal that keeps no trail, or shows
/// none, is `Missing`, not an error; a key without the scope is (exit 4).
pub fn read(portal: &Portal, now: SystemTime) -> Result<Trail, Error> {
    if let Some(why) = plan_lacks_audit(portal)? {
        return Ok(missing(why));
    }
    let action = STATUS_CHANGED.to_string();
    // Two days on: tomorrow in any time zone.
    let tomorrow = date::utc_date(now + Duration::from_secs(2 * 86_400));
    let probe = [("action", action.as_str()), ("from", tomorrow.as_str())];
    let Some(answer) = usable(portal.audit_events(&probe, 0, 1)?, WHAT)? else {
        return Ok(missing("the portal answered 402 to the audit trail"));
    };
    if !events(answer, WHAT)?.is_empty() {
        return Ok(missing(
            "it answers with its latest events, whatever is asked (no audit feature, or \
             the trail is hidden)",
        ));
    }
    let mut pages = Pages::new();
    let mut last = HashMap::new();
    let filter = [("action", action.as_str())];
    while let Some(start) = pages.next_start() {
        let reply = portal.audit_events(&filter, start, PAGE_SIZE)?;
        let Some(page) = usable(reply, WHAT)? else {
            return Ok(missing("the portal answered 402 to the audit trail"));
        };
        let page = events(page, WHAT)?;
        pages
            .take(&page, &mut |event, at| note(&mut last, event, at))
            .map_err(|broken| broken.error(WHAT, start))?;
    }
    Ok(Trail::Read(StatusChanges { last }))
}

fn missing(why: &str) -> Trail {
    Trail::Missing(format!(
        "the portal keeps no audit trail on its plan ({why})"
    ))
}

/// Newest first: the first event naming a user is their newest.
fn note(last: &mut HashMap<u128, Option<SystemTime>>, event: &Value, at: Option<SystemTime>) {
    if event["actionId"].as_i64() != Some(STATUS_CHANGED) {
        return;
    }
    let Some(ids) = event["target"].as_array() else {
        return;
    };
    for id in ids.iter().filter_map(Value::as_str).filter_map(guid_number) {
        last.entry(id).or_insert(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const GUEST: &str = "3f2b9c1e-7a44-4d0b-9a0e-5c1d2e3f4a5b";
    const OTHER: &str = "3f2b9c1e-7a44-4d0b-9a0e-5c1d2e3f4a5c";

    fn at(day: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(day * 86_400)
    }

    #[test]
    fn the_newest_event_naming_the_exact_id_counts_and_others_do_not() {
        let mut last = HashMap::new();
        // A 4006 (any profile edit) and a target that only contains the id as text.
        note(
            &mut last,
            &json!({ "actionId": 4006, "target": [GUEST] }),
            Some(at(9)),
        );
        let longer = format!("{GUEST}0");
        note(
            &mut last,
            &json!({ "actionId": 4020, "target": [longer] }),
            Some(at(8)),
        );
        note(
            &mut last,
            &json!({ "actionId": 4020, "target": [OTHER, GUEST] }),
            Some(at(7)),
        );
        note(
            &mut last,
            &json!({ "actionId": 4020, "target": [GUEST] }),
            Some(at(3)),
        );
        let changes = StatusChanges { last };
        assert_eq!(changes.last(GUEST), Change::At(at(7)));
        assert_eq!(changes.last(OTHER), Change::At(at(7)));
        assert_eq!(changes.last(&GUEST.to_uppercase()), Change::At(at(7)));
    }

    #[test]
    fn an_unreadable_newest_date_is_not_replaced_by_an_older_one() {
        let mut last = HashMap::new();
        note(
            &mut last,
            &json!({ "actionId": 4020, "target": [GUEST] }),
            None,
        );
        note(
            &mut last,
            &json!({ "actionId": 4020, "target": [GUEST] }),
            Some(at(2)),
        );
        assert_eq!(StatusChanges { last }.last(GUEST), Change::Unreadable);
    }
}
