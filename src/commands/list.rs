//! `list`: the guests the caller can see, a page at a time, as a table, ids or JSON.

use serde_json::json;

use super::Context;
use crate::config::Options;
use crate::error::Error;
use crate::input;
use crate::output::{self, Table};
use crate::portal::people::{self, User};

/// `--search` goes into the request's URL.
const MAX_SEARCH_LENGTH: usize = 256;

#[derive(Debug, Default)]
pub struct ListArgs {
    pub search: Option<String>,
    pub inviter: Option<String>,
    pub status: Option<String>,
}

struct Filter {
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

fn check(args: ListArgs) -> Result<Filter, Error> {
    if let Some(search) = args
        .search
        .as_deref()
        .filter(|s| s.len() > MAX_SEARCH_LENGTH)
    {
        return Err(Error::Usage(format!(
            "--search is {} bytes long; give at most {MAX_SEARCH_LENGTH} (part of a name \
             or an email is enough)",
            search.len()
        )));
    }
    let inviter =
        match &args.inviter {
            Some(id) => Some(input::guid(id).ok_or_else(|| {
                Error::Usage(format!("--inviter '{id}' is not a user ID (a GUID)"))
            })?),
            None => None,
        };
    // --status was checked against its choices by the parser.
    Ok(Filter {
        search: args.search,
        inviter,
        status: args.status,
    })
}

pub fn list(options: &Options, args: ListArgs) -> Result<(), Error> {
    let filter = check(args)?;
    let ctx = Context::open(options)?;
    let out = &ctx.out;
    let mut table = Table::new(["ID", "EMAIL", "NAME", "STATUS", "REGISTERED"]);
    let total = people::each_page(&ctx.portal, &filter.query(), |page| {
        for guest in page {
            if out.shows_tables() {
                table.push(out, row(&User::read(guest)))?;
            } else if out.is_json() {
                let [id, email, name, state, _] = row(&User::read(guest));
                let data = json!({ "id": id, "email": email, "displayName": name, "state": state, "guest": guest });
                out.result("list", true, Some(200), data)?;
            } else {
                out.quiet_line(guest["id"].as_str().unwrap_or_default())?;
            }
        }
        Ok(())
    })?;
    if total == 0 {
        table.finish(out)?;
        return out.say("No guests.");
    }
    table.finish(out)?;
    out.say(&output::count(total as u64, "guest"))
}

/// The table's cells: id, email, name, status, registration date.
fn row(guest: &User) -> [String; 5] {
    [
        guest.id.clone(),
        guest.email.clone(),
        guest.name.clone(),
        guest.state().to_string(),
        guest.registered.chars().take(10).collect(),
    ]
}
