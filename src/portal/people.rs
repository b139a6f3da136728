//! People: DocSpace's user object (`User`, read here and nowhere else), guests and
//! users read a page of 100 at a time, and an email looked up. The portal's paging is
//! not trusted: a cache that ignores `startIndex`, a `total` never reached, or a list
//! that changes while it is read must neither loop nor count anyone twice (see
//! `Pager`).

use std::collections::HashSet;

use serde_json::Value;

use crate::error::Error;
use crate::html;
use crate::input;
use crate::net::http::Reply;
use crate::portal::Portal;
use crate::portal::answers;

/// The most the portal gives in one page.
const PAGE_SIZE: usize = 100;

/// A person of DocSpace, guest or user, as the people, rooms and approve endpoints
/// write one (`EmployeeFullDto`): the one reader of that object.
#[derive(Debug, Clone, Default)]
pub struct User {
    /// As the portal wrote it; `with_guid` keeps only users whose id is a GUID.
    pub id: String,
    pub email: String,
    /// `displayName`, HTML-decoded.
    pub name: String,
    pub kind: Kind,
    /// `isVisitor`: DocSpace's flag for a guest.
    pub guest: bool,
    /// `status`: 1 active, 2 disabled.
    pub status: Option<i64>,
    /// `activationStatus`: 2 pending (invited, never signed up).
    pub activation: Option<i64>,
    /// `registrationDate`, as the portal wrote it.
    pub registered: String,
    /// `createdBy`: who invited the user, when its id is a GUID.
    pub inviter: Option<Inviter>,
    /// `terminated`: set by a disable through `PUT people/{id}` only.
    pub terminated: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Inviter {
    pub id: String,
    /// HTML-decoded; `None` when the portal did not say.
    pub name: Option<String>,
}

/// The account's type, for who-am-I and for what a room admin may do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Kind {
    Owner,
    DocSpaceAdmin,
    RoomAdmin,
    #[default]
    User,
    Guest,
}

impl Kind {
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Owner => "DocSpace admin (owner)",
            Kind::DocSpaceAdmin => "DocSpace admin",
            Kind::RoomAdmin => "room admin",
            Kind::User => "user",
            Kind::Guest => "guest",
        }
    }

    pub fn is_docspace_admin(self) -> bool {
        matches!(self, Kind::Owner | Kind::DocSpaceAdmin)
    }
}

impl User {
    /// Every field, each defaulted when missing: the readers decide what they need.
    pub fn read(user: &Value) -> User {
        let text = |field: &str| user[field].as_str().unwrap_or_default().to_string();
        let flag = |name: &str| user[name].as_bool().unwrap_or(false);
        let kind = if flag("isOwner") {
            Kind::Owner
        } else if flag("isAdmin") {
            Kind::DocSpaceAdmin
        } else if flag("isRoomAdmin") {
            Kind::RoomAdmin
        } else if flag("isVisitor") {
            Kind::Guest
        } else {
            Kind::User
        };
        let created_by = &user["createdBy"];
        User {
            id: text("id"),
            email: text("email"),
            name: html::decode(&text("displayName")),
            kind,
            guest: user["isVisitor"].as_bool() == Some(true),
            status: user["status"].as_i64(),
            activation: user["activationStatus"].as_i64(),
            registered: text("registrationDate"),
            terminated: user["terminated"].as_str().map(str::to_string),
            inviter: created_by["id"]
                .as_str()
                .and_then(input::guid)
                .map(|id| Inviter {
                    id,
                    name: created_by["displayName"].as_str().map(html::decode),
                }),
        }
    }

    /// The user, with its id as a GUID in the tool's form; `None` when it is none.
    pub fn with_guid(user: &Value) -> Option<User> {
        let user = User::read(user);
        Some(User {
            id: input::guid(&user.id)?,
            ..user
        })
    }

    /// active, disabled or pending (invited, never signed up).
    pub fn state(&self) -> &'static str {
        match (self.status, self.activation) {
            (Some(2), _) => "disabled",
            (_, Some(2)) => "pending",
            _ => "active",
        }
    }

    /// `status` 1: an active account.
    pub fn is_active(&self) -> bool {
        self.status == Some(1)
    }
}

/// Reads who the credential acts as (`GET people/@self`); any other answer is the
/// call's failure.
pub fn account(reply: &Reply) -> Result<User, Error> {
    if reply.status != 200 {
        return Err(answers::refusal("who-am-I", reply));
    }
    let user = answers::success_envelope(reply)
        .and_then(|mut e| e.get_mut("response").map(Value::take))
        .filter(|u| u.get("id").is_some())
        .ok_or_else(|| {
            Error::Server("the portal answered 200 but without a user in response".into())
        })?;
    Ok(User::read(&user))
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
/// `each` gets only people not seen on an earlier page; an entry whose id is not a
/// GUID stops the reading with an error naming it.
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
    let mut pager = Pager::new(PAGE_SIZE);
    while let Some(start) = pager.next_start() {
        let reply = portal.people_page(area, filters, start, PAGE_SIZE)?;
        if reply.status != 200 {
            return Err(answers::refusal(what, &reply));
        }
        let mut envelope = answers::success_envelope(&reply);
        let total = envelope
            .as_ref()
            .and_then(|e| e.get("total"))
            .and_then(Value::as_u64);
        let page = envelope
            .as_mut()
            .and_then(|e| e.get_mut("response"))
            .and_then(Value::as_array_mut)
            .ok_or_else(|| {
                Error::Server(format!(
                    "the portal answered 200 to {what}, but not with a list"
                ))
            })?;
        let ids: Vec<Option<u128>> = page
            .iter()
            .map(|person| person["id"].as_str().and_then(guid_number))
            .collect();
        // Passed over, such an entry would be a person the command never counts: a
        // guest left out of "No guests." or of a removal, with no word of it.
        if let Some(person) = page
            .iter()
            .zip(&ids)
            .find_map(|(p, id)| id.is_none().then_some(p))
        {
            return Err(Error::Server(format!(
                "the portal answered {what} with an entry whose id is not a GUID ({}); \
                 stopped, as the list cannot be read whole: check the portal or the proxy \
                 in front of it",
                entry_named(person)
            )));
        }
        let fresh = pager.take(&ids, total).map_err(|PagingBroken| {
            Error::Server(format!(
                "the portal's paging of {what} is broken: a full page (from startIndex \
                 {start}) brought no one not already read, so it ignores startIndex (a cache \
                 in front of the portal?); stopped, nothing was changed"
            ))
        })?;
        let fresh: Vec<Value> = page
            .iter_mut()
            .zip(fresh)
            .filter(|(_, fresh)| *fresh)
            .map(|(person, _)| person.take())
            .collect();
        each(&fresh)?;
    }
    Ok(pager.counted())
}

/// A list entry for a message: its `id` and `displayName` as JSON, each cut short.
fn entry_named(person: &Value) -> String {
    let short = |value: &Value| {
        let text = value.to_string();
        match text.char_indices().nth(60) {
            Some((end, _)) => format!("{}…", &text[..end]),
            None => text,
        }
    };
    format!(
        "id {}, displayName {}",
        short(&person["id"]),
        short(&person["displayName"])
    )
}

/// Looks an email up. `Err` inside is this item's failure; the outer `Err` stops the
/// whole command (nothing has been written yet).
pub fn lookup(portal: &Portal, email: &str) -> Result<Result<String, (Option<u16>, Error)>, Error> {
    let reply = portal.user_by_email(email)?;
    let fails = |error: Error| Ok(Err((Some(reply.status), error)));
    match reply.status {
        200 => {}
        // Nothing is written yet, and every other lookup would be refused the same way.
        401 | 429 => return Err(answers::unexpected("the lookup", &reply)),
        404 => return fails(Error::Server("no user has this email (404)".into())),
        403 => return fails(Error::Denied("you may not see this user (403)".into())),
        _ => return fails(answers::unexpected("the lookup", &reply)),
    }
    let user =
        answers::success_envelope(&reply).and_then(|mut e| e.get_mut("response").map(Value::take));
    match user.as_ref().and_then(User::with_guid) {
        Some(user) if user.guest => Ok(Ok(user.id)),
        Some(_) => fails(Error::Server(
            "is not a guest but a user; not touched".into(),
        )),
        None => fails(Error::Server(
            "the lookup answered 200 without a user id".into(),
        )),
    }
}

/// The most people a list may hold: a bound on what a portal that invents ever more
/// pages can make the tool read.
const MAX_PEOPLE: u64 = 1_000_000;

/// Reads pages of a list whose paging may be wrong, so that reading always ends and
/// each id counts once. It ends at a page that is empty or shorter than asked, once
/// the `total` is reached, or after the pages the first `total` implies plus one (a
/// list changes while it is read: a guest removed meanwhile shortens the last page, a
/// guest added shifts one id onto the next page, where it is not counted again). A
/// full page without a new id means the portal ignores `startIndex`: `PagingBroken`.
pub struct Pager {
    page_size: usize,
    next_start: usize,
    pages_read: u64,
    most_pages: u64,
    /// GUIDs as numbers: 16 bytes a person, whatever the id's text.
    seen: HashSet<u128>,
    ended: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub struct PagingBroken;

impl Pager {
    pub fn new(page_size: usize) -> Pager {
        Pager {
            page_size: page_size.max(1),
            next_start: 0,
            pages_read: 0,
            most_pages: u64::MAX,
            seen: HashSet::new(),
            ended: false,
        }
    }

    /// The `startIndex` of the next page to read, `None` once the list has ended.
    pub fn next_start(&self) -> Option<usize> {
        (!self.ended).then_some(self.next_start)
    }

    /// Takes the ids of the page read at `next_start` (`None` for an entry without a
    /// readable id, which is passed over) and the `total` it reported; says which
    /// entries are new.
    pub fn take(
        &mut self,
        ids: &[Option<u128>],
        total: Option<u64>,
    ) -> Result<Vec<bool>, PagingBroken> {
        let page_size = self.page_size as u64;
        if self.pages_read == 0 {
            let people = total.unwrap_or(MAX_PEOPLE).min(MAX_PEOPLE);
            self.most_pages = people.div_ceil(page_size) + 1;
        }
        self.pages_read += 1;
        let fresh: Vec<bool> = ids
            .iter()
            .map(|id| id.is_some_and(|id| self.seen.insert(id)))
            .collect();
        let full = ids.len() >= self.page_size;
        if full && !fresh.contains(&true) {
            self.ended = true;
            return Err(PagingBroken);
        }
        self.next_start = self.next_start.saturating_add(ids.len());
        self.ended = !full
            || total.is_some_and(|total| self.next_start as u64 >= total)
            || self.pages_read >= self.most_pages;
        Ok(fresh)
    }

    /// How many different people were read.
    pub fn counted(&self) -> usize {
        self.seen.len()
    }
}

/// A GUID's 128 bits, for a set of ids that costs 16 bytes each.
pub fn guid_number(text: &str) -> Option<u128> {
    let guid = crate::input::guid(text)?;
    u128::from_str_radix(&guid.replace('-', ""), 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(range: std::ops::Range<u128>) -> Vec<Option<u128>> {
        range.map(Some).collect()
    }

    #[test]
    fn pages_end_at_a_short_page_or_the_total() {
        let mut pager = Pager::new(100);
        assert_eq!(pager.next_start(), Some(0));
        pager.take(&ids(0..100), Some(250)).unwrap();
        assert_eq!(pager.next_start(), Some(100));
        pager.take(&ids(100..200), Some(250)).unwrap();
        pager.take(&ids(200..250), Some(250)).unwrap();
        assert_eq!(pager.next_start(), None);
        assert_eq!(pager.counted(), 250);

        let mut exact = Pager::new(100);
        exact.take(&ids(0..100), Some(100)).unwrap();
        assert_eq!(exact.next_start(), None, "no empty page after the total");
    }

    #[test]
    fn a_portal_that_ignores_start_index_is_caught_on_the_second_page() {
        let mut pager = Pager::new(100);
        pager.take(&ids(0..100), Some(300)).unwrap();
        assert_eq!(pager.take(&ids(0..100), Some(300)), Err(PagingBroken));
        assert_eq!(pager.next_start(), None);
        assert_eq!(pager.counted(), 100);
    }

    #[test]
    fn a_growing_total_ends_one_page_past_the_first() {
        let mut pager = Pager::new(100);
        let mut pages = 0;
        let mut next = 0;
        while pager.next_start().is_some() {
            let total = if pages == 0 { 250 } else { 1_000_000 };
            pager.take(&ids(next..next + 100), Some(total)).unwrap();
            next += 100;
            pages += 1;
        }
        assert_eq!(pages, 4, "250 implies 3 pages, plus one");
    }

    #[test]
    fn an_id_shifted_onto_the_next_page_counts_once() {
        let mut pager = Pager::new(3);
        assert_eq!(pager.take(&ids(0..3), Some(6)).unwrap(), [true; 3]);
        // A guest added at the front pushed id 2 onto the second page.
        assert_eq!(
            pager.take(&ids(2..5), Some(7)).unwrap(),
            [false, true, true]
        );
        assert_eq!(
            pager.take(&[Some(5), None], Some(7)).unwrap(),
            [true, false]
        );
        assert_eq!(pager.next_start(), None);
        assert_eq!(pager.counted(), 6);
    }

    #[test]
    fn guids_become_numbers_whatever_their_case() {
        let lower = guid_number("3f2b9c1e-7a44-4d0b-9a0e-5c1d2e3f4a5b");
        assert_eq!(lower, guid_number("3F2B9C1E-7A44-4D0B-9A0E-5C1D2E3F4A5B"));
        assert_eq!(lower, Some(0x3f2b9c1e_7a44_4d0b_9a0e_5c1d2e3f4a5b));
        assert_eq!(guid_number("not-a-guid"), None);
    }
}
