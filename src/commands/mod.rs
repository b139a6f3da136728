//! What each command does. Input is checked in full before anything is sent; then
//! the command talks to the portal through `api` and reports through `output`.

pub mod batch;
mod policy;
mod revoke;

use std::io::IsTerminal;
use std::path::Path;

use serde_json::{Value, json};

use crate::cli::{Command, ExpireAction, ExpireArgs, ListArgs, RoomArgs, Targets};
use crate::config::{self, Options};
use crate::error::Error;
use crate::input::{self, Target};
use crate::net::http::Portal;
use crate::net::url::Url;
use crate::output::{Printer, terminal};
use crate::portal::link::{self, GuestLink};
use crate::portal::people::{self, Filter};
use crate::portal::rooms;
use crate::portal::{answers, release};
use batch::{Action, Batch, Known};
use policy::Policy;

/// A sharing link is a short link or a confirm URL of a few hundred bytes; the bound
/// keeps a pasted file out of a request header.
const MAX_LINK_LENGTH: usize = 4096;
/// `--search` goes into the request's URL.
const MAX_SEARCH_LENGTH: usize = 256;

/// A command whose input has been checked; nothing has been sent yet.
enum Job {
    Approve {
        email: String,
        link: GuestLink,
    },
    Run {
        email: String,
        link: GuestLink,
    },
    /// delete, disable or enable: a batch of guests to change.
    Batch(Batch),
    List(Filter),
    ShareLink {
        id: String,
    },
    Whoami,
    Review(Policy),
    Expire(Policy, ExpireArgs),
    Access(rooms::Query),
    Revoke(revoke::Job),
    Restore(std::path::PathBuf),
}

pub fn execute(command: Command, options: Options) -> Result<(), Error> {
    let (dry_run, csv) = (options.dry_run, options.csv);
    let job = check(command, &options)?;
    let settings = config::resolve(&options)?;
    if let Job::Approve { link, .. } | Job::Run { link, .. } = &job {
        check_link_host(link, &settings.portal)?;
    }
    let portal = Portal::new(&settings)?;
    let out = Printer::new(options.verbosity, options.json).with_csv(csv);
    match job {
        Job::Approve { email, link } => {
            let Some(guest) = approve(&portal, &out, &email, &link, dry_run)? else {
                return Ok(());
            };
            out.say(&format!("Guest ID: {}", guest.id))?;
            out.quiet_line(&guest.id)
        }
        Job::Run { email, link } => {
            out.say("Approving guest...")?;
            let guest = approve(&portal, &out, &email, &link, dry_run)?;
            out.say("")?;
            out.say("Deleting guest...")?;
            let Some(guest) = guest else {
                // A dry run approves nothing, so there is no id yet to delete.
                let change = portal.delete_guests(&["<id from the approval>"]);
                return out.planned("delete", &portal.describe(&change));
            };
            out.quiet_line(&guest.id)?;
            let batch = Batch {
                known: if guest.active {
                    Known::ActiveOnYourList
                } else {
                    Known::Nothing
                },
                targets: vec![Target::Id(guest.id)],
                batch_size: 1,
                action: Action::Remove,
                ask_first: false,
            };
            batch::apply(&portal, &out, batch, dry_run)?.verdict()
        }
        Job::Batch(batch) => {
            let report = batch::apply(&portal, &out, batch, dry_run)?;
            report.summarize(&out)?;
            report.verdict()
        }
        Job::Review(policy) => policy::review(&portal, &out, policy),
        Job::Expire(policy, args) => policy::expire(&portal, &out, policy, &args, dry_run),
        Job::List(filter) => people::list(&portal, &out, &filter),
        Job::ShareLink { id } => share_link(&portal, &out, &id),
        Job::Whoami => whoami(&portal, &out),
        Job::Access(query) => rooms::access(&portal, &out, query),
        Job::Revoke(job) => revoke::revoke(&portal, &out, job, dry_run),
        Job::Restore(from) => revoke::restore(&portal, &out, &from, dry_run),
    }
}

fn check(command: Command, options: &Options) -> Result<Job, Error> {
    let approval = |email: String, text: String| {
        input::check_email("--email", &email)?;
        if text.len() > MAX_LINK_LENGTH {
            return Err(Error::Usage(format!(
                "--link is {} bytes long; a sharing link has at most {MAX_LINK_LENGTH}: \
                 copy the link alone",
                text.len()
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
        Command::Delete {
            targets,
            permanent,
            yes,
        } => Job::Batch(check_delete(targets, permanent, yes, options)?),
        Command::List(args) => Job::List(check_list(args)?),
        Command::ShareLink { id } => Job::ShareLink { id: guest_id(&id)? },
        Command::Whoami => Job::Whoami,
        Command::Review(args) => {
            stdin_once(args.keep.as_deref(), "--keep", options)?;
            Job::Review(policy::policy(args)?)
        }
        Command::Expire(args, expire) => {
            stdin_once(args.keep.as_deref(), "--keep", options)?;
            if expire.action == ExpireAction::Delete && !expire.yes {
                must_be_able_to_ask(args.keep.as_deref(), options, "--action delete")?;
            }
            Job::Expire(policy::policy(args)?, expire)
        }
        Command::Access(args) => {
            let RoomArgs { targets, rooms } = *args;
            let guests =
                if targets.ids.is_empty() && targets.emails.is_empty() && targets.from.is_none() {
                    Vec::new()
                } else {
                    targets_of(&targets, options)?
                };
            Job::Access(rooms::Query { guests, rooms })
        }
        Command::Revoke(room_args, args) => {
            let RoomArgs { targets, rooms } = *room_args;
            if let Some(record) = &args.record {
                // Checked now, so that a removal is never made without its record.
                revoke::open_record(record)?;
            }
            Job::Revoke(revoke::Job {
                guests: targets_of(&targets, options)?,
                rooms,
                max: args.max,
                record: args.record,
                force: args.drop_form_roles,
            })
        }
        Command::Restore { from } => {
            stdin_once(Some(&from), "--from", options)?;
            Job::Restore(from)
        }
        Command::SetStatus { enable, targets } => {
            let batch_size = targets.batch_size;
            Job::Batch(Batch {
                targets: targets_of(&targets, options)?,
                batch_size,
                action: if enable {
                    Action::Enable
                } else {
                    Action::Disable
                },
                ask_first: false,
                known: Known::Nothing,
            })
        }
    })
}

/// Only one input can be read from stdin, and `--api-key-file -` may be it.
fn stdin_once(path: Option<&Path>, flag: &str, options: &Options) -> Result<(), Error> {
    if path == Some(Path::new("-")) && options.api_key_file.as_deref() == Some(Path::new("-")) {
        return Err(Error::Usage(format!(
            "{flag} - and --api-key-file - cannot both read stdin: put the key in a file or \
             in DOCSPACE_API_KEY"
        )));
    }
    Ok(())
}

/// A deletion for good without --yes asks on the terminal; refused here, before any
/// request, so that cron gets its answer without one.
fn must_be_able_to_ask(list: Option<&Path>, options: &Options, what: &str) -> Result<(), Error> {
    let stdin_is_free =
        list != Some(Path::new("-")) && options.api_key_file.as_deref() != Some(Path::new("-"));
    if options.dry_run || (stdin_is_free && std::io::stdin().is_terminal()) {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "{what} deletes accounts for good: add --yes to confirm (there is no terminal to ask on)"
    )))
}

fn check_delete(
    given: Targets,
    permanent: bool,
    yes: bool,
    options: &Options,
) -> Result<Batch, Error> {
    let targets = targets_of(&given, options)?;
    if permanent && !yes {
        must_be_able_to_ask(given.from.as_deref(), options, "--permanent")?;
    }
    Ok(Batch {
        targets,
        batch_size: given.batch_size,
        action: if permanent {
            Action::DeleteAccounts
        } else {
            Action::Remove
        },
        ask_first: permanent && !yes,
        known: Known::Nothing,
    })
}

/// The guests named by ids, `--email` and `--from`, all checked.
fn targets_of(args: &Targets, options: &Options) -> Result<Vec<Target>, Error> {
    let mut targets = Vec::new();
    for id in &args.ids {
        targets.push(Target::Id(guest_id(id)?));
    }
    for email in &args.emails {
        input::check_email("--email", email)?;
        targets.push(Target::Email(email.clone()));
    }
    if let Some(from) = &args.from {
        stdin_once(Some(from), "--from", options)?;
        targets.extend(input::read_targets(from)?);
    }
    if targets.is_empty() {
        return Err(Error::Usage(
            "no guests given (the --from input is empty)".into(),
        ));
    }
    Ok(targets)
}

fn check_list(args: ListArgs) -> Result<Filter, Error> {
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

fn guest_id(text: &str) -> Result<String, Error> {
    input::guid(text).ok_or_else(|| {
        let hint = if text.contains('@') {
            format!(": for an email address use --email {text}")
        } else {
            " (a GUID like 3f2b9c1e-7a44-4d0b-9a0e-5c1d2e3f4a5b)".to_string()
        };
        Error::Usage(format!("'{text}' is not a guest ID{hint}"))
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

/// Approves, or with `dry_run` shows the request; `None` when nothing was sent.
fn approve(
    portal: &Portal,
    out: &Printer,
    email: &str,
    link: &GuestLink,
    dry_run: bool,
) -> Result<Option<answers::Guest>, Error> {
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
    if dry_run {
        out.planned("approve", &portal.describe(&change))?;
        return Ok(None);
    }
    let reply = portal.send(&change)?;
    out.reply_lines("", reply.status, &reply.body)?;
    if reply.status != 200 {
        let error = answers::approve_refusal(portal, &reply);
        out.record(
            "approve",
            false,
            Some(reply.status),
            json!({ "error": error.to_string() }),
        )?;
        return Err(error);
    }
    let guest = answers::approved_guest(&reply).ok_or_else(|| {
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
    // From 3.5 DocSpace approves whoever the link names (3.1 to 3.4: the email), so
    // only the answer says who was approved; another email means the wrong link.
    if !guest.email.eq_ignore_ascii_case(email) {
        terminal::warn(&format!(
            "the portal approved {}, not --email {email} (the link names the guest); that \
             guest is the one approved",
            guest.email
        ));
    }
    out.record(
        "approve",
        true,
        Some(200),
        json!({ "id": guest.id, "email": guest.email, "displayName": guest.display_name }),
    )?;
    Ok(Some(guest))
}

fn share_link(portal: &Portal, out: &Printer, id: &str) -> Result<(), Error> {
    let reply = portal.sharing_link(id)?;
    if reply.status != 200 {
        return Err(answers::refusal("the sharing link", &reply));
    }
    let link = answers::success_envelope(&reply)
        .and_then(|e| {
            e.get("response")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .ok_or_else(|| {
            Error::Server("the portal answered 200 but without a link in response".into())
        })?;
    out.say(&format!("Guest sharing link for {id}: {link}"))?;
    out.say(
        "Send it to the other admin, who runs: docspace-guest approve --email EMAIL --link LINK",
    )?;
    out.quiet_line(&link)?;
    out.record(
        "share-link",
        true,
        Some(200),
        json!({ "id": id, "link": link }),
    )
}

/// Who the credential acts as, on which release, with which scopes: what a key needs
/// to be made no stronger than the job (README, "Privileges").
fn whoami(portal: &Portal, out: &Printer) -> Result<(), Error> {
    let me = answers::account(&portal.whoami()?)?;
    let version = release::reported_version(portal)?;
    let scopes = portal.key_scopes()?;
    let kind = me.kind.describe();
    let scopes_shown = match (&scopes, portal.uses_api_key()) {
        (Some(scopes), _) if scopes.is_empty() => "none".to_string(),
        (Some(scopes), _) => scopes.join(", "),
        (None, true) => "not told (keys/@self came with DocSpace 3.1)".to_string(),
        (None, false) => {
            "none: not an API key (a token acts with all of its account's rights)".to_string()
        }
    };
    out.say(&format!("{} <{}>", me.display_name, me.email))?;
    out.say(&format!("id: {}", me.id))?;
    out.say(&format!("type: {kind}"))?;
    out.say(&format!("key scopes: {scopes_shown}"))?;
    out.say(&format!("portal: {}", portal.origin()))?;
    out.say(&format!(
        "release: {}",
        release::describe_reported(version.as_deref())
    ))?;
    out.quiet_line(&me.id)?;
    out.record(
        "whoami",
        true,
        Some(200),
        json!({ "id": me.id, "email": me.email, "displayName": me.display_name, "type": kind,
                "scopes": scopes, "release": version }),
    )
}
