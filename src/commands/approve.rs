//! `approve`: a guest shared through a guest sharing link; and `run`, the example's
//! flow: approve that guest, then remove it from your guest list.

use serde_json::json;

use super::Context;
use super::batch::{self, Action, Batch, Known};
use super::recording::ByDefault;
use crate::config::{self, Options};
use crate::error::Error;
use crate::input::{self, Target};
use crate::interrupt::{self, HalfDone};
use crate::net::url::Url;
use crate::output::terminal;
use crate::portal::answers;
use crate::portal::link::{self, GuestLink};
use crate::portal::people::User;
use crate::record::{Change, Outcome};

/// What a second signal names between run's approval and its removal.
static APPROVED_NOT_REMOVED: HalfDone = HalfDone(
    "the guest was approved and perhaps not removed from your guest list: check with \
     docspace-guest list, and remove it with docspace-guest delete ID",
);

/// A sharing link is a short link or a confirm URL of a few hundred bytes; the bound
/// keeps a pasted file out of a request header.
const MAX_LINK_LENGTH: usize = 4096;

/// approve's and run's checks; then the context, once the link is known to be the
/// portal's.
fn open(
    options: &Options,
    command: &str,
    email: &str,
    text: &str,
) -> Result<(Context, GuestLink), Error> {
    input::check_email("--email", email)?;
    if text.len() > MAX_LINK_LENGTH {
        return Err(Error::Usage(format!(
            "--link is {} bytes long; a sharing link has at most {MAX_LINK_LENGTH}: \
             copy the link alone",
            text.len()
        )));
    }
    let link = link::parse(text).map_err(|why| Error::Usage(format!("--link {why}")))?;
    let settings = config::resolve(options)?;
    check_link_host(&link, &settings.portal)?;
    let ctx = Context::changing(options, &settings, command, ByDefault::Not)?;
    Ok((ctx, link))
}

pub fn approve(options: &Options, email: &str, link: &str) -> Result<(), Error> {
    let (ctx, link) = open(options, "approve", email, link)?;
    let approved = approve_guest(&ctx, email, &link).and_then(|guest| match guest {
        Some(guest) => {
            ctx.out.say(&format!("Guest ID: {}", guest.id))?;
            ctx.out.quiet_line(&guest.id)
        }
        None => Ok(()),
    });
    ctx.finish(approved)
}

pub fn run(options: &Options, email: &str, link: &str) -> Result<(), Error> {
    let (ctx, link) = open(options, "run", email, link)?;
    let done = approve_then_remove(&ctx, email, &link);
    interrupt::set_half_done(None);
    ctx.finish(done)
}

/// run's pair: once the approval is sent, its removal follows whatever comes (a
/// signal, a closed stdout).
fn approve_then_remove(ctx: &Context, email: &str, link: &GuestLink) -> Result<(), Error> {
    let (portal, out) = (&ctx.portal, &ctx.out);
    out.say("Approving guest...")?;
    interrupt::set_half_done(Some(&APPROVED_NOT_REMOVED));
    let guest = approve_guest(ctx, email, link)?;
    out.say("")?;
    out.say("Deleting guest...")?;
    let Some(guest) = guest else {
        // A dry run approves nothing, so there is no id yet to delete.
        let change = portal.remove_guests(&["<id from the approval>"]);
        return out.planned("delete", &portal.describe(&change));
    };
    out.quiet_line(&guest.id)?;
    let batch = Batch {
        known: if guest.is_active() {
            Known::ActiveOnYourList
        } else {
            Known::Nothing
        },
        targets: vec![Target::Id(guest.id)],
        batch_size: 1,
        action: Action::Remove,
        ask_first: false,
        paired: true,
        disabled: None,
    };
    batch::apply(ctx, batch)?.verdict()
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

/// Approves, or with `--dry-run` shows the request; `None` when nothing was sent.
fn approve_guest(ctx: &Context, email: &str, link: &GuestLink) -> Result<Option<User>, Error> {
    let (portal, out) = (&ctx.portal, &ctx.out);
    let confirm = match link {
        GuestLink::Confirm { query, .. } => query.clone(),
        GuestLink::Short(short) => {
            let full = portal.resolve_short_link(short)?;
            link::confirm_query_of(&full).map_err(|why| {
                Error::Server(format!("the short link {short} led to a link that {why}"))
            })?
        }
    };
    let change = portal.approve_guest(email, &confirm);
    if ctx.dry_run {
        out.planned("approve", &portal.describe(&change))?;
        return Ok(None);
    }
    ctx.may_change()?;
    let seq = ctx.intent(Change::Approve {
        guest: String::new(),
        email: email.to_string(),
    })?;
    let reply = match portal.send(&change) {
        Ok(reply) => reply,
        Err(error) => {
            ctx.outcome(seq, Outcome::Unknown(error.to_string()));
            return Err(error);
        }
    };
    let approved = answers::approved_guest(&reply).filter(|_| reply.status == 200);
    ctx.outcome(
        seq,
        match &approved {
            Some(_) => Outcome::Done,
            None => Outcome::NotDone(format!("the portal answered {}", reply.status)),
        },
    );
    out.reply_lines("", reply.status, &reply.body)?;
    if reply.status != 200 {
        let error = answers::approve_refusal(portal, &reply);
        out.result(
            "approve",
            false,
            Some(reply.status),
            json!({ "error": error.to_string() }),
        )?;
        return Err(error);
    }
    let guest = approved.ok_or_else(|| {
        Error::Server(
            "the portal answered 200 to approve, but without the guest's id in \
             response.id: the guest may not be approved; check the portal"
                .into(),
        )
    })?;
    out.say(&format!("Approved guest: {} ({})", guest.name, guest.email))?;
    // From 3.5 DocSpace approves whoever the link names (3.1 to 3.4: the email), so
    // only the answer says who was approved; another email means the wrong link.
    if !guest.email.eq_ignore_ascii_case(email) {
        terminal::warn(&format!(
            "the portal approved {}, not --email {email} (the link names the guest); that \
             guest is the one approved",
            guest.email
        ));
    }
    out.result(
        "approve",
        true,
        Some(200),
        json!({ "id": guest.id, "email": guest.email, "displayName": guest.name }),
    )?;
    Ok(Some(guest))
}
