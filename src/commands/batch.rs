//! Changing guests in batches (removing them from the caller's list, deleting,
//! disabling or enabling their accounts): look up emails, drop duplicates, send
//! chunks, and keep an exact account of which guests the portal confirmed. A guest is
//! reported changed only after a 200 that covers it, and its line is printed at once,
//! so even an interrupted run's output says exactly what was done.

use std::collections::{HashMap, HashSet};
use std::io::Read;

use serde_json::{Value, json};

use super::Context;
use crate::error::Error;
use crate::input::Target;
use crate::interrupt::{self, HalfDone};
use crate::net::http::Reply;
use crate::output::Printer;
use crate::portal::answers;
use crate::portal::people::{self, User};
use crate::portal::release::{self, RemovalRule};
use crate::record::{self, Change};

/// What a second signal names while a chunk of `delete --permanent` is disabled and
/// not yet deleted.
static DISABLED_NOT_DELETED: HalfDone = HalfDone(
    "a chunk of guests disabled and perhaps not deleted: run delete --permanent again for \
     them (the record lists them)",
);

pub struct Batch {
    pub targets: Vec<Target>,
    pub batch_size: usize,
    pub action: Action,
    /// Ask on the terminal before a permanent deletion.
    pub ask_first: bool,
    pub known: Known,
    /// The second half of a pair already started (run's removal after its approval):
    /// finished even after a signal.
    pub paired: bool,
    /// Which of the guests are disabled now, where the caller read it (expire); a batch
    /// that reads the guest list itself learns it there. A guest already in the wanted
    /// state is not sent again: DocSpace would log the no-op as a new status change,
    /// which restarts `--disabled-for`, and the record would hold a wrong "before".
    pub disabled: Option<HashSet<String>>,
}

/// What is already known of a batch's guests, so that it is not read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// Nothing: the guest list (or, to remove, the release) is read first.
    Nothing,
    /// The ids were just read from the guest list (expire): they are guests.
    Guests,
    /// They are the caller's active guests (run's approval of an active guest just put
    /// it on the caller's list): a 200 to their removal proves it on every release, so
    /// the release need not be asked first.
    ActiveOnYourList,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Off the caller's guest list (`DELETE /people/guests`); the accounts stay.
    Remove,
    /// The accounts, for good: disable, then delete.
    DeleteAccounts,
    Disable,
    Enable,
}

impl Action {
    /// The `op` of its `--json` lines.
    fn op(self) -> &'static str {
        match self {
            Action::Remove | Action::DeleteAccounts => "delete",
            Action::Disable => "disable",
            Action::Enable => "enable",
        }
    }

    /// Its word in the summary line and the closing error.
    fn done_word(self) -> &'static str {
        match self {
            Action::Remove | Action::DeleteAccounts => "removed",
            Action::Disable => "disabled",
            Action::Enable => "enabled",
        }
    }
}

/// One guest of the batch.
struct Item {
    /// As the user named it: an ID or an email.
    input: String,
    id: Option<String>,
    outcome: Outcome,
    /// The record's number of the change under way for it, until its outcome is written.
    seq: Option<u64>,
}

enum Outcome {
    Pending,
    Done,
    /// Already in the wanted state (disabled, or active): nothing sent.
    Unchanged,
    Failed(Error),
}

pub struct Report {
    items: Vec<Item>,
    action: Action,
    /// Nothing is sent: pending items are the ones that would be.
    dry_run: bool,
    /// Set when a DocSpace admin removes guests from a portal that may be older than
    /// 3.7.1, which refuses DocSpace admins: a 403 is then worded for that.
    admin_on_old_release: Option<RemovalRule>,
    /// The removal was sent without asking the release first (`ActiveOnYourList`): a
    /// 403 then asks it, to say why.
    release_unasked: bool,
    paired: bool,
    /// Of the failures: sent without an answer, and never sent.
    unconfirmed: usize,
    not_attempted: usize,
    /// See `Batch::disabled`.
    disabled: Option<HashSet<String>>,
}

/// Whether the next chunk (of a batch) or room (of revoke and restore) may be sent.
pub enum Flow {
    Continue,
    /// The rest cannot succeed either (credential refused, connection lost, rate
    /// limit): each is reported "not attempted" with this error's kind and reason.
    Stop(Error),
}

/// Applies the batch's action to its guests, in chunks, and reports each guest as
/// confirmed or not; with `--dry-run`, shows the writes instead.
pub fn apply(ctx: &Context, batch: Batch) -> Result<Report, Error> {
    let (portal, out, dry_run) = (&ctx.portal, &ctx.out, ctx.dry_run);
    let mut report = Report {
        items: Vec::new(),
        action: batch.action,
        dry_run,
        admin_on_old_release: None,
        release_unasked: batch.known == Known::ActiveOnYourList,
        paired: batch.paired,
        unconfirmed: 0,
        not_attempted: 0,
        disabled: batch.disabled,
    };
    report.resolve(ctx, batch.targets)?;
    match (batch.action, batch.known) {
        (Action::Remove, Known::ActiveOnYourList) => {}
        (Action::Remove, Known::Nothing | Known::Guests) => report.keep_only_provable(ctx)?,
        (Action::DeleteAccounts | Action::Disable | Action::Enable, Known::Nothing) => {
            report.keep_only_guests(ctx)?
        }
        (
            Action::DeleteAccounts | Action::Disable | Action::Enable,
            Known::Guests | Known::ActiveOnYourList,
        ) => {}
    }
    report.leave_unchanged(out)?;
    let pending: Vec<usize> = (0..report.items.len())
        .filter(|&i| matches!(report.items[i].outcome, Outcome::Pending))
        .collect();
    if dry_run {
        for chunk in pending.chunks(batch.batch_size) {
            let ids = report.ids(chunk);
            match batch.action {
                Action::Remove => {
                    out.planned("delete", &portal.describe(&portal.remove_guests(&ids)))?
                }
                Action::DeleteAccounts => {
                    out.planned("disable", &portal.describe(&portal.disable_users(&ids)))?;
                    out.planned(
                        "delete-accounts",
                        &portal.describe(&portal.delete_accounts(&ids)),
                    )?;
                }
                Action::Disable => {
                    out.planned("disable", &portal.describe(&portal.disable_users(&ids)))?
                }
                Action::Enable => {
                    out.planned("enable", &portal.describe(&portal.enable_users(&ids)))?
                }
            }
        }
        return Ok(report);
    }
    if batch.ask_first && !pending.is_empty() && !confirmed(pending.len())? {
        return Err(Error::Usage("nothing was deleted: not confirmed".into()));
    }
    report.in_turn(
        ctx,
        pending.chunks(batch.batch_size),
        |report, chunk| match batch.action {
            Action::Remove => report.remove_from_list(ctx, chunk, false),
            Action::DeleteAccounts => report.delete_accounts(ctx, chunk),
            Action::Disable => report.set_status(ctx, chunk, false),
            Action::Enable => report.set_status(ctx, chunk, true),
        },
    )?;
    Ok(report)
}

fn confirmed(count: usize) -> Result<bool, Error> {
    eprint!(
        "Permanently delete {count} guest account(s)? Their rooms and files pass to you; \
         this cannot be undone. Type 'yes' to go on: "
    );
    // Read a byte at a time, not with read_line, which retries a read a signal
    // interrupted: Ctrl-C at the question must end it.
    let mut answer = Vec::new();
    let mut stdin = std::io::stdin().lock();
    let mut byte = [0u8; 1];
    loop {
        match stdin.read(&mut byte) {
            Ok(0) => break,
            Ok(_) if byte[0] == b'\n' => break,
            Ok(_) => answer.extend_from_slice(&byte),
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {
                if let Some(signal) = interrupt::received() {
                    return Err(Error::Interrupted(
                        signal,
                        format!("{} at the question: nothing was deleted", signal.name()),
                    ));
                }
            }
            Err(err) => return Err(Error::Usage(format!("cannot read the answer: {err}"))),
        }
        if answer.len() > 64 {
            break;
        }
    }
    Ok(String::from_utf8_lossy(&answer)
        .trim()
        .eq_ignore_ascii_case("yes"))
}

impl Report {
    /// Turns the targets into items with ids: emails are looked up (reads only), and
    /// a guest named twice, by id or by email, is one item.
    fn resolve(&mut self, ctx: &Context, targets: Vec<Target>) -> Result<(), Error> {
        let (portal, out) = (&ctx.portal, &ctx.out);
        let mut seen = HashSet::new();
        let mut emails_seen = HashSet::new();
        for target in targets {
            let (input, found) = match target {
                Target::Id(id) => (id.clone(), Ok(id)),
                Target::Email(email) => {
                    if !emails_seen.insert(email.to_lowercase()) {
                        continue;
                    }
                    let found = people::lookup(portal, &email)?;
                    (email, found)
                }
            };
            match found {
                Ok(id) if !seen.insert(id.clone()) => {}
                Ok(id) => self.items.push(Item {
                    input,
                    id: Some(id),
                    outcome: Outcome::Pending,
                    seq: None,
                }),
                Err((status, error)) => {
                    self.items.push(Item {
                        input,
                        id: None,
                        outcome: Outcome::Pending,
                        seq: None,
                    });
                    self.fail(out, self.items.len() - 1, status, error)?;
                }
            }
        }
        Ok(())
    }

    /// Before accounts are disabled for good, make sure each id is a guest: a user
    /// id given by mistake must not be disabled.
    /// Also learns which of them are disabled.
    fn keep_only_guests(&mut self, ctx: &Context) -> Result<(), Error> {
        let (portal, out) = (&ctx.portal, &ctx.out);
        let (mut guests, mut disabled) = (HashSet::new(), HashSet::new());
        people::each_page(portal, &[], |page| {
            for guest in page.iter().filter_map(User::with_guid) {
                if guest.state() == "disabled" {
                    disabled.insert(guest.id.clone());
                }
                guests.insert(guest.id);
            }
            Ok(())
        })?;
        self.disabled = Some(disabled);
        self.fail_unless_in(out, &guests, || {
            Error::Server("not a guest you can see; not touched (only guests are changed)".into())
        })
    }

    /// A guest to disable who is disabled already, or to enable who is not disabled,
    /// is reported and left alone.
    fn leave_unchanged(&mut self, out: &Printer) -> Result<(), Error> {
        let Some(disabled) = &self.disabled else {
            return Ok(());
        };
        let (wanted_disabled, already) = match self.action {
            Action::Disable => (true, "already disabled"),
            Action::Enable => (false, "already active"),
            Action::Remove | Action::DeleteAccounts => return Ok(()),
        };
        for item in &mut self.items {
            let Some(id) = &item.id else { continue };
            if matches!(item.outcome, Outcome::Pending) && disabled.contains(id) == wanted_disabled
            {
                item.outcome = Outcome::Unchanged;
                let named = if item.input == *id {
                    String::new()
                } else {
                    format!(" ({})", item.input)
                };
                out.say(&format!(
                    "Guest with ID {id}{named}: {already}; not changed."
                ))?;
                out.result(
                    self.action.op(),
                    true,
                    None,
                    json!({ "id": id, "input": item.input, "unchanged": already }),
                )?;
            }
        }
        Ok(())
    }

    /// Fails each item still pending whose id is not in `allowed`.
    fn fail_unless_in(
        &mut self,
        out: &Printer,
        allowed: &HashSet<String>,
        error: impl Fn() -> Error,
    ) -> Result<(), Error> {
        for i in 0..self.items.len() {
            let item = &self.items[i];
            if matches!(item.outcome, Outcome::Pending)
                && !item.id.as_ref().is_some_and(|id| allowed.contains(id))
            {
                self.fail(out, i, None, error())?;
            }
        }
        Ok(())
    }

    /// Before 3.7.1 the portal answers 200 and silently skips an id that is not one of
    /// the caller's active guests, so there a 200 proves only what was on that list.
    /// Costs one anonymous request on 3.7.1 and later; on older (or unnamed) releases,
    /// one who-am-I and, for a room admin, the pages of its active guests.
    fn keep_only_provable(&mut self, ctx: &Context) -> Result<(), Error> {
        let (portal, out) = (&ctx.portal, &ctx.out);
        let rule = release::removal_rule(portal)?;
        if rule == RemovalRule::AllOrNothing {
            return Ok(());
        }
        let me = people::account(&portal.whoami()?)?;
        if me.kind.is_docspace_admin() {
            // Old releases refuse DocSpace admins outright, so a 200 to one is a 3.7.1+
            // answer and proves its ids; only a 403 needs other words.
            self.admin_on_old_release = Some(rule);
            return Ok(());
        }
        // Room admins see exactly their own guests.
        let active = people::ids(portal, Some("Guests"), &[("employeeStatus", "1")])?;
        self.fail_unless_in(out, &active, || {
            Error::Denied(format!(
                "it is not one of your active guests, and {} answers 200 without removing \
                 such an id; not sent",
                rule.describe()
            ))
        })
    }

    /// Runs `step` on each group of items in turn, none after a signal (unless the
    /// batch finishes a pair), and writes down the outcome of each change it sent.
    /// After a `Stop`, the items of the groups left are reported "not attempted", so
    /// none is left unaccounted for.
    fn in_turn<'a>(
        &mut self,
        ctx: &Context,
        groups: impl Iterator<Item = &'a [usize]>,
        mut step: impl FnMut(&mut Report, &[usize]) -> Result<Flow, Error>,
    ) -> Result<Flow, Error> {
        let mut stopped: Option<Error> = None;
        for group in groups {
            if stopped.is_none() && !self.paired {
                stopped = ctx.may_change().err();
            }
            match &stopped {
                Some(why) => {
                    for &i in group {
                        self.not_attempted += 1;
                        let error = why.clone().context("not attempted: ");
                        self.fail(&ctx.out, i, None, error)?;
                    }
                }
                None => {
                    let flow = step(self, group);
                    self.settle(ctx, group);
                    if let Flow::Stop(why) = flow? {
                        stopped = Some(why);
                    }
                }
            }
        }
        Ok(stopped.map_or(Flow::Continue, Flow::Stop))
    }

    /// Writes down the change for each item of `chunk` before it is sent. `None`:
    /// the record could not be written, the items are reported not attempted, and the
    /// flow that stops the batch is returned.
    fn announce(
        &mut self,
        ctx: &Context,
        chunk: &[usize],
        change: &dyn Fn(String, String) -> Change,
    ) -> Result<Option<Flow>, Error> {
        for &i in chunk {
            let item = &self.items[i];
            let guest = item.id.clone().unwrap_or_default();
            let email = if item.input.contains('@') {
                item.input.clone()
            } else {
                String::new()
            };
            match ctx.intent(change(guest, email)) {
                Ok(seq) => self.items[i].seq = seq,
                Err(why) => {
                    for &j in chunk {
                        self.not_attempted += 1;
                        self.fail(&ctx.out, j, None, why.clone().context("not attempted: "))?;
                        self.items[j].seq = None;
                    }
                    return Ok(Some(Flow::Stop(why)));
                }
            }
        }
        Ok(None)
    }

    /// For an answer that leaves it unknown whether the change was made: the record
    /// says so, for restore to look it up.
    fn settle_unknown(&mut self, ctx: &Context, chunk: &[usize], reply: &Reply) {
        if reply.status != 200 {
            return;
        }
        for &i in chunk {
            let seq = self.items[i].seq.take();
            let why = "the portal answered 200 without a usable answer".to_string();
            ctx.outcome(seq, record::Outcome::Unknown(why));
        }
    }

    /// Writes the outcome of each item of `group` whose change is under way.
    fn settle(&mut self, ctx: &Context, group: &[usize]) {
        for &i in group {
            let item = &mut self.items[i];
            let Some(seq) = item.seq.take() else { continue };
            let outcome = match &item.outcome {
                Outcome::Done => record::Outcome::Done,
                Outcome::Failed(Error::Network(why)) => record::Outcome::Unknown(why.clone()),
                Outcome::Failed(why) => record::Outcome::NotDone(why.to_string()),
                Outcome::Pending => record::Outcome::Unknown("no answer was read".into()),
                // Never announced, so never here.
                Outcome::Unchanged => continue,
            };
            ctx.outcome(Some(seq), outcome);
        }
    }

    fn ids(&self, chunk: &[usize]) -> Vec<&str> {
        chunk
            .iter()
            .filter_map(|&i| self.items[i].id.as_deref())
            .collect()
    }

    /// DELETE /people/guests for one chunk. A 403 "Access denied" refuses the whole
    /// list when any one id may not be removed, so such a chunk is retried id by id.
    /// `maybe_done` says an earlier attempt for these ids may have reached the portal.
    fn remove_from_list(
        &mut self,
        ctx: &Context,
        chunk: &[usize],
        maybe_done: bool,
    ) -> Result<Flow, Error> {
        let (portal, out) = (&ctx.portal, &ctx.out);
        if let Some(stop) = self.announce(ctx, chunk, &|guest, email| Change::ListRemove {
            guest,
            email,
        })? {
            return Ok(stop);
        }
        let reply = match portal.send(&portal.remove_guests(&self.ids(chunk))) {
            Ok(reply) => reply,
            Err(error) => return self.lost(out, chunk, error, "removed"),
        };
        out.reply_lines(" (delete)", reply.status, &reply.body)?;
        if reply.status == 200 && answers::success_envelope(&reply).is_some() {
            for &i in chunk {
                self.confirm(out, i)?;
            }
            return Ok(Flow::Continue);
        }
        if self.release_unasked && answers::is_access_denied(&reply) {
            // An active guest just approved onto a room admin's list is removed on every
            // release; refused, the caller is a DocSpace admin on an old release, or
            // something else: the release tells which.
            self.release_unasked = false;
            if let Ok(rule @ RemovalRule::MaySkip { .. }) = release::removal_rule(portal) {
                self.admin_on_old_release = Some(rule);
            }
        }
        if let Some(RemovalRule::MaySkip {
            release: Some(release),
        }) = &self.admin_on_old_release
            && answers::is_access_denied(&reply)
        {
            let error = Error::Denied(format!(
                "refused (403 Access denied): this portal's release (DocSpace {release}) lets \
                 only room admins remove guests from their lists; use a room admin's API key \
                 (3.7.1 and later also let DocSpace admins)"
            ));
            self.refused(out, chunk, &reply, error.clone())?;
            return Ok(Flow::Stop(error));
        }
        if chunk.len() > 1 && answers::is_access_denied(&reply) {
            out.say(&format!(
                "The portal refused all {} ids of this request because of one or more of them; \
                 retrying them one by one.",
                chunk.len()
            ))?;
            let maybe_done = maybe_done || reply.maybe_done_before;
            for &i in chunk {
                let seq = self.items[i].seq.take();
                let why = "refused as a whole (403); sent again one by one";
                ctx.outcome(seq, record::Outcome::NotDone(why.into()));
            }
            return self.in_turn(ctx, chunk.chunks(1), |report, one| {
                report.remove_from_list(ctx, one, maybe_done)
            });
        }
        let error = if reply.status == 200 {
            Error::Server(
                "the portal answered 200, but not with a DocSpace success envelope (status \
                 0): it is unknown whether it was removed; check with the portal"
                    .into(),
            )
        } else if answers::is_access_denied(&reply) && (maybe_done || reply.maybe_done_before) {
            Error::Denied(
                "refused (403 Access denied); an earlier attempt that got no answer may \
                 already have removed it: check with docspace-guest list"
                    .into(),
            )
        } else if self.admin_on_old_release.is_some() && answers::is_access_denied(&reply) {
            Error::Denied(
                "refused (403 Access denied): it is not an active guest on your guest list, \
                 or this portal's release is older than 3.7.1 (it does not say which), and \
                 such a release lets only room admins remove guests from their lists"
                    .into(),
            )
        } else {
            answers::removal_refusal(&reply, chunk.len())
        };
        self.settle_unknown(ctx, chunk, &reply);
        self.refused(out, chunk, &reply, error)
    }

    /// PUT /people/status/2 (or /1 to enable) for one chunk. The portal returns the
    /// updated users: a guest is confirmed only when it is there with the new status.
    fn set_status(&mut self, ctx: &Context, chunk: &[usize], enable: bool) -> Result<Flow, Error> {
        let (portal, out) = (&ctx.portal, &ctx.out);
        let ids = self.ids(chunk);
        let (change, label, wanted) = if enable {
            (portal.enable_users(&ids), " (enable)", 1)
        } else {
            (portal.disable_users(&ids), " (disable)", 2)
        };
        let what = self.action.done_word();
        let (before, after) = if enable {
            (record::Status::Disabled, record::Status::Active)
        } else {
            (record::Status::Active, record::Status::Disabled)
        };
        if let Some(stop) = self.announce(ctx, chunk, &|guest, email| Change::Status {
            guest,
            email,
            before,
            after,
        })? {
            return Ok(stop);
        }
        let reply = match portal.send(&change) {
            Ok(reply) => reply,
            Err(error) => return self.lost(out, chunk, error, what),
        };
        out.reply_lines(label, reply.status, &reply.body)?;
        let Some(users) = returned_users(&reply) else {
            let error = answers::admin_only(&format!("changing the status ({what})"), &reply);
            self.settle_unknown(ctx, chunk, &reply);
            return self.refused(out, chunk, &reply, error);
        };
        for &i in chunk {
            let status = self.items[i].id.as_ref().and_then(|id| users.get(id));
            match status {
                Some(Some(status)) if *status == wanted => self.confirm(out, i)?,
                Some(_) => {
                    let error = Error::Server(format!(
                        "the portal answered without it {what} (its status is not {wanted})"
                    ));
                    self.fail(out, i, Some(200), error)?
                }
                None => {
                    let error = Error::Server(format!(
                        "the portal left it out of its answer: it was not {what} (an owner, \
                         yourself or another DocSpace admin cannot be)"
                    ));
                    self.fail(out, i, Some(200), error)?
                }
            }
        }
        Ok(Flow::Continue)
    }

    /// Disable, then delete the accounts of one chunk.
    fn delete_accounts(&mut self, ctx: &Context, chunk: &[usize]) -> Result<Flow, Error> {
        let disabled = self.disabled.take().unwrap_or_default();
        let announced = self.announce(ctx, chunk, &|guest, email| Change::Status {
            before: if disabled.contains(&guest) {
                record::Status::Disabled
            } else {
                record::Status::Active
            },
            guest,
            email,
            after: record::Status::Disabled,
        });
        self.disabled = Some(disabled);
        if let Some(stop) = announced? {
            return Ok(stop);
        }
        // From here the chunk's delete follows its disable whatever comes (a signal,
        // a closed stdout); a second signal names what it leaves.
        interrupt::set_half_done(Some(&DISABLED_NOT_DELETED));
        let flow = self.disable_then_delete(ctx, chunk);
        interrupt::set_half_done(None);
        flow
    }

    fn disable_then_delete(&mut self, ctx: &Context, chunk: &[usize]) -> Result<Flow, Error> {
        let (portal, out) = (&ctx.portal, &ctx.out);
        let reply = match portal.send(&portal.disable_users(&self.ids(chunk))) {
            Ok(reply) => reply,
            Err(error) => return self.lost(out, chunk, error, "disabled (and not deleted)"),
        };
        out.reply_lines(" (disable)", reply.status, &reply.body)?;
        let Some(disabled) = returned_users(&reply) else {
            let error = answers::admin_only("disabling the accounts", &reply);
            self.settle_unknown(ctx, chunk, &reply);
            return self.refused(out, chunk, &reply, error);
        };
        let (disabled, skipped): (Vec<usize>, Vec<usize>) = chunk.iter().partition(|&&i| {
            self.items[i]
                .id
                .as_ref()
                .is_some_and(|id| disabled.get(id) == Some(&Some(2)))
        });
        for i in skipped {
            let error =
                Error::Server("the portal did not disable it, so it was not deleted".into());
            self.fail(out, i, Some(200), error)?;
        }
        for &i in &disabled {
            // Done for the disable; the item stays pending for its delete.
            let seq = self.items[i].seq.take();
            ctx.outcome(seq, record::Outcome::Done);
        }
        self.settle(ctx, chunk);
        if disabled.is_empty() {
            return Ok(Flow::Continue);
        }
        if let Some(stop) = self.announce(ctx, &disabled, &|guest, email| Change::Delete {
            guest,
            email,
        })? {
            return Ok(stop);
        }
        let reply = match portal.send(&portal.delete_accounts(&self.ids(&disabled))) {
            Ok(reply) => reply,
            Err(error) => return self.lost(out, &disabled, error, "deleted (it is disabled)"),
        };
        out.reply_lines(" (delete)", reply.status, &reply.body)?;
        let Some(deleted) = returned_users(&reply) else {
            let error = answers::admin_only("deleting the accounts", &reply)
                .context("disabled but NOT deleted: ");
            self.settle_unknown(ctx, &disabled, &reply);
            return self.refused(out, &disabled, &reply, error);
        };
        for i in disabled {
            if self.items[i]
                .id
                .as_ref()
                .is_some_and(|id| deleted.contains_key(id))
            {
                self.confirm(out, i)?;
            } else {
                let error =
                    Error::Server("disabled but NOT deleted: the portal left it out".into());
                self.fail(out, i, Some(200), error)?;
            }
        }
        Ok(Flow::Continue)
    }

    /// The request got no answer: its ids are in an unknown state, and so is the
    /// connection; nothing more is sent.
    fn lost(
        &mut self,
        out: &Printer,
        chunk: &[usize],
        error: Error,
        what: &str,
    ) -> Result<Flow, Error> {
        let why = error.to_string();
        for &i in chunk {
            self.unconfirmed += 1;
            let error = Error::Network(format!(
                "not confirmed: no answer ({why}); it may or may not have been {what}"
            ));
            self.fail(out, i, None, error)?;
        }
        let stop = Error::Network(format!("an earlier request got no answer ({why})"));
        Ok(Flow::Stop(stop))
    }

    /// The portal said no to a chunk. A refused credential or a rate limit stops the
    /// batch.
    fn refused(
        &mut self,
        out: &Printer,
        chunk: &[usize],
        reply: &Reply,
        error: Error,
    ) -> Result<Flow, Error> {
        for &i in chunk {
            self.fail(out, i, Some(reply.status), error.clone())?;
        }
        Ok(if answers::stops_the_batch(reply) {
            Flow::Stop(error)
        } else {
            Flow::Continue
        })
    }

    fn confirm(&mut self, out: &Printer, i: usize) -> Result<(), Error> {
        let item = &mut self.items[i];
        item.outcome = Outcome::Done;
        let id = item.id.as_deref().unwrap_or_default();
        let how = match self.action {
            Action::Remove => "deleted successfully",
            Action::DeleteAccounts => "deleted permanently",
            Action::Disable => "disabled",
            Action::Enable => "enabled",
        };
        let named = if item.input == id {
            String::new()
        } else {
            format!(" ({})", item.input)
        };
        out.say(&format!("Guest with ID {id}{named} {how}."))?;
        let mut data = json!({ "id": id, "input": item.input });
        self.mark_permanent(&mut data);
        out.result(self.action.op(), true, Some(200), data)
    }

    fn fail(
        &mut self,
        out: &Printer,
        i: usize,
        status: Option<u16>,
        error: Error,
    ) -> Result<(), Error> {
        let item = &mut self.items[i];
        let named = match &item.id {
            Some(id) if *id == item.input => format!("with ID {id}"),
            Some(id) => format!("with ID {id} ({})", item.input),
            None => item.input.clone(),
        };
        let not = match self.action {
            Action::Remove | Action::DeleteAccounts => "not deleted",
            Action::Disable => "not disabled",
            Action::Enable => "not enabled",
        };
        out.say(&format!("Guest {named} {not}: {error}"))?;
        let mut data = json!({ "id": item.id, "input": item.input, "error": error.to_string() });
        item.outcome = Outcome::Failed(error);
        self.mark_permanent(&mut data);
        out.result(self.action.op(), false, status, data)
    }

    /// delete's `--json` lines say whether the accounts went too.
    fn mark_permanent(&self, data: &mut Value) {
        if self.action.op() == "delete" {
            data["permanent"] = json!(self.action == Action::DeleteAccounts);
        }
    }

    fn done_count(&self) -> usize {
        self.items
            .iter()
            .filter(|i| matches!(i.outcome, Outcome::Done))
            .count()
    }

    fn unchanged_count(&self) -> usize {
        self.items
            .iter()
            .filter(|i| matches!(i.outcome, Outcome::Unchanged))
            .count()
    }

    /// The closing line: `N removed, M failed`.
    pub fn summarize(&self, out: &Printer) -> Result<(), Error> {
        let removed = self.done_count();
        let failed = self.failures().count();
        let word = self.action.done_word();
        if self.dry_run {
            let pending = self.items.len() - failed;
            return out.summary(&format!("{pending} would be {word}, {failed} failed"));
        }
        let unchanged = self.unchanged_count();
        let mut line = format!("{removed} {word}, {failed} failed");
        if unchanged > 0 {
            line += &format!(", {unchanged} unchanged");
        }
        if self.unconfirmed + self.not_attempted > 0 {
            line += &format!(
                " ({} not confirmed, {} not attempted)",
                self.unconfirmed, self.not_attempted
            );
        }
        out.summary(&line)?;
        out.result(
            "summary",
            failed == 0,
            None,
            json!({ word: removed, "failed": failed, "not_confirmed": self.unconfirmed,
                "not_attempted": self.not_attempted, "unchanged": unchanged }),
        )
    }

    fn failures(&self) -> impl Iterator<Item = &Error> {
        self.items.iter().filter_map(|i| match &i.outcome {
            Outcome::Failed(error) => Some(error),
            _ => None,
        })
    }

    /// The exit: 0 all removed, 5 some, 4 all refused for permission, 6 none because
    /// the portal asked to wait; a lone failure keeps its own message and code.
    pub fn verdict(self) -> Result<(), Error> {
        if self.dry_run {
            return Ok(());
        }
        let total = self.items.len();
        let removed = self.done_count() + self.unchanged_count();
        let word = self.action.done_word();
        let failed: Vec<Error> = self
            .items
            .into_iter()
            .filter_map(|i| match i.outcome {
                Outcome::Failed(error) => Some(error),
                _ => None,
            })
            .collect();
        verdict_of(total, removed, failed, "guests", word)
    }
}

/// The exit of a batch of `total` items of which `done` were done and `failed` failed
/// (`what`: "guests"): 0 all done, 5 some, 4 all refused for permission, 6 none because
/// the portal asked to wait; a lone failure keeps its own message and code.
pub fn verdict_of(
    total: usize,
    done: usize,
    failed: Vec<Error>,
    what: &str,
    word: &str,
) -> Result<(), Error> {
    // Counted from what was done, so that nothing unaccounted for passes as done.
    let count = total - done;
    if count == 0 {
        return Ok(());
    }
    if done > 0 {
        return Err(Error::Partial(format!(
            "{count} of {total} {what} were not {word} (see the lines above); the other {done} were"
        )));
    }
    if let [only] = failed.as_slice()
        && count == 1
    {
        return Err(only.clone());
    }
    let message = format!("none of the {count} {what} were {word} (see the lines above)");
    Err(if failed.iter().any(|e| matches!(e, Error::Later(_))) {
        Error::Later(format!("{message}: the portal asked to wait"))
    } else if !failed.is_empty() && failed.iter().all(|e| matches!(e, Error::Denied(_))) {
        Error::Denied(format!("{message}: the portal refused them all"))
    } else if failed.iter().any(|e| matches!(e, Error::Network(_))) {
        Error::Network(message)
    } else {
        Error::Server(message)
    })
}

/// The users in a 200's `response` list, id to status (status changes and
/// delete-accounts return the users they changed).
fn returned_users(reply: &Reply) -> Option<HashMap<String, Option<i64>>> {
    if reply.status != 200 {
        return None;
    }
    let envelope = answers::success_envelope(reply)?;
    let users = envelope.get("response")?.as_array()?;
    Some(
        users
            .iter()
            .filter_map(User::with_guid)
            .map(|user| (user.id, user.status))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(outcomes: Vec<Outcome>, dry_run: bool) -> Report {
        let items = outcomes
            .into_iter()
            .enumerate()
            .map(|(i, outcome)| Item {
                input: format!("guest{i}"),
                id: Some(format!("id{i}")),
                outcome,
                seq: None,
            })
            .collect();
        Report {
            items,
            action: Action::Remove,
            dry_run,
            admin_on_old_release: None,
            release_unasked: false,
            paired: false,
            unconfirmed: 0,
            not_attempted: 0,
            disabled: None,
        }
    }

    /// The exit code of `verdict`, 0 for success.
    fn exit_of(outcomes: Vec<Outcome>, dry_run: bool) -> i32 {
        report(outcomes, dry_run)
            .verdict()
            .map_or_else(|e| e.exit_code(), |()| 0)
    }

    #[test]
    fn every_mix_of_outcomes_has_its_exit_code() {
        use Outcome::{Done, Failed, Pending};
        let denied = || Failed(Error::Denied("403".into()));
        let later = || Failed(Error::Later("429".into()));
        let lost = || Failed(Error::Network("no answer".into()));
        let refused = || Failed(Error::Server("400".into()));
        let usage = || Failed(Error::Usage("bad".into()));
        let cases: Vec<(&str, Vec<Outcome>, i32)> = vec![
            ("all done", vec![Done, Done], 0),
            ("nothing to do", vec![], 0),
            ("some done, one refused", vec![Done, denied()], 5),
            ("some done, one asked to wait", vec![Done, later()], 5),
            ("some done, one unaccounted for", vec![Done, Pending], 5),
            ("a lone failure keeps its code: denied", vec![denied()], 4),
            ("a lone failure keeps its code: wait", vec![later()], 6),
            ("a lone failure keeps its code: network", vec![lost()], 3),
            ("a lone failure keeps its code: usage", vec![usage()], 2),
            ("none done, all denied", vec![denied(), denied()], 4),
            ("none done, one asked to wait", vec![denied(), later()], 6),
            ("none done, a connection lost", vec![denied(), lost()], 3),
            ("none done, refused otherwise", vec![denied(), refused()], 1),
            ("none done, unaccounted for", vec![Pending, Pending], 1),
            ("one unaccounted for", vec![Pending], 1),
        ];
        for (case, outcomes, code) in cases {
            assert_eq!(exit_of(outcomes, false), code, "{case}");
        }
        assert_eq!(exit_of(vec![Pending, denied()], true), 0, "a dry run");
    }
}
