//! Listing guests, a page of 100 at a time until the portal's `total` is reached.

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::answers;
use crate::api::Portal;
use crate::error::Error;
use crate::html;
use crate::output::{Printer, Table};

/// The most the portal gives in one page.
const PAGE_SIZE: usize = 100;

pub struct Filter {
    pub search: Option<String>,
    pub inviter: Option<String>,
    /// active, disabled or pending.
    pub status: Option<String>,
}

impl Filter {
    fn query(&self) -> Vec<(&'static str, &str)> {
        let mut query = Vec::new();
        if let Some(search) = &self.search {
            query.push(("filterValue", search.as_str()));
        }
        if let Some(inviter) = &self.inviter {
            query.push(("inviterId", inviter.as_str()));
        }
        match self.status.as_deref() {
            Some("active") => query.push(("employeeStatus", "1")),
            Some("disabled") => query.push(("employeeStatus", "2")),
            Some("pending") => query.push(("activationStatus", "2")),
            _ => {}
        }
        query
    }
}

pub fn list(portal: &Portal, out: &Printer, filter: &Filter) -> Result<(), Error> {
    let mut table = Table::new(["ID", "EMAIL", "NAME", "STATUS", "REGISTERED"]);
    let total = each_page(portal, &filter.query(), |page| {
        for guest in page {
            if out.is_human() {
                table.push(out, row(guest))?;
            } else if out.is_json() {
                let [id, email, name, state, _] = row(guest);
                let data = json!({ "id": id, "email": email, "displayName": name, "state": state, "guest": guest });
                out.record("list", true, Some(200), data)?;
            } else {
                out.result(guest["id"].as_str().unwrap_or_default())?;
            }
        }
        Ok(())
    })?;
    if total == 0 {
        return out.say("No guests.");
    }
    table.finish(out)?;
    out.say(&format!("{total} guest(s)"))
}

/// active, disabled or pending (invited, never signed up).
pub fn state(guest: &Value) -> &'static str {
    match (guest["status"].as_i64(), guest["activationStatus"].as_i64()) {
        (Some(2), _) => "disabled",
        (_, Some(2)) => "pending",
        _ => "active",
    }
}

/// The table's cells: id, email, name, status, registration date.
fn row(guest: &Value) -> [String; 5] {
    let text = |field: &str| guest[field].as_str().unwrap_or_default().to_string();
    let status = state(guest);
    let registered: String = text("registrationDate").chars().take(10).collect();
    [
        text("id"),
        text("email"),
        html::decode(&text("displayName")),
        status.to_string(),
        registered,
    ]
}

/// Calls `each` with every page of guests that match `filters`; returns how many
/// there were. All pages go over the agent's one kept-alive connection.
pub fn each_page(
    portal: &Portal,
    filters: &[(&str, &str)],
    each: impl FnMut(&[Value]) -> Result<(), Error>,
) -> Result<usize, Error> {
    each_page_of(portal, Some("Guests"), filters, each)
}

/// The ids of the people of `area` that match `filters`, from every page.
pub fn ids(
    portal: &Portal,
    area: Option<&str>,
    filters: &[(&str, &str)],
) -> Result<HashSet<String>, Error> {
    let mut ids = HashSet::new();
    each_page_of(portal, area, filters, |page| {
        ids.extend(
            page.iter()
                .filter_map(|p| p["id"].as_str().and_then(crate::input::guid)),
        );
        Ok(())
    })?;
    Ok(ids)
}

/// As `each_page`, for the people of `area` (`None`: the users who are not guests).
pub fn each_page_of(
    portal: &Portal,
    area: Option<&str>,
    filters: &[(&str, &str)],
    mut each: impl FnMut(&[Value]) -> Result<(), Error>,
) -> Result<usize, Error> {
    let what = if area.is_some() {
        "the guest list"
    } else {
        "the list of users"
    };
    let mut seen = 0;
    loop {
        let reply = portal.people_page(area, filters, seen, PAGE_SIZE)?;
        if reply.status != 200 {
            return Err(answers::refusal(what, &reply));
        }
        let envelope = answers::success_envelope(&reply);
        let page = envelope
            .as_ref()
            .and_then(|e| e.get("response"))
            .and_then(Value::as_array)
            .ok_or_else(|| {
                Error::Server(format!(
                    "the portal answered 200 to {what}, but not with a list"
                ))
            })?;
        each(page)?;
        seen += page.len();
        let total = envelope
            .as_ref()
            .and_then(|e| e.get("total"))
            .and_then(Value::as_u64)
            .map(|t| t as usize);
        // Without `total`, a short page is the last one.
        let more = match total {
            Some(total) => seen < total,
            None => page.len() == PAGE_SIZE,
        };
        if page.is_empty() || !more {
            return Ok(seen);
        }
    }
}
