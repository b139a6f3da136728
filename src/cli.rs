//! The command line: what the user asked for, checked for form. Nothing here reads the
//! environment or files, and nothing is sent; `config` and `commands` do that.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use crate::error::Error;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub const HELP: &str = "\
docspace-guest: approve and remove guest users of an ONLYOFFICE DocSpace portal

Usage: docspace-guest <COMMAND> [OPTIONS]

Commands:
  approve      Approve a guest who was shared with you through a guest sharing link
  delete       Remove guests from your guest list (the accounts stay), or --permanent
  run          approve, then delete the approved guest (the example script's flow)
  list         List the guests you can see
  share-link   Get a guest's sharing link, for another admin to approve
  whoami       Show who the credential acts as
  review       Show which guests a clean-up policy selects, and why (read-only)
  expire       Disable, remove or delete the guests a policy selects (for cron)
  disable      Suspend guest accounts (reversible with enable)
  enable       Undo a disable
  help         Show the help of a command: docspace-guest help delete

Connection (every command):
      --url URL             Portal address, e.g. https://portal.example.com
                            [env: DOCSPACE_URL, or DOCSPACE_API_HOST]
      --api-key-file PATH   Read the API key or token from PATH ('-' = stdin): the
                            key alone on a line; # comments, spaces, quotes, CRLF,
                            a BOM and UTF-16 are fine [default: env DOCSPACE_API_KEY]
      --allow-http          Allow http:// to a host that is not loopback
      --timeout SECS        Give up on a request after SECS seconds [default: 30]
      --retries N           Try again after 429, 502, 503, 504 or a lost connection
                            up to N times [default: 3]
      --max-wait SECS       The longest wait before a retry [default: 60]. The wait
                            is what Retry-After asks, else 0.5 s, 1 s, 2 s... with
                            jitter. When Retry-After asks for longer than SECS, the
                            tool stops at once (exit 6) and says until when
      --ca-cert PATH        Also trust the CA certificates in PATH (PEM), e.g. a
                            company or self-hosted CA. Trusted besides: the built-in
                            Mozilla roots and the system's (SSL_CERT_FILE, or the
                            distribution's bundle; SSL_CERT_DIR's hash-named files)

Output (every command):
      --json        One JSON object per line on stdout (op, ok, status, data)
      --dry-run     Look up and check everything, print the writes, send none
  -q, --quiet       Print only the result (ids, the link)
  -v, --verbose     Trace each request and response on stderr (credential redacted)
  -h, --help        Show this help (or a command's: docspace-guest delete --help)
  -V, --version     Show the version

The credential is never taken on the command line. An sk- API key or an OAuth
JWT is sent as 'Bearer <key>', a value that starts with 'Bearer ' or 'Basic '
as it is, anything else (a login token) raw. HTTPS_PROXY, HTTP_PROXY,
ALL_PROXY and NO_PROXY are honoured.

Exit codes:
  0  ok
  1  the server refused the request or answered unexpectedly
  2  usage or invalid input (nothing was sent)
  3  network, TLS or timeout
  4  authentication or permission refused (401/403)
  5  partly done (some items of a batch failed)
  6  the portal asked to wait longer than --max-wait (rate limit): run again later
";

pub const APPROVE_HELP: &str = "\
docspace-guest approve: approve a guest who was shared with you through a link

Usage: docspace-guest approve --email EMAIL --link LINK [OPTIONS]

Another admin shares a guest with you by sending a guest sharing link
(docspace-guest share-link). DocSpace knows the guest by that link, not by the
email: the link is required.

Options:
      --email EMAIL   The guest's email address (checked for form; a warning if
                      the link's guest has another)
      --link LINK     The guest sharing link, in any of these forms:
                        https://portal.example.com/s/AbCdEfGhIjKlMnO   (short)
                        https://portal.example.com/confirm/GuestShareLink?type=GuestShareLink&key=...
                        type=GuestShareLink&key=...&encemail=...&uid=...
                      A short link is resolved without sending the credential.

Prints the status code, the raw answer, the guest's name and email and id.
With --quiet: only the guest's id. Connection and output options: --help.
";

pub const DELETE_HELP: &str = "\
docspace-guest delete: remove guests from your guest list

Usage: docspace-guest delete [ID...] [--email ADDR]... [--from FILE] [OPTIONS]

Removes the guests from your guest list and revokes the shares you gave them.
The guest accounts stay on the portal (see --permanent).

Options:
      --email ADDR      A guest by email address (repeatable); looked up first
      --from FILE       IDs or email addresses, one per line ('-' = stdin);
                        blank lines and # comments are skipped. Spreadsheet and
                        Windows files work: UTF-8 (BOM or not) or UTF-16 with a
                        BOM, CRLF, quotes, a one-column CSV with a title line,
                        'Name <email>', {GUID}. Other lines stop the command
                        with FILE:LINE and the reason
      --batch-size N    Ids per request [default: 100]
      --permanent       Delete the guest accounts themselves: disable them, then
                        delete them. DocSpace admins only. Their rooms and files
                        pass to you. Cannot be undone.
      --yes             Do not ask before --permanent (needed without a terminal)

Everything is checked before anything is sent. The portal (3.7.1 and later)
refuses a whole request with 403 if any id in it is not one of your active
guests; the tool then retries that request's ids one by one, so every guest that
can be removed is. Older portals answer 200 and skip such ids silently: there the
tool first reads your active guests and sends only those, reporting the others
as not removed. Each guest's line is printed as soon as the portal confirms it,
then a summary: 'N removed, M failed'. Exit 0 when all were removed, 5 when some
were, 4 when all were refused for permission, 6 when the portal asked to wait.
";

pub const RUN_HELP: &str = "\
docspace-guest run: approve a guest, then remove the approved guest

Usage: docspace-guest run --email EMAIL --link LINK [OPTIONS]

The example script's whole flow, with its output. If the approval fails,
nothing is deleted. --email and --link are as for approve.
Connection and output options: docspace-guest --help.
";

pub const LIST_HELP: &str = "\
docspace-guest list: list the guests you can see

Usage: docspace-guest list [--search TEXT] [--inviter ID] [--status STATUS] [OPTIONS]

DocSpace admins see every guest; room admins see their own.

Options:
      --search TEXT     Only guests whose name or email contains TEXT
      --inviter ID      Only guests invited by the user with this ID
      --status STATUS   active, disabled or pending

Prints a table (id, email, name, status, registered). With --quiet only the
ids, one per line, ready for: docspace-guest delete --from -
With --json one object per guest.
";

pub const SHARE_LINK_HELP: &str = "\
docspace-guest share-link: get the guest sharing link of a guest

Usage: docspace-guest share-link ID [OPTIONS]

Prints the short link (https://<portal>/s/...) that another admin passes to
docspace-guest approve --link. Links are valid for 7 days.
";

pub const REVIEW_HELP: &str = "\
docspace-guest review: show which guests a clean-up policy selects, and why

Usage: docspace-guest review POLICY... [--keep FILE] [OPTIONS]

Reads the guests (and, for --inviter-gone, the disabled users) and changes
nothing. A guest is selected when it matches any rule of the policy:

Policy:
      --older-than DAYS          Registered more than DAYS days ago
      --pending-older-than DAYS  Invited more than DAYS days ago, never signed up
      --inviter-gone             The inviting user was deleted or is disabled
                                 (needs a DocSpace admin's credential)
      --disabled                 Already disabled (the second stage of a clean-up)

Options:
      --keep FILE   Guests never selected: one ID or email per line, read as
                    --from is ('-' = stdin)

Days count in UTC from this machine's clock. A guest whose registration date
cannot be read is listed as not evaluated and never selected. Prints a table
(ID, EMAIL, NAME, STATUS, REGISTERED, INVITER, WHY) and a count; with --quiet
only the selected ids, ready for: docspace-guest disable --from -
";

pub const EXPIRE_HELP: &str = "\
docspace-guest expire: change the guests a clean-up policy selects

Usage: docspace-guest expire POLICY... --action ACTION [--keep FILE] [--max N]
                             [--yes] [OPTIONS]

Selects guests as review does (same POLICY and --keep), prints them, then:

      --action remove    take them off your guest list, as delete does
      --action disable   suspend their accounts (enable undoes it)
      --action delete    delete their accounts for good, as delete --permanent
                         (needs --yes, or a terminal to ask on)
      --max N            Change nothing and exit 2 when the policy selects more
                         than N guests [default: 50; 0 = no limit]
      --yes              Do not ask before --action delete

Everything is read and the policy evaluated before the first write. disable and
delete take a DocSpace admin. One line per guest as the portal confirms it, a
summary, and the exit codes of delete (0, 4, 5, 6). A weekly cron clean-up:
  docspace-guest expire --older-than 180 --inviter-gone --action disable
  docspace-guest expire --disabled --action delete --yes
";

pub const DISABLE_HELP: &str = "\
docspace-guest disable: suspend guest accounts

Usage: docspace-guest disable [ID...] [--email ADDR]... [--from FILE] [OPTIONS]

Disables the accounts (PUT /api/2.0/people/status/2); enable undoes it. Guests
are named as for delete; only guests are touched. Takes a DocSpace admin.
One line per guest the portal confirms disabled, then 'N disabled, M failed';
exit codes as for delete. --batch-size N as for delete.
";

pub const ENABLE_HELP: &str = "\
docspace-guest enable: undo a disable

Usage: docspace-guest enable [ID...] [--email ADDR]... [--from FILE] [OPTIONS]

Enables the accounts again (PUT /api/2.0/people/status/1). A guest who never
signed up becomes pending again. Guests are named as for delete; only guests
are touched. Takes a DocSpace admin. Exit codes as for delete.
";

pub const WHOAMI_HELP: &str = "\
docspace-guest whoami: show who the credential acts as

Usage: docspace-guest whoami [OPTIONS]

Prints the name, email, id and type (DocSpace admin, room admin, user, guest)
of the account behind the credential: a cheap check of a cron job's set-up.
Approving and removing guests take a DocSpace admin or room admin.
";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

#[derive(Debug)]
pub struct Options {
    pub url: Option<String>,
    pub api_key_file: Option<PathBuf>,
    pub allow_http: bool,
    pub timeout: Duration,
    pub retries: u32,
    pub max_wait: Duration,
    pub ca_cert: Option<PathBuf>,
    pub verbosity: Verbosity,
    pub json: bool,
    pub dry_run: bool,
}

#[derive(Debug)]
pub enum Command {
    Approve {
        email: String,
        link: String,
    },
    Run {
        email: String,
        link: String,
    },
    Delete(DeleteArgs),
    List(ListArgs),
    ShareLink {
        id: String,
    },
    Whoami,
    Review(PolicyArgs),
    Expire(PolicyArgs, ExpireArgs),
    /// `disable` or `enable`: the same targets as delete.
    SetStatus {
        enable: bool,
        targets: DeleteArgs,
    },
}

#[derive(Debug, Default)]
pub struct PolicyArgs {
    pub older_than: Option<u32>,
    pub pending_older_than: Option<u32>,
    pub inviter_gone: bool,
    pub disabled: bool,
    pub keep: Option<PathBuf>,
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
}

#[derive(Debug)]
pub struct DeleteArgs {
    pub ids: Vec<String>,
    pub emails: Vec<String>,
    pub from: Option<PathBuf>,
    pub batch_size: usize,
    pub permanent: bool,
    pub yes: bool,
}

#[derive(Debug)]
pub struct ListArgs {
    pub search: Option<String>,
    pub inviter: Option<String>,
    pub status: Option<String>,
}

#[derive(Debug)]
pub enum Parsed {
    Run(Command, Options),
    /// Print this text and exit 0.
    Print(String),
}

/// Every flag as given, before it is known which command takes which.
#[derive(Default)]
struct Given {
    command: Option<String>,
    positionals: Vec<String>,
    emails: Vec<String>,
    link: Option<String>,
    from: Option<PathBuf>,
    batch_size: Option<usize>,
    permanent: bool,
    yes: bool,
    search: Option<String>,
    inviter: Option<String>,
    status: Option<String>,
    policy: PolicyArgs,
    action: Option<String>,
    max: Option<usize>,
    help: bool,
}

const COMMANDS: &str =
    "approve, delete, run, list, share-link, whoami, review, expire, disable or enable";

/// Options may stand before or after the command name, as scripts write them.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Parsed, Error> {
    use lexopt::prelude::*;

    let mut parser = lexopt::Parser::from_args(args);
    let mut given = Given::default();
    let mut options = Options {
        url: None,
        api_key_file: None,
        allow_http: false,
        timeout: Duration::from_secs(30),
        retries: 3,
        max_wait: Duration::from_secs(60),
        ca_cert: None,
        verbosity: Verbosity::Normal,
        json: false,
        dry_run: false,
    };

    while let Some(arg) = parser.next()? {
        match arg {
            Short('h') | Long("help") => given.help = true,
            Short('V') | Long("version") => {
                return Ok(Parsed::Print(format!("docspace-guest {VERSION}\n")));
            }
            Short('q') | Long("quiet") => options.verbosity = Verbosity::Quiet,
            Short('v') | Long("verbose") => options.verbosity = Verbosity::Verbose,
            Long("json") => options.json = true,
            Long("dry-run") => options.dry_run = true,
            Long("url") => options.url = Some(text(&mut parser, "--url")?),
            Long("api-key-file") => options.api_key_file = Some(parser.value()?.into()),
            Long("allow-http") => options.allow_http = true,
            Long("timeout") => {
                options.timeout = Duration::from_secs(number(&mut parser, "--timeout", 1, 86_400)?)
            }
            Long("retries") => options.retries = number(&mut parser, "--retries", 0, 10)? as u32,
            Long("max-wait") => {
                options.max_wait = Duration::from_secs(number(&mut parser, "--max-wait", 1, 3600)?)
            }
            Long("ca-cert") => options.ca_cert = Some(parser.value()?.into()),
            Long("email") => given.emails.push(text(&mut parser, "--email")?),
            Long("link") => set_once(&mut given.link, text(&mut parser, "--link")?, "--link")?,
            Long("from") => given.from = Some(parser.value()?.into()),
            Long("batch-size") => {
                given.batch_size = Some(number(&mut parser, "--batch-size", 1, 1000)? as usize)
            }
            Long("permanent") => given.permanent = true,
            Long("yes") => given.yes = true,
            Long("search") => given.search = Some(text(&mut parser, "--search")?),
            Long("inviter") => given.inviter = Some(text(&mut parser, "--inviter")?),
            Long("status") => given.status = Some(text(&mut parser, "--status")?),
            Long("older-than") => {
                given.policy.older_than = Some(days(&mut parser, "--older-than")?)
            }
            Long("pending-older-than") => {
                given.policy.pending_older_than = Some(days(&mut parser, "--pending-older-than")?)
            }
            Long("inviter-gone") => given.policy.inviter_gone = true,
            Long("disabled") => given.policy.disabled = true,
            Long("keep") => given.policy.keep = Some(parser.value()?.into()),
            Long("action") => given.action = Some(text(&mut parser, "--action")?),
            Long("max") => given.max = Some(number(&mut parser, "--max", 0, 1_000_000)? as usize),
            Long("api-key" | "key" | "token") => {
                return Err(Error::Usage(
                    "the key is not taken on the command line, where other users can read it: \
                     set DOCSPACE_API_KEY or use --api-key-file PATH"
                        .into(),
                ));
            }
            Value(value) => {
                let value = value
                    .into_string()
                    .map_err(|v| Error::Usage(format!("argument {v:?} is not valid UTF-8")))?;
                if given.command.is_none() {
                    given.command = Some(value);
                } else {
                    given.positionals.push(value);
                }
            }
            _ => return Err(arg.unexpected().into()),
        }
    }

    let name = match given.command.take() {
        None if given.help => return Ok(Parsed::Print(HELP.into())),
        None => {
            return Err(Error::Usage(format!(
                "no command given: use {COMMANDS} (see docspace-guest --help)"
            )));
        }
        Some(name) if name == "help" => {
            return Ok(Parsed::Print(help_for(given.positionals.first())?.into()));
        }
        Some(name) => name,
    };
    if given.help {
        return Ok(Parsed::Print(help_for(Some(&name))?.into()));
    }
    let command = command(&name, given)?;
    Ok(Parsed::Run(command, options))
}

/// Builds the command, refusing flags it does not take.
fn command(name: &str, mut given: Given) -> Result<Command, Error> {
    let takes: &[&str] = match name {
        "approve" | "run" => &["--email", "--link"],
        "delete" => &["--email", "--from", "--batch-size", "--permanent", "--yes"],
        "list" => &["--search", "--inviter", "--status"],
        "share-link" | "whoami" => &[],
        "review" => &POLICY_FLAGS[..5],
        "expire" => &POLICY_FLAGS,
        "disable" | "enable" => &["--email", "--from", "--batch-size"],
        other => return Err(unknown_command(other)),
    };
    let flags = [
        ("--email", !given.emails.is_empty()),
        ("--link", given.link.is_some()),
        ("--from", given.from.is_some()),
        ("--batch-size", given.batch_size.is_some()),
        ("--permanent", given.permanent),
        ("--yes", given.yes),
        ("--search", given.search.is_some()),
        ("--inviter", given.inviter.is_some()),
        ("--status", given.status.is_some()),
        ("--older-than", given.policy.older_than.is_some()),
        (
            "--pending-older-than",
            given.policy.pending_older_than.is_some(),
        ),
        ("--inviter-gone", given.policy.inviter_gone),
        ("--disabled", given.policy.disabled),
        ("--keep", given.policy.keep.is_some()),
        ("--action", given.action.is_some()),
        ("--max", given.max.is_some()),
    ];
    if let Some((flag, _)) = flags
        .iter()
        .find(|(flag, set)| *set && !takes.contains(flag))
    {
        return Err(Error::Usage(format!(
            "{flag} is not an option of {name} (see docspace-guest {name} --help)"
        )));
    }
    Ok(match name {
        "review" | "expire" => {
            no_positionals(name, &given.positionals)?;
            let policy = given.policy;
            if policy.older_than.is_none()
                && policy.pending_older_than.is_none()
                && !policy.inviter_gone
                && !policy.disabled
            {
                return Err(missing(
                    name,
                    "a policy: --older-than DAYS, --pending-older-than DAYS, --inviter-gone \
                     or --disabled",
                ));
            }
            if name == "review" {
                return Ok(Command::Review(policy));
            }
            let action = match given.action.as_deref() {
                Some("remove") => ExpireAction::Remove,
                Some("disable") => ExpireAction::Disable,
                Some("delete") => ExpireAction::Delete,
                Some(other) => {
                    return Err(Error::Usage(format!(
                        "--action takes remove, disable or delete, not '{other}'"
                    )));
                }
                None => return Err(missing(name, "--action remove|disable|delete")),
            };
            let expire = ExpireArgs {
                action,
                max: given.max.unwrap_or(50),
                yes: given.yes,
            };
            Command::Expire(policy, expire)
        }
        "disable" | "enable" => {
            if given.positionals.is_empty() && given.emails.is_empty() && given.from.is_none() {
                return Err(missing(name, "guest IDs, --email ADDR or --from FILE"));
            }
            Command::SetStatus {
                enable: name == "enable",
                targets: DeleteArgs {
                    ids: given.positionals,
                    emails: given.emails,
                    from: given.from,
                    batch_size: given.batch_size.unwrap_or(100),
                    permanent: false,
                    yes: false,
                },
            }
        }
        "approve" | "run" => {
            no_positionals(name, &given.positionals)?;
            if given.emails.len() > 1 {
                return Err(Error::Usage(format!("{name} takes one --email")));
            }
            let email = given
                .emails
                .pop()
                .ok_or_else(|| missing(name, "--email EMAIL"))?;
            let link = given.link.ok_or_else(|| missing(name, "--link LINK"))?;
            if name == "approve" {
                Command::Approve { email, link }
            } else {
                Command::Run { email, link }
            }
        }
        "delete" => {
            if given.positionals.is_empty() && given.emails.is_empty() && given.from.is_none() {
                return Err(missing("delete", "guest IDs, --email ADDR or --from FILE"));
            }
            Command::Delete(DeleteArgs {
                ids: given.positionals,
                emails: given.emails,
                from: given.from,
                batch_size: given.batch_size.unwrap_or(100),
                permanent: given.permanent,
                yes: given.yes,
            })
        }
        "list" => {
            no_positionals(name, &given.positionals)?;
            Command::List(ListArgs {
                search: given.search,
                inviter: given.inviter,
                status: given.status,
            })
        }
        "share-link" => match given.positionals.as_slice() {
            [id] => Command::ShareLink { id: id.clone() },
            _ => return Err(missing("share-link", "exactly one guest ID")),
        },
        _ => {
            no_positionals(name, &given.positionals)?;
            Command::Whoami
        }
    })
}

fn help_for(command: Option<&String>) -> Result<&'static str, Error> {
    match command.map(String::as_str) {
        None => Ok(HELP),
        Some("approve") => Ok(APPROVE_HELP),
        Some("delete") => Ok(DELETE_HELP),
        Some("run") => Ok(RUN_HELP),
        Some("list") => Ok(LIST_HELP),
        Some("share-link") => Ok(SHARE_LINK_HELP),
        Some("whoami") => Ok(WHOAMI_HELP),
        Some("review") => Ok(REVIEW_HELP),
        Some("expire") => Ok(EXPIRE_HELP),
        Some("disable") => Ok(DISABLE_HELP),
        Some("enable") => Ok(ENABLE_HELP),
        Some(other) => Err(unknown_command(other)),
    }
}

/// The flags of a clean-up policy, and (the last three) of expire alone.
const POLICY_FLAGS: [&str; 8] = [
    "--older-than",
    "--pending-older-than",
    "--inviter-gone",
    "--disabled",
    "--keep",
    "--action",
    "--max",
    "--yes",
];

fn unknown_command(name: &str) -> Error {
    Error::Usage(format!(
        "unknown command '{name}': use {COMMANDS} (see docspace-guest --help)"
    ))
}

fn missing(command: &str, what: &str) -> Error {
    Error::Usage(format!(
        "{command} needs {what} (see docspace-guest {command} --help)"
    ))
}

fn no_positionals(command: &str, positionals: &[String]) -> Result<(), Error> {
    match positionals.first() {
        Some(extra) => Err(Error::Usage(format!(
            "unexpected argument '{extra}' for {command} (see docspace-guest {command} --help)"
        ))),
        None => Ok(()),
    }
}

fn set_once(slot: &mut Option<String>, value: String, flag: &str) -> Result<(), Error> {
    if slot.replace(value).is_some() {
        return Err(Error::Usage(format!("{flag} is given twice; give it once")));
    }
    Ok(())
}

fn text(parser: &mut lexopt::Parser, flag: &str) -> Result<String, Error> {
    parser
        .value()?
        .into_string()
        .map_err(|_| Error::Usage(format!("{flag} takes UTF-8 text")))
}

/// A whole number from `min` to `max`.
fn number(parser: &mut lexopt::Parser, flag: &str, min: u64, max: u64) -> Result<u64, Error> {
    let value = text(parser, flag)?;
    match value.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(Error::Usage(format!(
            "{flag} takes a whole number from {min} to {max}, not '{value}'"
        ))),
    }
}

/// A whole number of days, 1 or more.
fn days(parser: &mut lexopt::Parser, flag: &str) -> Result<u32, Error> {
    Ok(number(parser, flag, 1, 36_500)? as u32)
}

impl From<lexopt::Error> for Error {
    fn from(err: lexopt::Error) -> Self {
        Error::Usage(format!("{err} (see docspace-guest --help)"))
    }
}
