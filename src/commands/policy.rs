//! Keeping a portal's guests clean by policy: `review` says which guests a policy
//! selects and why; `expire` changes them. Everything is read and the policy
//! evaluated before the first write, from what the portal reliably knows
//! (docs/docspace.md §9): the registration date, the pending and
//! disabled states, the inviter, the login history (§10), the rooms (§11) and the
//! audit trail's status changes (§16). There is no last-login or disabled-since
//! field, and none is made up: what cannot be told is unknown, and never selects.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};

use std::path::PathBuf;

use super::Context;
use super::batch::{self, Action, Batch, Known};
use super::recording::ByDefault;
use super::revoke;
use super::targets::{must_be_able_to_ask, stdin_once};
use crate::config::Options;
use crate::date;
use crate::error::Error;
use crate::input::{self, Target};
use crate::output::{self, Printer, Table, terminal};
use crate::portal::Portal;
use crate::portal::audit::{self, Change, Trail};
use crate::portal::logins::{self, History, Verdict};
use crate::portal::people::{self, User};
use crate::portal::rooms;

/// The id DocSpace puts in `createdBy` once the inviting user was deleted.
const LOST_USER: &str = "4a515a15-d4d6-4b8e-828e-e0586f18f3a3";
const DAY: u64 = 86_400;

#[derive(Debug, Default)]
pub struct PolicyArgs {
    pub older_than: Option<u32>,
    pub pending_older_than: Option<u32>,
    pub inviter_gone: bool,
    pub disabled: bool,
    /// `--disabled-for DAYS`: disabled more than DAYS days ago, by the audit trail.
    pub disabled_for: Option<u32>,
    pub keep: Option<PathBuf>,
    /// `--inactive DAYS`: no sign-in in the last DAYS days.
    pub inactive: Option<u32>,
    /// `--no-rooms`: a direct member of no room.
    pub no_rooms: bool,
    /// `review --all`: every guest, with why each rule did or did not select it.
    pub all: bool,
}

#[derive(Debug)]
pub struct ExpireArgs {
    pub action: ExpireAction,
    pub max: usize,
    pub yes: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpireAction {
    Remove,
    Disable,
    Delete,
    /// Out of every room; the accounts stay.
    Revoke,
}

impl ExpireAction {
    pub const ALL: [ExpireAction; 4] = [Self::Remove, Self::Disable, Self::Delete, Self::Revoke];

    /// The value of --action that asks for it (the table's choices: a test checks).
    pub fn name(self) -> &'static str {
        match self {
            Self::Remove => "remove",
            Self::Disable => "disable",
            Self::Delete => "delete",
            Self::Revoke => "revoke",
        }
    }
}

/// A checked policy: its rules and the guests `--keep` spares.
pub struct Policy {
    older_than: Option<u32>,
    pending_older_than: Option<u32>,
    inviter_gone: bool,
    disabled: bool,
    disabled_for: Option<u32>,
    inactive: Option<u32>,
    no_rooms: bool,
    all: bool,
    keep_ids: HashSet<String>,
    /// Lowercased emails, and whether a guest had it (the others are warned about).
    keep_emails: HashMap<String, bool>,
}

/// Reads `--keep` (as `--from` is read); nothing is sent yet.
fn policy(args: PolicyArgs) -> Result<Policy, Error> {
    let mut policy = Policy {
        older_than: args.older_than,
        pending_older_than: args.pending_older_than,
        inviter_gone: args.inviter_gone,
        disabled: args.disabled,
        disabled_for: args.disabled_for,
        inactive: args.inactive,
        no_rooms: args.no_rooms,
        all: args.all,
        keep_ids: HashSet::new(),
        keep_emails: HashMap::new(),
    };
    if let Some(path) = &args.keep {
        for target in input::read_list(path, "--keep")? {
            match target {
                Target::Id(id) => policy.keep_ids.insert(id),
                Target::Email(email) => policy
                    .keep_emails
                    .insert(email.to_lowercase(), false)
                    .is_none(),
            };
        }
    }
    Ok(policy)
}

impl Policy {
    fn needs_dates(&self) -> bool {
        self.older_than.is_some() || self.pending_older_than.is_some() || self.inactive.is_some()
    }
}

struct Reason {
    rule: &'static str,
    detail: String,
}

/// A guest the review evaluated: selected, spared, or not evaluated.
struct Row {
    id: String,
    email: String,
    name: String,
    state: &'static str,
    registered: String,
    inviter: String,
    /// With --inactive: the last sign-in's date, "none since …", "never" or "unknown".
    last_sign_in: Option<String>,
    /// The rules that select the guest; empty when none does, or it was not evaluated.
    reasons: Vec<Reason>,
    /// Why each other rule does not.
    spared: Vec<Reason>,
    not_evaluated: Option<String>,
    /// On the keep list: never selected.
    kept: bool,
}

impl Row {
    fn rule(&mut self, rule: &'static str, selected: bool, detail: String) {
        let reason = Reason { rule, detail };
        if selected {
            self.reasons.push(reason);
        } else {
            self.spared.push(reason);
        }
    }
}

/// What a review found; the rows themselves are printed as they are evaluated.
struct Selection {
    /// The selected guests, for expire.
    ids: Vec<String>,
    /// Those of them who are disabled now: `--action disable` leaves them as they are.
    disabled: HashSet<String>,
    guests: usize,
    spared: usize,
    not_evaluated: usize,
}

pub fn review(options: &Options, args: PolicyArgs) -> Result<(), Error> {
    stdin_once(args.keep.as_deref(), "--keep", options)?;
    let mut policy = policy(args)?;
    let ctx = Context::open(options)?;
    let facts = facts(&ctx.portal, &policy)?;
    // Said on stderr too, so that `review -q | disable --from -` in cron is not silent.
    if let Some(History::Missing(why)) = &facts.history {
        terminal::warn(&format!("--inactive selects no one: {why}"));
    }
    if let (Some(_), Some(Trail::Missing(why))) = (policy.disabled_for, &facts.trail) {
        terminal::warn(&format!("--disabled-for selects no one: {why}"));
    }
    select(&ctx, &mut policy, &facts, true)?;
    Ok(())
}

pub fn expire(options: &Options, policy_args: PolicyArgs, args: ExpireArgs) -> Result<(), Error> {
    stdin_once(policy_args.keep.as_deref(), "--keep", options)?;
    if args.action == ExpireAction::Delete && !args.yes {
        must_be_able_to_ask(policy_args.keep.as_deref(), options, "--action delete")?;
    }
    let mut policy = policy(policy_args)?;
    let command = format!("expire-{}", args.action.name());
    let ctx = Context::for_changes(options, &command, ByDefault::Record)?;
    let (portal, out) = (&ctx.portal, &ctx.out);
    let facts = facts(portal, &policy)?;
    if let Some(History::Missing(why)) = &facts.history {
        return Err(Error::Server(format!(
            "--inactive cannot be evaluated: {why}; no guest was selected and nothing was changed"
        )));
    }
    if let (Some(_), Some(Trail::Missing(why))) = (policy.disabled_for, &facts.trail) {
        return Err(Error::Server(format!(
            "--disabled-for cannot be evaluated: {why}; no guest was selected and nothing \
             was changed"
        )));
    }
    let selection = select(&ctx, &mut policy, &facts, false)?;
    let count = selection.ids.len();
    if args.max != 0 && count > args.max {
        return Err(Error::Usage(format!(
            "the policy selects {count} guests, more than --max {}: nothing was changed; \
             check the policy with docspace-guest review, or raise --max (0: no limit)",
            args.max
        )));
    }
    if count == 0 {
        return out.say("Nothing to change.");
    }
    out.say("")?;
    let action = match args.action {
        ExpireAction::Remove => Action::Remove,
        ExpireAction::Disable => Action::Disable,
        ExpireAction::Delete => Action::DeleteAccounts,
        // Out of every room they are in; the accounts stay. --max counted guests.
        ExpireAction::Revoke => {
            let job = revoke::Revocation {
                guests: selection.ids.into_iter().map(Target::Id).collect(),
                rooms: Vec::new(),
                max: 0,
                force: false,
            };
            return revoke::run(&ctx, job);
        }
    };
    let batch = Batch {
        targets: selection.ids.into_iter().map(Target::Id).collect(),
        batch_size: 100,
        action,
        ask_first: action == Action::DeleteAccounts && !args.yes,
        known: Known::Guests,
        paired: false,
        disabled: Some(selection.disabled),
    };
    let report = batch::apply(&ctx, batch)?;
    report.summarize(out)?;
    ctx.finish(report.verdict())
}

/// What the policy needs besides the guests, read before them: for `--inviter-gone`
/// the disabled users, for `--inactive` the login history, for `--disabled-for` (and
/// the re-enables `--inactive` respects) the status changes, for `--no-rooms` the
/// rooms' members; nothing per guest.
struct Facts {
    now: SystemTime,
    disabled_users: HashSet<String>,
    history: Option<History>,
    trail: Option<Trail>,
    /// The guests who are a direct member of a room.
    members: Option<HashSet<u128>>,
}

fn facts(portal: &Portal, policy: &Policy) -> Result<Facts, Error> {
    let now = SystemTime::now();
    let disabled = policy.disabled || policy.disabled_for.is_some();
    let me = if policy.inviter_gone || policy.inactive.is_some() || disabled || policy.no_rooms {
        Some(people::account(&portal.whoami()?)?)
    } else {
        None
    };
    if let Some(me) = &me
        && !me.kind.is_docspace_admin()
    {
        // The first rule that needs a DocSpace admin, and why.
        let why = [
            (policy.inviter_gone, "--inviter-gone", "the portal tells who invited a guest only to DocSpace admins"),
            (disabled, if policy.disabled { "--disabled" } else { "--disabled-for" }, "DocSpace hides disabled users from everyone below a DocSpace admin, so it would select no one"),
            (policy.no_rooms, "--no-rooms", "a room admin sees only their own rooms, so it would take a guest who is in a colleague's room"),
        ]
        .into_iter()
        .find(|(asked, _, _)| *asked);
        if let Some((_, flag, why)) = why {
            return Err(Error::Usage(format!(
                "{flag} needs a DocSpace admin's credential: {why}; this one acts as a {}",
                me.kind.describe()
            )));
        }
    }
    let history = match (&me, policy.inactive) {
        (Some(me), Some(days)) => Some(logins::read(portal, me, days, now)?),
        _ => None,
    };
    let sign_ins = matches!(history, Some(History::Read(_)));
    let trail = if policy.disabled_for.is_some() || sign_ins {
        Some(audit::read(portal, now)?)
    } else {
        None
    };
    if let (None, Some(Trail::Missing(why))) = (policy.disabled_for, &trail) {
        terminal::warn(&format!(
            "--inactive cannot tell re-enabled guests: {why}; sign-ins alone decide"
        ));
    }
    let disabled_users = if policy.inviter_gone {
        people::ids(portal, None, &[("employeeStatus", "2")])?
    } else {
        HashSet::new()
    };
    let members = if policy.no_rooms {
        let mut members = HashSet::new();
        rooms::each_room(portal, None, &mut |room| {
            rooms::each_member(portal, room.id, &mut |member| {
                if member.person.guest
                    && let Some(id) = people::guid_number(&member.person.id)
                {
                    members.insert(id);
                }
                Ok(())
            })
        })?;
        Some(members)
    } else {
        None
    };
    Ok(Facts {
        now,
        disabled_users,
        history,
        trail,
        members,
    })
}

/// Evaluates every guest as its page comes, printing each listed one.
/// `list_ids`: `--quiet` prints the selected ids.
fn select(
    ctx: &Context,
    policy: &mut Policy,
    facts: &Facts,
    list_ids: bool,
) -> Result<Selection, Error> {
    let (portal, out) = (&ctx.portal, &ctx.out);
    let mut selection = Selection {
        ids: Vec::new(),
        disabled: HashSet::new(),
        guests: 0,
        spared: 0,
        not_evaluated: 0,
    };
    let mut table = ReviewTable::new(facts.history.is_some());
    people::each_page(portal, &[], |page| {
        for guest in page {
            let guest = User::read(guest);
            selection.guests += 1;
            // Asked of every guest, so that a kept email is known to exist.
            let kept = policy.keeps(&guest);
            let disabled = guest.state() == "disabled";
            let Some(mut row) = evaluate(guest, policy, facts) else {
                continue;
            };
            if row.not_evaluated.is_some() {
                selection.not_evaluated += 1;
            } else if row.reasons.is_empty() {
                if !policy.all {
                    continue;
                }
            } else if kept {
                selection.spared += 1;
                row.kept = true;
                if !policy.all {
                    continue;
                }
            } else {
                if disabled {
                    selection.disabled.insert(row.id.clone());
                }
                selection.ids.push(row.id.clone());
                if list_ids {
                    out.quiet_line(&row.id)?;
                }
            }
            show(out, &mut table, row)?;
        }
        Ok(())
    })?;
    table.finish(out)?;
    let mut unknown: Vec<&String> = policy
        .keep_emails
        .iter()
        .filter_map(|(email, matched)| (!matched).then_some(email))
        .collect();
    unknown.sort();
    for email in unknown {
        terminal::warn(&format!("--keep names {email}, which is no guest's email"));
    }
    let selected = selection.ids.len();
    out.result(
        "summary",
        true,
        None,
        json!({ "guests": selection.guests, "selected": selected, "spared": selection.spared, "notEvaluated": selection.not_evaluated }),
    )?;
    out.say(&format!(
        "{selected} of {} selected; {} spared by --keep; {} not evaluated",
        output::count(selection.guests as u64, "guest"),
        selection.spared,
        selection.not_evaluated
    ))?;
    Ok(selection)
}

impl Policy {
    /// Whether `--keep` names the guest, by email or id.
    fn keeps(&mut self, guest: &User) -> bool {
        let email = guest.email.to_lowercase();
        let by_email = match self.keep_emails.get_mut(&email) {
            Some(matched) => {
                *matched = true;
                true
            }
            None => false,
        };
        let id = input::guid(&guest.id);
        by_email || id.is_some_and(|id| self.keep_ids.contains(&id))
    }
}

/// The guest's row: each rule's verdict; `None` for a guest without a GUID.
fn evaluate(guest: User, policy: &Policy, facts: &Facts) -> Option<Row> {
    let registration = guest.registered.clone();
    let registered_at = date::parse_timestamp(&registration);
    let inviter_id = guest.inviter.as_ref().map(|inviter| inviter.id.clone());
    let inviter = match &guest.inviter {
        Some(inviter) if inviter.id == LOST_USER => "(deleted user)".to_string(),
        Some(inviter) => inviter.name.clone().unwrap_or_else(|| inviter.id.clone()),
        None => String::new(),
    };
    let state = guest.state();
    let mut row = Row {
        id: input::guid(&guest.id)?,
        email: guest.email,
        name: guest.name,
        state,
        registered: registered_at.map_or_else(|| registration.clone(), date::utc_date),
        inviter,
        last_sign_in: None,
        reasons: Vec::new(),
        spared: Vec::new(),
        not_evaluated: None,
        kept: false,
    };
    if let Some(History::Missing(why)) = &facts.history {
        row.last_sign_in = Some("unknown".into());
        row.not_evaluated = Some(format!("not evaluated: {why}; never changed"));
        return Some(row);
    }
    if policy.needs_dates() && registered_at.is_none() {
        row.not_evaluated = Some(format!(
            "not evaluated: the registration date {registration:?} cannot be read; never changed"
        ));
        return Some(row);
    }
    let age = registered_at.map_or(Duration::ZERO, |at| {
        facts.now.duration_since(at).unwrap_or(Duration::ZERO)
    });
    let age_days = age.as_secs() / DAY;
    let older = |days: u32| age > Duration::from_secs(u64::from(days) * DAY);
    let not = |what: &str| format!("{state}, not {what}");
    let days_of = |n: u64| output::count(n, "day");
    if let Some(days) = policy.older_than {
        let detail = if older(days) {
            format!(
                "older than {} (registered {})",
                days_of(days.into()),
                row.registered
            )
        } else {
            format!("registered {} ago, under {days}", days_of(age_days))
        };
        row.rule("older-than", older(days), detail);
    }
    if let Some(days) = policy.pending_older_than {
        let pending = state == "pending";
        let detail = match (pending, older(days)) {
            (true, true) => format!("pending for {}", days_of(age_days)),
            (true, false) => format!("pending for {}, under {days}", days_of(age_days)),
            (false, _) => not("pending"),
        };
        row.rule("pending-older-than", pending && older(days), detail);
    }
    if policy.inviter_gone {
        let (gone, detail) = match inviter_id.as_deref() {
            Some(LOST_USER) => (true, "inviter deleted"),
            Some(id) if facts.disabled_users.contains(id) => (true, "inviter disabled"),
            Some(_) => (false, "inviter active"),
            None => (false, "inviter not told"),
        };
        row.rule("inviter-gone", gone, detail.into());
    }
    if policy.disabled {
        let detail = if state == "disabled" {
            "disabled".into()
        } else {
            not("disabled")
        };
        row.rule("disabled", state == "disabled", detail);
    }
    let mut unknown = None;
    if let Some(days) = policy.disabled_for {
        let cutoff = facts.now - Duration::from_secs(u64::from(days) * DAY);
        match disabled_since(&guest.terminated, &row.id, facts) {
            _ if state != "disabled" => row.rule("disabled-for", false, not("disabled")),
            Ok(since) => {
                let date = date::utc_date(since);
                let detail = if since < cutoff {
                    format!("disabled since {date}, more than {}", days_of(days.into()))
                } else {
                    format!("disabled since {date}, under {}", days_of(days.into()))
                };
                row.rule("disabled-for", since < cutoff, detail);
            }
            Err(why) => {
                let why = format!("disabled since unknown: {why}");
                row.rule("disabled-for", false, why.clone());
                unknown = Some(format!("not evaluated: {why}; never changed"));
            }
        }
    }
    if let (Some(History::Read(sign_ins)), Some(registered)) = (&facts.history, registered_at) {
        let verdict = sign_ins.judge(&row.id, registered);
        row.last_sign_in = Some(sign_ins.describe(&verdict));
        let inside = || format!("registered {}, inside the window", row.registered);
        let (selected, detail) = match verdict {
            Verdict::SignedIn(at) => (false, format!("signed in {}", date::utc_date(at))),
            Verdict::NoneSince => match re_enabled(&row.id, state, sign_ins.cutoff, facts) {
                Some(Ok(at)) => (false, format!("re-enabled {}", date::utc_date(at))),
                Some(Err(why)) => {
                    unknown = Some(format!("not evaluated: {why}; never changed"));
                    (false, why)
                }
                None => (
                    true,
                    format!(
                        "no sign-in since {} ({})",
                        sign_ins.cutoff_date(),
                        days_of(sign_ins.days.into())
                    ),
                ),
            },
            // Unknown only matters to a guest the rule could select.
            Verdict::Unknown if registered < sign_ins.cutoff => {
                unknown = Some(sign_ins.unknown_reason());
                (false, sign_ins.unknown_reason())
            }
            Verdict::Never | Verdict::Unknown => (false, inside()),
        };
        row.rule("inactive", selected, detail);
    }
    if let Some(members) = &facts.members {
        let member = people::guid_number(&row.id).is_some_and(|id| members.contains(&id));
        let detail = if member {
            "a direct member of a room"
        } else {
            "a direct member of no room"
        };
        row.rule("no-rooms", !member, detail.into());
    }
    // A guest another rule selects is selected; the rule itself never guesses.
    if row.reasons.is_empty() {
        row.not_evaluated = unknown;
    }
    Some(row)
}

/// When a disabled guest was disabled, at the latest: the later of the newest status
/// change naming them and their `terminated` date; why not, when neither tells.
fn disabled_since(
    terminated: &Option<String>,
    id: &str,
    facts: &Facts,
) -> Result<SystemTime, String> {
    let changes = match &facts.trail {
        Some(Trail::Read(changes)) => changes,
        Some(Trail::Missing(why)) => return Err(why.clone()),
        None => return Err("the audit trail was not read".into()),
    };
    let terminated = match terminated {
        Some(text) => Some(
            date::parse_timestamp(text)
                .ok_or_else(|| format!("its terminated date {text:?} cannot be read"))?,
        ),
        None => None,
    };
    match (changes.last(id), terminated) {
        (Change::Unreadable, _) => {
            Err("the date of its newest status change cannot be read".into())
        }
        (Change::At(at), terminated) => Ok(terminated.map_or(at, |t| t.max(at))),
        (Change::None, Some(terminated)) => Ok(terminated),
        (Change::None, None) => Err(
            "no status change in the audit trail names it, and it has no terminated date".into(),
        ),
    }
}

/// For an active guest whose newest status change (an enable) is inside the window:
/// when; `Err` when its date cannot be read.
fn re_enabled(
    id: &str,
    state: &str,
    cutoff: SystemTime,
    facts: &Facts,
) -> Option<Result<SystemTime, String>> {
    let Some(Trail::Read(changes)) = &facts.trail else {
        return None;
    };
    if state == "disabled" {
        return None;
    }
    match changes.last(id) {
        Change::At(at) if at >= cutoff => Some(Ok(at)),
        Change::Unreadable => Some(Err(
            "re-enabled unknown: the date of its newest status change cannot be read".into(),
        )),
        _ => None,
    }
}

/// The review's table: with a LAST SIGN-IN column when --inactive is used.
enum ReviewTable {
    Plain(Table<7>),
    SignIns(Table<8>),
}

impl ReviewTable {
    fn new(sign_ins: bool) -> ReviewTable {
        // The six columns every review has, then LAST SIGN-IN where shown, then WHY.
        let [a, b, c, d, e, f] = ["ID", "EMAIL", "NAME", "STATUS", "REGISTERED", "INVITER"];
        if sign_ins {
            ReviewTable::SignIns(Table::new([a, b, c, d, e, f, "LAST SIGN-IN", "WHY"]))
        } else {
            ReviewTable::Plain(Table::new([a, b, c, d, e, f, "WHY"]))
        }
    }

    /// The cells before WHY, then the last sign-in (where shown) and WHY.
    fn push(
        &mut self,
        out: &Printer,
        cells: [String; 6],
        last_sign_in: Option<String>,
        why: String,
    ) -> Result<(), Error> {
        let [a, b, c, d, e, f] = cells;
        match self {
            ReviewTable::Plain(table) => table.push(out, [a, b, c, d, e, f, why]),
            ReviewTable::SignIns(table) => {
                let last = last_sign_in.unwrap_or_default();
                table.push(out, [a, b, c, d, e, f, last, why])
            }
        }
    }

    fn finish(self, out: &Printer) -> Result<(), Error> {
        match self {
            ReviewTable::Plain(table) => table.finish(out),
            ReviewTable::SignIns(table) => table.finish(out),
        }
    }
}

/// One review line: a table row, or a `--json` line.
fn show(out: &Printer, table: &mut ReviewTable, row: Row) -> Result<(), Error> {
    let list = |reasons: &[Reason]| -> Vec<Value> {
        reasons
            .iter()
            .map(|r| json!({ "rule": r.rule, "detail": r.detail }))
            .collect()
    };
    let join = |reasons: &[Reason]| -> String {
        reasons
            .iter()
            .map(|r| r.detail.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let selected = row.not_evaluated.is_none() && !row.reasons.is_empty() && !row.kept;
    let (why, reasons) = match &row.not_evaluated {
        Some(why) => (
            why.clone(),
            vec![json!({ "rule": "not-evaluated", "detail": why })],
        ),
        None if row.kept => (
            format!("on the keep list (else: {})", join(&row.reasons)),
            list(&row.reasons),
        ),
        None if row.reasons.is_empty() => (join(&row.spared), Vec::new()),
        None => (join(&row.reasons), list(&row.reasons)),
    };
    let mut data = json!({
        "id": row.id, "email": row.email, "displayName": row.name, "state": row.state,
        "registered": row.registered, "inviter": row.inviter, "reasons": reasons,
        "spared": list(&row.spared), "kept": row.kept, "selected": selected,
    });
    if let Some(last) = &row.last_sign_in {
        data["lastSignIn"] = json!(last);
    }
    out.result("review", true, None, data)?;
    if out.shows_tables() {
        let Row {
            id,
            email,
            name,
            state,
            registered,
            inviter,
            last_sign_in,
            ..
        } = row;
        table.push(
            out,
            [id, email, name, state.to_string(), registered, inviter],
            last_sign_in,
            why,
        )?;
    }
    Ok(())
}
