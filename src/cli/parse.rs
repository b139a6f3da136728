//! The command line: what the user asked for, checked for form. Which command takes
//! which flag, and what a flag's value may be, come from the table in `flags`, as
//! `--help`, the man page and the completions do. The config file's settings are
//! merged here, under the command line's (`config_file` reads it, through a `Host`);
//! nothing is sent, and the rest of the environment is `config`'s.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use crate::cli::config_file::{self, ConfigFile, Host};
use crate::cli::flags::{self, CommandDef, CommandId, Flag, FlagId, InFile, Kind};
use crate::cli::{self, VERSION};
use crate::commands::{
    ApplyArgs, CertifyArgs, Command, ExpireAction, ExpireArgs, ListArgs, NoResponse, PolicyArgs,
    ReviewerBy, RevokeArgs, RoomArgs, StartArgs, Targets,
};
use crate::config::{Options, Origin, Recording};
use crate::error::Error;
use crate::output::Verbosity;

impl Default for Targets {
    fn default() -> Self {
        Targets {
            ids: Vec::new(),
            emails: Vec::new(),
            from: None,
            batch_size: FlagId::BatchSize.default_number() as usize,
        }
    }
}

#[derive(Debug)]
pub enum Parsed {
    /// The options boxed: they are large, and the text is small.
    Run(Command, Box<Options>),
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
    help: bool,
    version: bool,
    /// delete's, disable's and enable's; --email is also approve's and run's guest.
    targets: Targets,
    link: Option<String>,
    permanent: bool,
    yes: bool,
    list: ListArgs,
    policy: PolicyArgs,
    action: Option<ExpireAction>,
    max: Option<usize>,
    rooms: Vec<u64>,
    all_rooms: bool,
    drop_form_roles: bool,
    certify: CertifyGiven,
    config: Option<PathBuf>,
    portal: Option<String>,
}

/// certify's own flags, as given.
#[derive(Default)]
struct CertifyGiven {
    out: Option<PathBuf>,
    reviewer: Option<ReviewerBy>,
    fallback: Option<String>,
    days: Option<u32>,
    due: Option<String>,
    no_response: Option<NoResponse>,
    sheets: Vec<PathBuf>,
}

/// With no flags, the tool uses the defaults of the flag table.
fn default_options() -> Options {
    Options {
        url: None,
        api_key_file: None,
        allow_http: false,
        timeout: Duration::from_secs(FlagId::Timeout.default_number()),
        retries: FlagId::Retries.default_number() as u32,
        max_wait: Duration::from_secs(FlagId::MaxWait.default_number()),
        ca_cert: None,
        verbosity: Verbosity::Normal,
        json: false,
        dry_run: false,
        csv: false,
        record: Recording::Default,
        config_file: None,
        origins: Vec::new(),
    }
}

/// Options may stand before or after the command name, as scripts write them.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Parsed, Error> {
    parse_in(args, &config_file::System)
}

/// `parse`, with the config file and variables of `host`.
pub fn parse_in(
    args: impl IntoIterator<Item = OsString>,
    host: &dyn Host,
) -> Result<Parsed, Error> {
    use lexopt::prelude::*;

    let mut parser = lexopt::Parser::from_args(args);
    let mut given = Given::default();
    let mut options = default_options();

    while let Some(arg) = parser.next()? {
        let flag = match arg {
            Value(value) => {
                let value = value
                    .into_string()
                    .map_err(|v| Error::Usage(format!("argument {v:?} is not valid UTF-8")))?;
                match given.command {
                    None => given.command = Some(value),
                    Some(_) => given.positionals.push(value),
                }
                continue;
            }
            Long("api-key" | "key" | "token") => {
                return Err(Error::Usage(
                    "the key is not taken on the command line, where other users can read it: \
                     set DOCSPACE_API_KEY or use --api-key-file PATH"
                        .into(),
                ));
            }
            Short(c) => flags::flag_by_short(c),
            Long(name) => flags::flag_by_long(name),
        };
        let Some(flag) = flag else {
            return Err(arg.unexpected().into());
        };
        given.seen.push(flag);
        options.origins.push((flag.id, Origin::CommandLine));
        apply(flag, &mut parser, &mut given, &mut options)?;
        // Whatever else the line holds.
        if given.version {
            return Ok(Parsed::Print(format!("docspace-guest {VERSION}\n")));
        }
    }

    let Some(name) = given.command.take() else {
        if given.help {
            return Ok(Parsed::Print(cli::help()));
        }
        return Err(Error::Usage(format!(
            "no command given: use {} (see docspace-guest --help)",
            command_list()
        )));
    };
    let command = flags::command(&name).ok_or_else(|| unknown_command(&name))?;
    if options.csv && options.json {
        return Err(Error::Usage(
            "--csv and --json cannot be combined: choose one".into(),
        ));
    }
    // `help --help` is help's own business: `help delete --help` shows delete's.
    if given.help && command.id != CommandId::Help {
        return Ok(Parsed::Print(cli::command_help(command)));
    }
    if !matches!(
        command.id,
        CommandId::Help | CommandId::Completions | CommandId::Man
    ) {
        let file = config_file::load(host, given.config.take(), given.portal.take())?;
        if let Some(file) = file {
            merge(&file, command, host, &mut given, &mut options)?;
            options.config_file = Some((file.path, file.section, file.found));
        }
    }
    let run = match command.id {
        // These print, whatever options come with them.
        CommandId::Help => return Ok(Parsed::Print(help_for(given.positionals.first())?)),
        CommandId::Completions => return completions(&given.positionals),
        CommandId::Man => {
            no_positionals(command, &given.positionals)?;
            return Ok(Parsed::Print(cli::man_page()));
        }
        CommandId::Approve => {
            let (email, link) = one_guest(command, given)?;
            Command::Approve { email, link }
        }
        CommandId::Run => {
            let (email, link) = one_guest(command, given)?;
            Command::Run { email, link }
        }
        CommandId::Delete => {
            let (permanent, yes) = (given.permanent, given.yes);
            Command::Delete {
                targets: targets(command, given)?,
                permanent,
                yes,
            }
        }
        CommandId::Disable => Command::SetStatus {
            enable: false,
            targets: targets(command, given)?,
        },
        CommandId::Enable => Command::SetStatus {
            enable: true,
            targets: targets(command, given)?,
        },
        CommandId::List => {
            only_its_flags(command, &given)?;
            no_positionals(command, &given.positionals)?;
            Command::List(given.list)
        }
        CommandId::ShareLink => {
            only_its_flags(command, &given)?;
            match given.positionals.as_slice() {
                [id] => Command::ShareLink { id: id.clone() },
                _ => return Err(missing(command, "exactly one guest ID")),
            }
        }
        CommandId::Whoami => {
            only_its_flags(command, &given)?;
            no_positionals(command, &given.positionals)?;
            Command::Whoami
        }
        CommandId::Review => Command::Review(policy(command, given)?),
        CommandId::Expire => {
            let (action, max, yes) = (given.action, given.max, given.yes);
            let policy = policy(command, given)?;
            let action =
                action.ok_or_else(|| missing(command, "--action remove|disable|delete"))?;
            let max = max.unwrap_or(FlagId::Max.default_number() as usize);
            Command::Expire(policy, ExpireArgs { action, max, yes })
        }
        CommandId::Access => {
            only_its_flags(command, &given)?;
            let rooms = std::mem::take(&mut given.rooms);
            let targets = Targets {
                ids: given.positionals,
                ..given.targets
            };
            Command::Access(Box::new(RoomArgs { targets, rooms }))
        }
        CommandId::Revoke => {
            let rooms = std::mem::take(&mut given.rooms);
            let revoke = RevokeArgs {
                all_rooms: given.all_rooms,
                max: given.max.unwrap_or(FlagId::Max.default_number() as usize),
                drop_form_roles: given.drop_form_roles,
            };
            match (rooms.is_empty(), revoke.all_rooms) {
                (true, false) => return Err(missing(command, "--room ID or --all-rooms")),
                (false, true) => {
                    return Err(Error::Usage(
                        "--room and --all-rooms cannot be combined: name the rooms, or take \
                         every room"
                            .into(),
                    ));
                }
                _ => {}
            }
            let targets = targets(command, given)?;
            Command::Revoke(Box::new(RoomArgs { targets, rooms }), revoke)
        }
        CommandId::Restore => {
            only_its_flags(command, &given)?;
            no_positionals(command, &given.positionals)?;
            let from = given
                .targets
                .from
                .ok_or_else(|| missing(command, "--from FILE (a record a change command wrote)"))?;
            let max = given.max.unwrap_or(FlagId::Max.default_number() as usize);
            Command::Restore { from, max }
        }
        CommandId::Certify => Command::Certify(Box::new(certify(command, given)?)),
    };
    Ok(Parsed::Run(run, Box::new(options)))
}

/// Takes the flag's value, if it has one, checked as the table says. The numbers fit
/// the integer types they are cast to: the table's ranges are far within them.
fn apply(
    flag: &'static Flag,
    parser: &mut lexopt::Parser,
    given: &mut Given,
    options: &mut Options,
) -> Result<(), Error> {
    match flag.id {
        FlagId::Config => given.config = Some(path(parser)?),
        FlagId::Portal => given.portal = Some(text(parser, flag)?),
        FlagId::Url => options.url = Some(text(parser, flag)?),
        FlagId::ApiKeyFile => options.api_key_file = Some(path(parser)?),
        FlagId::AllowHttp => options.allow_http = true,
        FlagId::Timeout => options.timeout = Duration::from_secs(number(parser, flag)?),
        FlagId::Retries => options.retries = number(parser, flag)? as u32,
        FlagId::MaxWait => options.max_wait = Duration::from_secs(number(parser, flag)?),
        FlagId::CaCert => options.ca_cert = Some(path(parser)?),
        FlagId::Json => options.json = true,
        FlagId::DryRun => options.dry_run = true,
        FlagId::Quiet => options.verbosity = Verbosity::Quiet,
        FlagId::Verbose => options.verbosity = Verbosity::Verbose,
        FlagId::Help => given.help = true,
        FlagId::Version => given.version = true,
        FlagId::Email => given.targets.emails.push(text(parser, flag)?),
        FlagId::Link => {
            let link = text(parser, flag)?;
            if given.link.replace(link).is_some() {
                return Err(Error::Usage(format!(
                    "--{} is given twice; give it once",
                    flag.long
                )));
            }
        }
        FlagId::From => given.targets.from = Some(path(parser)?),
        FlagId::BatchSize => given.targets.batch_size = number(parser, flag)? as usize,
        FlagId::Permanent => given.permanent = true,
        FlagId::Yes => given.yes = true,
        FlagId::Search => given.list.search = Some(text(parser, flag)?),
        FlagId::Inviter => given.list.inviter = Some(text(parser, flag)?),
        FlagId::Status => given.list.status = Some(choice(parser, flag)?),
        FlagId::OlderThan => given.policy.older_than = Some(number(parser, flag)? as u32),
        FlagId::PendingOlderThan => {
            given.policy.pending_older_than = Some(number(parser, flag)? as u32)
        }
        FlagId::InviterGone => given.policy.inviter_gone = true,
        FlagId::Disabled => given.policy.disabled = true,
        FlagId::DisabledFor => given.policy.disabled_for = Some(number(parser, flag)? as u32),
        FlagId::Inactive => given.policy.inactive = Some(number(parser, flag)? as u32),
        FlagId::NoRooms => given.policy.no_rooms = true,
        FlagId::All => given.policy.all = true,
        FlagId::Keep => given.policy.keep = Some(path(parser)?),
        FlagId::Action => {
            let name = choice(parser, flag)?;
            given.action = ExpireAction::ALL.into_iter().find(|a| a.name() == name);
        }
        FlagId::Max => given.max = Some(number(parser, flag)? as usize),
        FlagId::Room => given.rooms.push(number(parser, flag)?),
        FlagId::AllRooms => given.all_rooms = true,
        FlagId::Record => {
            if options.record == Recording::Off {
                return Err(both_record_flags());
            }
            options.record = Recording::To(path(parser)?)
        }
        FlagId::NoRecord => {
            if matches!(options.record, Recording::To(_)) {
                return Err(both_record_flags());
            }
            options.record = Recording::Off
        }
        FlagId::DropFormRoles => given.drop_form_roles = true,
        FlagId::Csv => options.csv = true,
        FlagId::Out => given.certify.out = Some(path(parser)?),
        FlagId::Reviewer => {
            let by = choice(parser, flag)?;
            given.certify.reviewer = Some(if by == "inviter" {
                ReviewerBy::Inviter
            } else {
                ReviewerBy::Owner
            });
        }
        FlagId::FallbackReviewer => given.certify.fallback = Some(text(parser, flag)?),
        FlagId::RecommendInactive => given.certify.days = Some(number(parser, flag)? as u32),
        FlagId::Due => given.certify.due = Some(text(parser, flag)?),
        FlagId::NoResponse => {
            let name = choice(parser, flag)?;
            given.certify.no_response = NoResponse::ALL.into_iter().find(|n| n.name() == name);
        }
        FlagId::Sheet => given.certify.sheets.push(path(parser)?),
    }
    Ok(())
}

/// certify's step (start, status, apply) and its flags: each step takes only its own.
fn certify(command: &CommandDef, mut given: Given) -> Result<CertifyArgs, Error> {
    only_its_flags(command, &given)?;
    let step = given.positionals.first().cloned().unwrap_or_default();
    let own: &[FlagId] = match step.as_str() {
        "start" => &[
            FlagId::Out,
            FlagId::Reviewer,
            FlagId::FallbackReviewer,
            FlagId::RecommendInactive,
            FlagId::Due,
            FlagId::Room,
        ],
        "status" => &[],
        "apply" => &[
            FlagId::NoResponse,
            FlagId::Sheet,
            FlagId::Max,
            FlagId::Record,
            FlagId::NoRecord,
        ],
        _ => return Err(missing(command, "a step: start, status DIR or apply DIR")),
    };
    if let Some(flag) = given
        .seen
        .iter()
        .find(|f| f.is_own_of(CommandId::Certify) && !own.contains(&f.id))
    {
        return Err(Error::Usage(format!(
            "--{} is not an option of certify {step} (see docspace-guest certify --help)",
            flag.long
        )));
    }
    let c = given.certify;
    let dir = |positionals: &[String]| match positionals {
        [_, dir] => Ok(PathBuf::from(dir)),
        _ => Err(missing(command, &format!("{step} DIR: the round's folder"))),
    };
    Ok(match step.as_str() {
        "start" => {
            no_positionals(command, &given.positionals[1..])?;
            CertifyArgs::Start(StartArgs {
                out: c.out.ok_or_else(|| missing(command, "start --out DIR"))?,
                reviewer: c.reviewer.unwrap_or(ReviewerBy::Owner),
                fallback: c.fallback,
                days: c
                    .days
                    .unwrap_or(FlagId::RecommendInactive.default_number() as u32),
                rooms: std::mem::take(&mut given.rooms),
                due: c.due,
            })
        }
        "status" => CertifyArgs::Status {
            dir: dir(&given.positionals)?,
        },
        _ => CertifyArgs::Apply(ApplyArgs {
            dir: dir(&given.positionals)?,
            no_response: c.no_response.ok_or_else(|| {
                missing(
                    command,
                    "apply --no-response keep|remove|recommendation: what an undecided row means",
                )
            })?,
            sheets: c.sheets,
            max: given.max.unwrap_or(FlagId::Max.default_number() as usize),
        }),
    })
}

fn both_record_flags() -> Error {
    Error::Usage("--record and --no-record cannot be combined: give one".into())
}

/// The config file's settings under the command line's: a flag given there, or the
/// variable that stands for it, wins; so does the section over the file's top. A flag
/// `command` does not take is skipped; so are the file's policy rules when the command
/// line names one. Every line is checked, wherever it is, so that a mistake shows at once.
fn merge(
    file: &ConfigFile,
    command: &CommandDef,
    host: &dyn Host,
    given: &mut Given,
    options: &mut Options,
) -> Result<(), Error> {
    let on_line = |id: FlagId| given.seen.iter().any(|f| f.id == id);
    let url_env = match host.env("DOCSPACE_URL")? {
        Some(_) => Some("DOCSPACE_URL"),
        None => host.env("DOCSPACE_API_HOST")?.map(|_| "DOCSPACE_API_HOST"),
    };
    let key_env = host.env("DOCSPACE_API_KEY")?.map(|_| "DOCSPACE_API_KEY");
    if let Some(section) = &file.section
        && let Some(name) = url_env.or(key_env)
        && !(on_line(FlagId::Url) && on_line(FlagId::ApiKeyFile))
    {
        return Err(Error::Usage(format!(
            "{name} is set, and the section [{section}] of {} is chosen: the portal and its \
             key come from one place; unset {name}, or give both --url and --api-key-file",
            file.path.display()
        )));
    }
    let rules_on_line = given.seen.iter().any(|f| f.in_file == InFile::Rule);
    let mut taken: Vec<FlagId> = given.seen.iter().map(|f| f.id).collect();
    if url_env.is_some() {
        taken.push(FlagId::Url);
    }
    if key_env.is_some() {
        taken.push(FlagId::ApiKeyFile);
    }
    // Each value checked as the command line's are, on a scratch copy.
    for setting in &file.settings {
        let (mut scratch, mut scratch_options) = (Given::default(), default_options());
        apply_setting(setting, &mut scratch, &mut scratch_options)
            .map_err(|err| err.context(&format!("{}: ", file.at(setting))))?;
    }
    for setting in file.chosen() {
        let flag = setting.flag;
        if taken.contains(&flag.id)
            || !flag.takes(command.id)
            || (rules_on_line && flag.in_file == InFile::Rule)
        {
            continue;
        }
        taken.push(flag.id);
        given.seen.push(flag);
        options
            .origins
            .push((flag.id, Origin::File(file.path.clone(), setting.line)));
        apply_setting(setting, given, options)?;
    }
    Ok(())
}

/// One line of the config file, applied as the flag would be on the command line.
fn apply_setting(
    setting: &config_file::Setting,
    given: &mut Given,
    options: &mut Options,
) -> Result<(), Error> {
    let flag = setting.flag;
    let mut args = vec![OsString::from(format!("--{}", flag.long))];
    args.extend(setting.value.iter().map(OsString::from));
    let mut parser = lexopt::Parser::from_args(args);
    parser.next()?;
    apply(flag, &mut parser, given, options)
}

/// Refuses the first flag given that `command` does not take.
fn only_its_flags(command: &CommandDef, given: &Given) -> Result<(), Error> {
    match given.seen.iter().find(|flag| !flag.takes(command.id)) {
        Some(flag) => Err(Error::Usage(format!(
            "--{} is not an option of {} (see docspace-guest {} --help)",
            flag.long, command.name, command.name
        ))),
        None => Ok(()),
    }
}

/// approve's and run's guest: one --email and the --link.
fn one_guest(command: &CommandDef, mut given: Given) -> Result<(String, String), Error> {
    only_its_flags(command, &given)?;
    no_positionals(command, &given.positionals)?;
    if given.targets.emails.len() > 1 {
        return Err(Error::Usage(format!("{} takes one --email", command.name)));
    }
    let email = given
        .targets
        .emails
        .pop()
        .ok_or_else(|| missing(command, "--email EMAIL"))?;
    let link = given.link.ok_or_else(|| missing(command, "--link LINK"))?;
    Ok((email, link))
}

/// The guests delete, disable and enable change.
fn targets(command: &CommandDef, given: Given) -> Result<Targets, Error> {
    only_its_flags(command, &given)?;
    let targets = Targets {
        ids: given.positionals,
        ..given.targets
    };
    if targets.ids.is_empty() && targets.emails.is_empty() && targets.from.is_none() {
        return Err(missing(command, "guest IDs, --email ADDR or --from FILE"));
    }
    Ok(targets)
}

/// review's and expire's policy, which needs a rule.
fn policy(command: &CommandDef, given: Given) -> Result<PolicyArgs, Error> {
    only_its_flags(command, &given)?;
    no_positionals(command, &given.positionals)?;
    let policy = given.policy;
    if policy.older_than.is_none()
        && policy.pending_older_than.is_none()
        && !policy.inviter_gone
        && !policy.disabled
        && policy.disabled_for.is_none()
        && policy.inactive.is_none()
        && !policy.no_rooms
    {
        return Err(missing(
            command,
            "a policy: --older-than DAYS, --pending-older-than DAYS, --inviter-gone, \
             --disabled, --disabled-for DAYS, --inactive DAYS or --no-rooms",
        ));
    }
    Ok(policy)
}

fn completions(positionals: &[String]) -> Result<Parsed, Error> {
    match positionals {
        [shell] => cli::completions(shell).map(Parsed::Print),
        _ => None,
    }
    .ok_or_else(|| {
        missing(
            CommandId::Completions.command(),
            "one shell: bash, zsh or fish",
        )
    })
}

fn help_for(command: Option<&String>) -> Result<String, Error> {
    match command {
        None => Ok(cli::help()),
        Some(name) => flags::command(name)
            .map(cli::command_help)
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

fn missing(command: &CommandDef, what: &str) -> Error {
    let name = command.name;
    Error::Usage(format!(
        "{name} needs {what} (see docspace-guest {name} --help)"
    ))
}

fn no_positionals(command: &CommandDef, positionals: &[String]) -> Result<(), Error> {
    let name = command.name;
    match positionals.first() {
        Some(extra) => Err(Error::Usage(format!(
            "unexpected argument '{extra}' for {name} (see docspace-guest {name} --help)"
        ))),
        None => Ok(()),
    }
}

fn text(parser: &mut lexopt::Parser, flag: &Flag) -> Result<String, Error> {
    parser
        .value()?
        .into_string()
        .map_err(|_| Error::Usage(format!("--{} takes UTF-8 text", flag.long)))
}

/// A file's path: any bytes the system allows, `-` for stdin where the flag says so.
fn path(parser: &mut lexopt::Parser) -> Result<PathBuf, Error> {
    Ok(parser.value()?.into())
}

/// A whole number within the flag's range in the table.
fn number(parser: &mut lexopt::Parser, flag: &Flag) -> Result<u64, Error> {
    let Kind::Number { min, max, .. } = flag.kind else {
        panic!("--{} is not a number in FLAGS", flag.long);
    };
    let value = text(parser, flag)?;
    match value.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(Error::Usage(format!(
            "--{} takes a whole number from {min} to {max}, not '{value}'",
            flag.long
        ))),
    }
}

/// One of the flag's choices in the table.
fn choice(parser: &mut lexopt::Parser, flag: &Flag) -> Result<String, Error> {
    let Kind::Choice(choices) = flag.kind else {
        panic!("--{} is not a choice in FLAGS", flag.long);
    };
    let value = text(parser, flag)?;
    if !choices.contains(&value.as_str()) {
        return Err(Error::Usage(format!(
            "--{} takes {}, not '{value}'",
            flag.long,
            either(choices)
        )));
    }
    Ok(value)
}

impl From<lexopt::Error> for Error {
    fn from(err: lexopt::Error) -> Self {
        Error::Usage(format!("{err} (see docspace-guest --help)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No variables and no default config file: the tests see only their words.
    struct Bare;

    impl Host for Bare {
        fn env(&self, _: &str) -> Result<Option<String>, Error> {
            Ok(None)
        }

        fn default_files(&self) -> Result<Vec<PathBuf>, Error> {
            Ok(Vec::new())
        }
    }

    fn parse_words(words: &[&str]) -> Result<Parsed, Error> {
        parse_in(words.iter().map(OsString::from), &Bare)
    }

    fn run(words: &[&str]) -> (Command, Options) {
        match parse_words(words) {
            Ok(Parsed::Run(command, options)) => (command, *options),
            other => panic!("{words:?}: {other:?}"),
        }
    }

    fn refusal(words: &[&str]) -> String {
        match parse_words(words) {
            Err(Error::Usage(message)) => message,
            other => panic!("{words:?} is not refused: {other:?}"),
        }
    }

    type Check = fn(&Command, &Options) -> bool;

    /// A command line with each flag in the form it takes, and what it must set.
    const ACCEPTED: &[(&[&str], Check)] = &[
        (&["whoami", "--url", "https://p.example"], |_, o| {
            o.url.as_deref() == Some("https://p.example")
        }),
        (&["whoami", "--api-key-file", "-"], |_, o| {
            o.api_key_file == Some("-".into())
        }),
        (&["whoami", "--allow-http"], |_, o| o.allow_http),
        (&["whoami", "--timeout", "86400"], |_, o| {
            o.timeout == Duration::from_secs(86_400)
        }),
        (&["whoami", "--retries", "0"], |_, o| o.retries == 0),
        (&["whoami", "--max-wait", "1"], |_, o| {
            o.max_wait == Duration::from_secs(1)
        }),
        (&["whoami", "--ca-cert", "ca.pem"], |_, o| {
            o.ca_cert == Some("ca.pem".into())
        }),
        (&["whoami", "--json"], |_, o| o.json),
        (&["whoami", "--dry-run"], |_, o| o.dry_run),
        (&["whoami", "--quiet"], |_, o| {
            o.verbosity == Verbosity::Quiet
        }),
        (&["-q", "whoami"], |_, o| o.verbosity == Verbosity::Quiet),
        (&["whoami", "--verbose"], |_, o| {
            o.verbosity == Verbosity::Verbose
        }),
        (&["whoami", "-v"], |_, o| o.verbosity == Verbosity::Verbose),
        (
            &["approve", "--email", "a@b.c", "--link", "L"],
            |c, _| matches!(c, Command::Approve { email, link } if email == "a@b.c" && link == "L"),
        ),
        (
            &["run", "--link=L", "--email=a@b.c"],
            |c, _| matches!(c, Command::Run { email, link } if email == "a@b.c" && link == "L"),
        ),
        (
            &["delete", "id1", "--email", "a@b.c", "--email", "d@e.f"],
            |c, _| matches!(c, Command::Delete { targets: d, .. } if d.ids == ["id1"] && d.emails == ["a@b.c", "d@e.f"]),
        ),
        (
            &["delete", "--from", "leavers.csv"],
            |c, _| matches!(c, Command::Delete { targets: d, .. } if d.from == Some("leavers.csv".into())),
        ),
        (
            &["disable", "id1", "--batch-size", "1000"],
            |c, _| matches!(c, Command::SetStatus { enable: false, targets } if targets.batch_size == 1000),
        ),
        (
            &["enable", "id1"],
            |c, _| matches!(c, Command::SetStatus { enable: true, targets } if targets.ids == ["id1"]),
        ),
        (&["delete", "id1", "--permanent", "--yes"], |c, _| {
            matches!(
                c,
                Command::Delete {
                    permanent: true,
                    yes: true,
                    ..
                }
            )
        }),
        (
            &[
                "list",
                "--search",
                "x",
                "--inviter",
                "i",
                "--status",
                "pending",
            ],
            |c, _| {
                matches!(c, Command::List(l) if l.search.as_deref() == Some("x")
                && l.inviter.as_deref() == Some("i")
                && l.status.as_deref() == Some("pending"))
            },
        ),
        (
            &["share-link", "id1"],
            |c, _| matches!(c, Command::ShareLink { id } if id == "id1"),
        ),
        (
            &["review", "--older-than", "36500", "--keep", "keep.txt"],
            |c, _| {
                matches!(c, Command::Review(p) if p.older_than == Some(36_500)
                && p.keep == Some("keep.txt".into()))
            },
        ),
        (
            &["review", "--pending-older-than", "1"],
            |c, _| matches!(c, Command::Review(p) if p.pending_older_than == Some(1)),
        ),
        (
            &["review", "--inviter-gone"],
            |c, _| matches!(c, Command::Review(p) if p.inviter_gone),
        ),
        (
            &["review", "--disabled"],
            |c, _| matches!(c, Command::Review(p) if p.disabled),
        ),
        (
            &["review", "--disabled-for", "7", "--no-rooms", "--all"],
            |c, _| matches!(c, Command::Review(p) if p.disabled_for == Some(7) && p.no_rooms && p.all),
        ),
        (
            &["expire", "--inactive", "180", "--action", "disable"],
            |c, _| matches!(c, Command::Expire(p, _) if p.inactive == Some(180)),
        ),
        (
            &["expire", "--disabled", "--action", "remove", "--max", "0"],
            |c, _| matches!(c, Command::Expire(_, e) if e.action == ExpireAction::Remove && e.max == 0),
        ),
        (
            &["expire", "--disabled", "--action", "disable"],
            |c, _| matches!(c, Command::Expire(_, e) if e.action == ExpireAction::Disable && !e.yes),
        ),
        (
            &["expire", "--disabled", "--action", "delete", "--yes"],
            |c, _| matches!(c, Command::Expire(_, e) if e.action == ExpireAction::Delete && e.yes),
        ),
        (
            &["access", "id1", "--room", "12", "--room", "40", "--csv"],
            |c, o| {
                o.csv
                    && matches!(c, Command::Access(a) if a.rooms == [12, 40] && a.targets.ids == ["id1"])
            },
        ),
        (
            &[
                "revoke",
                "id1",
                "--all-rooms",
                "--record",
                "r.jsonl",
                "--drop-form-roles",
                "--max",
                "0",
            ],
            |c, o| {
                matches!(c, Command::Revoke(_, r) if r.all_rooms && r.max == 0
                    && r.drop_form_roles)
                    && o.record == Recording::To("r.jsonl".into())
            },
        ),
        (&["restore", "--from", "r.jsonl", "--max", "3"], |c, o| {
            o.record == Recording::Default
                && matches!(c, Command::Restore { from, max: 3 } if from.as_path() == std::path::Path::new("r.jsonl"))
        }),
        (&["disable", "id1", "--no-record"], |_, o| {
            o.record == Recording::Off
        }),
        (
            &[
                "certify",
                "start",
                "--out",
                "d",
                "--reviewer",
                "inviter",
                "--fallback-reviewer",
                "a@example.com",
                "--recommend-inactive",
                "90",
                "--due",
                "2026-12-31",
                "--room",
                "7",
            ],
            |c, _| {
                matches!(c, Command::Certify(a) if matches!(a.as_ref(), CertifyArgs::Start(s)
                if s.out.as_path() == std::path::Path::new("d") && s.reviewer == ReviewerBy::Inviter
                    && s.fallback.as_deref() == Some("a@example.com") && s.days == 90
                    && s.due.as_deref() == Some("2026-12-31") && s.rooms == [7]))
            },
        ),
        (
            &[
                "certify",
                "apply",
                "d",
                "--no-response",
                "recommendation",
                "--sheet",
                "a.csv",
                "--max",
                "0",
                "--record",
                "r.jsonl",
            ],
            |c, o| {
                matches!(c, Command::Certify(a) if matches!(a.as_ref(), CertifyArgs::Apply(x)
                if x.no_response == NoResponse::Recommendation && x.sheets.len() == 1 && x.max == 0))
                    && o.record == Recording::To("r.jsonl".into())
            },
        ),
        (
            &[
                "certify",
                "apply",
                "d",
                "--no-response",
                "keep",
                "--no-record",
            ],
            |_, o| o.record == Recording::Off,
        ),
    ];

    #[test]
    fn every_flag_is_accepted_in_its_form() {
        for (words, check) in ACCEPTED {
            let (command, options) = run(words);
            assert!(
                check(&command, &options),
                "{words:?}: {command:?} {options:?}"
            );
        }
        // --help and --version print; --config and --portal read a file, which
        // tests/cli/config_file.rs writes; every other flag is in a line above.
        for flag in flags::FLAGS {
            let named = ACCEPTED.iter().any(|(words, _)| {
                words
                    .iter()
                    .any(|w| w.split('=').next() == Some(&format!("--{}", flag.long)))
            });
            assert!(
                named
                    || matches!(
                        flag.id,
                        FlagId::Help | FlagId::Version | FlagId::Config | FlagId::Portal
                    ),
                "--{} has no line in ACCEPTED",
                flag.long
            );
        }
    }

    /// A command line and the whole message it is refused with.
    const REFUSED: &[(&[&str], &str)] = &[
        (
            &["delete", "id1", "--record", "r.jsonl", "--no-record"],
            "--record and --no-record cannot be combined: give one",
        ),
        (
            &["list", "--record", "r.jsonl"],
            "--record is not an option of list (see docspace-guest list --help)",
        ),
        (
            &["whoami", "--bogus"],
            "invalid option '--bogus' (see docspace-guest --help)",
        ),
        (
            &["-x", "whoami"],
            "invalid option '-x' (see docspace-guest --help)",
        ),
        (
            &["whoami", "--timeout"],
            "missing argument for option '--timeout' (see docspace-guest --help)",
        ),
        (
            &["whoami", "--json=yes"],
            "unexpected argument for option '--json': \"yes\" (see docspace-guest --help)",
        ),
        (
            &["whoami", "--timeout", "0"],
            "--timeout takes a whole number from 1 to 86400, not '0'",
        ),
        (
            &["whoami", "--retries", "11"],
            "--retries takes a whole number from 0 to 10, not '11'",
        ),
        (
            &["whoami", "--max-wait", "3601"],
            "--max-wait takes a whole number from 1 to 3600, not '3601'",
        ),
        (
            &["delete", "x", "--batch-size", "1001"],
            "--batch-size takes a whole number from 1 to 1000, not '1001'",
        ),
        (
            &["review", "--older-than", "-1"],
            "--older-than takes a whole number from 1 to 36500, not '-1'",
        ),
        (
            &["review", "--pending-older-than", "1.5"],
            "--pending-older-than takes a whole number from 1 to 36500, not '1.5'",
        ),
        (
            &[
                "expire",
                "--disabled",
                "--action",
                "remove",
                "--max",
                "1000001",
            ],
            "--max takes a whole number from 0 to 1000000, not '1000001'",
        ),
        (
            &["list", "--status", "gone"],
            "--status takes active, disabled or pending, not 'gone'",
        ),
        (
            &["expire", "--disabled", "--action", "purge"],
            "--action takes remove, disable, delete or revoke, not 'purge'",
        ),
        (
            &["revoke", "id1"],
            "revoke needs --room ID or --all-rooms (see docspace-guest revoke --help)",
        ),
        (
            &["revoke", "id1", "--room", "1", "--all-rooms"],
            "--room and --all-rooms cannot be combined: name the rooms, or take every room",
        ),
        (
            &["revoke", "--all-rooms"],
            "revoke needs guest IDs, --email ADDR or --from FILE (see docspace-guest revoke --help)",
        ),
        (
            &["access", "--room", "0"],
            "--room takes a whole number from 1 to 2147483647, not '0'",
        ),
        (
            &["restore"],
            "restore needs --from FILE (a record a change command wrote) (see docspace-guest restore --help)",
        ),
        (
            &["access", "--csv", "--json"],
            "--csv and --json cannot be combined: choose one",
        ),
        (
            &["delete", "x", "--csv"],
            "--csv is not an option of delete (see docspace-guest delete --help)",
        ),
        (
            &["review", "--older-than", "1", "--action", "delete"],
            "--action is not an option of review (see docspace-guest review --help)",
        ),
        (
            &["whoami", "--email", "a@b.c"],
            "--email is not an option of whoami (see docspace-guest whoami --help)",
        ),
        (
            &["list", "--permanent"],
            "--permanent is not an option of list (see docspace-guest list --help)",
        ),
        (
            &["whoami", "--portal", "acme"],
            "no config file holds the section [acme]: none was found (see \
             docs/configuration.md); use --config FILE",
        ),
        (
            &["whoami", "--api-key", "sk-1"],
            "the key is not taken on the command line, where other users can read it: \
             set DOCSPACE_API_KEY or use --api-key-file PATH",
        ),
        (
            &["approve", "--link", "L", "--link", "M", "--email", "a@b.c"],
            "--link is given twice; give it once",
        ),
        (
            &[
                "approve", "--email", "a@b.c", "--email", "d@e.f", "--link", "L",
            ],
            "approve takes one --email",
        ),
        (
            &["run", "--link", "L"],
            "run needs --email EMAIL (see docspace-guest run --help)",
        ),
        (
            &["approve", "--email", "a@b.c"],
            "approve needs --link LINK (see docspace-guest approve --help)",
        ),
        (
            &["delete"],
            "delete needs guest IDs, --email ADDR or --from FILE (see docspace-guest delete --help)",
        ),
        (
            &["review", "--keep", "k"],
            "review needs a policy: --older-than DAYS, --pending-older-than DAYS, \
             --inviter-gone, --disabled, --disabled-for DAYS, --inactive DAYS or --no-rooms \
             (see docspace-guest review --help)",
        ),
        (
            &["expire", "--disabled"],
            "expire needs --action remove|disable|delete (see docspace-guest expire --help)",
        ),
        (
            &["share-link", "a", "b"],
            "share-link needs exactly one guest ID (see docspace-guest share-link --help)",
        ),
        (
            &["whoami", "extra"],
            "unexpected argument 'extra' for whoami (see docspace-guest whoami --help)",
        ),
        (
            &["man", "extra"],
            "unexpected argument 'extra' for man (see docspace-guest man --help)",
        ),
        (
            &["completions", "tcsh"],
            "completions needs one shell: bash, zsh or fish (see docspace-guest completions --help)",
        ),
        (
            &["certify", "apply", "d"],
            "certify needs apply --no-response keep|remove|recommendation: what an undecided row \
             means (see docspace-guest certify --help)",
        ),
        (
            &["certify", "status", "d", "--out", "x"],
            "--out is not an option of certify status (see docspace-guest certify --help)",
        ),
        (
            &["certify"],
            "certify needs a step: start, status DIR or apply DIR (see docspace-guest certify --help)",
        ),
        (
            &["--json"],
            "no command given: use approve, delete, run, list, share-link, whoami, review, \
             expire, disable, enable, access, revoke, restore, certify, help, completions or man (see docspace-guest --help)",
        ),
        (
            &["frobnicate"],
            "unknown command 'frobnicate': use approve, delete, run, list, share-link, whoami, \
             review, expire, disable, enable, access, revoke, restore, certify, help, completions or man (see docspace-guest --help)",
        ),
        (
            &["help", "frobnicate"],
            "unknown command 'frobnicate': use approve, delete, run, list, share-link, whoami, \
             review, expire, disable, enable, access, revoke, restore, certify, help, completions or man (see docspace-guest --help)",
        ),
    ];

    #[test]
    fn every_refusal_says_why() {
        for (words, message) in REFUSED {
            assert_eq!(refusal(words), *message, "{words:?}");
        }
    }

    #[test]
    fn defaults_come_from_the_flag_table() {
        let (_, options) = run(&["whoami"]);
        assert_eq!(options.timeout, Duration::from_secs(30));
        assert_eq!(options.retries, 3);
        assert_eq!(options.max_wait, Duration::from_secs(60));
        assert_eq!(options.verbosity, Verbosity::Normal);
        assert!(options.url.is_none() && !options.json && !options.dry_run);
        let Command::Delete { targets, .. } = run(&["delete", "id1"]).0 else {
            panic!("not delete");
        };
        assert_eq!(targets.batch_size, 100);
        let Command::Expire(_, expire) = run(&["expire", "--disabled", "--action", "remove"]).0
        else {
            panic!("not expire");
        };
        assert_eq!(expire.max, 50);
        // The same numbers as the table's, which --help shows.
        for (id, value) in [
            (FlagId::Timeout, 30),
            (FlagId::Retries, 3),
            (FlagId::MaxWait, 60),
            (FlagId::BatchSize, 100),
            (FlagId::Max, 50),
        ] {
            assert_eq!(id.default_number(), value, "{id:?}");
            assert!(id.flag().help.contains("{default}"), "{id:?}");
        }
    }

    #[test]
    fn help_version_completions_and_man_print() {
        let printed = |words: &[&str]| match parse_words(words) {
            Ok(Parsed::Print(text)) => text,
            other => panic!("{words:?}: {other:?}"),
        };
        let version = format!("docspace-guest {VERSION}\n");
        assert_eq!(printed(&["--version"]), version);
        assert_eq!(printed(&["delete", "-V", "--bogus"]), version);
        assert_eq!(printed(&["-h"]), cli::help());
        assert_eq!(printed(&["help"]), cli::help());
        let delete = cli::command_help(CommandId::Delete.command());
        assert_eq!(printed(&["delete", "--help"]), delete);
        assert_eq!(printed(&["help", "delete"]), delete);
        assert_eq!(printed(&["help", "delete", "--help"]), delete);
        assert_eq!(
            printed(&["completions", "fish"]),
            cli::completions("fish").unwrap()
        );
        assert_eq!(printed(&["man"]), cli::man_page());
    }

    #[test]
    fn the_table_has_a_row_for_each_flag_and_command_and_every_action() {
        for flag in flags::FLAGS {
            assert_eq!(flag.id.flag().long, flag.long, "{:?} has two rows", flag.id);
        }
        for command in flags::COMMANDS {
            assert_eq!(command.id.command().name, command.name, "{:?}", command.id);
        }
        let names = ExpireAction::ALL.map(ExpireAction::name);
        let Kind::Choice(choices) = FlagId::Action.flag().kind else {
            panic!("--action is not a choice");
        };
        assert_eq!(
            choices, names,
            "--action's choices are ExpireAction's names"
        );
    }
}
