//! The command line: what the user asked for, checked for form. Which command takes
//! which flag, and what a flag's value may be, come from the table in `flags`, as
//! `--help`, the man page and the completions do. Nothing here reads the environment
//! or files, and nothing is sent; `config` and `commands` do that.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use crate::docs;
use crate::error::Error;
use crate::flags::{self, Flag, Kind};

pub use crate::docs::VERSION;

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
    /// The flags given, to check that the command takes each.
    seen: Vec<&'static Flag>,
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
        let flag = match &arg {
            Value(_) => None,
            Long("api-key" | "key" | "token") => {
                return Err(Error::Usage(
                    "the key is not taken on the command line, where other users can read it: \
                     set DOCSPACE_API_KEY or use --api-key-file PATH"
                        .into(),
                ));
            }
            Short(c) => flags::FLAGS.iter().find(|f| f.short == Some(*c)),
            Long(name) => flags::flag(name),
        };
        if let Value(value) = arg {
            let value = value
                .into_string()
                .map_err(|v| Error::Usage(format!("argument {v:?} is not valid UTF-8")))?;
            match given.command {
                None => given.command = Some(value),
                Some(_) => given.positionals.push(value),
            }
            continue;
        }
        let Some(flag) = flag else {
            return Err(arg.unexpected().into());
        };
        if flag.long == "version" {
            return Ok(Parsed::Print(format!("docspace-guest {VERSION}\n")));
        }
        given.seen.push(flag);
        apply(flag, &mut parser, &mut given, &mut options)?;
    }

    let name = match given.command.take() {
        None if given.help => return Ok(Parsed::Print(docs::help())),
        None => {
            return Err(Error::Usage(format!(
                "no command given: use {} (see docspace-guest --help)",
                command_list()
            )));
        }
        Some(name) if name == "help" => {
            return Ok(Parsed::Print(help_for(given.positionals.first())?));
        }
        Some(name) => name,
    };
    if given.help {
        return Ok(Parsed::Print(help_for(Some(&name))?));
    }
    match name.as_str() {
        "completions" => {
            let shell = given.positionals.first().map(String::as_str);
            return match (shell.and_then(docs::completions), given.positionals.len()) {
                (Some(script), 1) => Ok(Parsed::Print(script)),
                _ => Err(missing("completions", "one shell: bash, zsh or fish")),
            };
        }
        "man" => {
            no_positionals("man", &given.positionals)?;
            return Ok(Parsed::Print(docs::man_page()));
        }
        _ => {}
    }
    let command = command(&name, given)?;
    Ok(Parsed::Run(command, options))
}

/// Takes the flag's value, if it has one, checked as the table says.
fn apply(
    flag: &'static Flag,
    parser: &mut lexopt::Parser,
    given: &mut Given,
    options: &mut Options,
) -> Result<(), Error> {
    let name = format!("--{}", flag.long);
    let value = match flag.kind {
        Kind::Switch => String::new(),
        Kind::File => {
            let path: PathBuf = parser.value()?.into();
            match flag.long {
                "api-key-file" => options.api_key_file = Some(path),
                "ca-cert" => options.ca_cert = Some(path),
                "from" => given.from = Some(path),
                _ => given.policy.keep = Some(path),
            }
            return Ok(());
        }
        Kind::Text | Kind::Number => text(parser, &name)?,
        Kind::Choice(values) => {
            let value = text(parser, &name)?;
            if !values.contains(&value.as_str()) {
                return Err(Error::Usage(format!(
                    "{name} takes {}, not '{value}'",
                    either(values)
                )));
            }
            value
        }
    };
    let seconds = |min, max| number(&value, &name, min, max).map(Duration::from_secs);
    match flag.long {
        "help" => given.help = true,
        "quiet" => options.verbosity = Verbosity::Quiet,
        "verbose" => options.verbosity = Verbosity::Verbose,
        "json" => options.json = true,
        "dry-run" => options.dry_run = true,
        "allow-http" => options.allow_http = true,
        "url" => options.url = Some(value),
        "timeout" => options.timeout = seconds(1, 86_400)?,
        "retries" => options.retries = number(&value, &name, 0, 10)? as u32,
        "max-wait" => options.max_wait = seconds(1, 3600)?,
        "email" => given.emails.push(value),
        "link" => set_once(&mut given.link, value, &name)?,
        "batch-size" => given.batch_size = Some(number(&value, &name, 1, 1000)? as usize),
        "permanent" => given.permanent = true,
        "yes" => given.yes = true,
        "search" => given.search = Some(value),
        "inviter" => given.inviter = Some(value),
        "status" => given.status = Some(value),
        "older-than" => given.policy.older_than = Some(number(&value, &name, 1, 36_500)? as u32),
        "pending-older-than" => {
            given.policy.pending_older_than = Some(number(&value, &name, 1, 36_500)? as u32)
        }
        "inviter-gone" => given.policy.inviter_gone = true,
        "disabled" => given.policy.disabled = true,
        "action" => given.action = Some(value),
        "max" => given.max = Some(number(&value, &name, 0, 1_000_000)? as usize),
        other => {
            return Err(Error::Usage(format!(
                "--{other} is in the flag table but not handled: please report this"
            )));
        }
    }
    Ok(())
}

/// Builds the command, refusing flags it does not take.
fn command(name: &str, mut given: Given) -> Result<Command, Error> {
    if flags::command(name).is_none() {
        return Err(unknown_command(name));
    }
    if let Some(flag) = given.seen.iter().find(|flag| !flag.takes(name)) {
        return Err(Error::Usage(format!(
            "--{} is not an option of {name} (see docspace-guest {name} --help)",
            flag.long
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
                Some(_) => ExpireAction::Delete,
                None => return Err(missing(name, "--action remove|disable|delete")),
            };
            let expire = ExpireArgs {
                action,
                max: given.max.unwrap_or(50),
                yes: given.yes,
            };
            Command::Expire(policy, expire)
        }
        "delete" | "disable" | "enable" => {
            if given.positionals.is_empty() && given.emails.is_empty() && given.from.is_none() {
                return Err(missing(name, "guest IDs, --email ADDR or --from FILE"));
            }
            let targets = DeleteArgs {
                ids: given.positionals,
                emails: given.emails,
                from: given.from,
                batch_size: given.batch_size.unwrap_or(100),
                permanent: given.permanent,
                yes: given.yes,
            };
            match name {
                "delete" => Command::Delete(targets),
                _ => Command::SetStatus {
                    enable: name == "enable",
                    targets,
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

fn help_for(command: Option<&String>) -> Result<String, Error> {
    match command {
        None => Ok(docs::help()),
        Some(name) => flags::command(name)
            .map(docs::command_help)
            .ok_or_else(|| unknown_command(name)),
    }
}

fn command_list() -> String {
    let names: Vec<&str> = flags::COMMANDS.iter().map(|c| c.name).collect();
    either(&names)
}

/// "a, b or c".
fn either(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [only] => only.to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

fn unknown_command(name: &str) -> Error {
    Error::Usage(format!(
        "unknown command '{name}': use {} (see docspace-guest --help)",
        command_list()
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
fn number(value: &str, flag: &str, min: u64, max: u64) -> Result<u64, Error> {
    match value.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(Error::Usage(format!(
            "{flag} takes a whole number from {min} to {max}, not '{value}'"
        ))),
    }
}

impl From<lexopt::Error> for Error {
    fn from(err: lexopt::Error) -> Self {
        Error::Usage(format!("{err} (see docspace-guest --help)"))
    }
}
