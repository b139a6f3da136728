//! The commands: one file for each command or family of commands, with its
//! arguments as the command line gives them, its checks (all made before anything is
//! sent) and its run. This file only says which runs, and holds what every run is
//! given: its `Context`.

mod access;
mod approve;
mod batch;
mod certify;
mod delete;
mod list;
mod policy;
mod recording;
mod restore;
mod revoke;
mod share_link;
mod targets;
mod whoami;

use std::cell::RefCell;
use std::path::PathBuf;

use crate::config::{self, Options};
use crate::error::Error;
use crate::net::Settings;
use crate::output::Printer;
use crate::portal::Portal;
use crate::record::Record;

pub use certify::{ApplyArgs, CertifyArgs, NoResponse, ReviewerBy, StartArgs};
pub use list::ListArgs;
pub use policy::{ExpireAction, ExpireArgs, PolicyArgs};
pub use revoke::RevokeArgs;
pub use targets::{RoomArgs, Targets};

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
    Delete {
        targets: Targets,
        /// Delete the accounts for good (disable, then delete), not only the relation.
        permanent: bool,
        yes: bool,
    },
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
        targets: Targets,
    },
    /// Boxed: the largest of the commands' arguments.
    Access(Box<RoomArgs>),
    Revoke(Box<RoomArgs>, RevokeArgs),
    Restore {
        from: PathBuf,
        /// The most changes put back; 0 = no limit.
        max: usize,
    },
    Certify(Box<CertifyArgs>),
}

/// What every command runs with, once its input is checked: the portal, the printer,
/// whether writes are only shown, and the run's record (`recording`).
pub struct Context {
    pub portal: Portal,
    pub out: Printer,
    /// `--dry-run`: everything is read and checked, the writes are printed, none is sent.
    pub dry_run: bool,
    /// The write-ahead record every change goes through; `None` for a read, a dry run
    /// or `--no-record`.
    record: Option<RefCell<Record>>,
    /// Why no further change may be sent: the record could not be written.
    halted: RefCell<Option<Error>>,
}

impl Context {
    /// The settings resolved from `options` and the environment, then the context.
    fn open(options: &Options) -> Result<Context, Error> {
        Context::new(options, &config::resolve(options)?)
    }

    fn new(options: &Options, settings: &Settings) -> Result<Context, Error> {
        Ok(Context {
            portal: Portal::new(settings)?,
            out: Printer::new(options.verbosity, options.json).with_csv(options.csv),
            dry_run: options.dry_run,
            record: None,
            halted: RefCell::new(None),
        })
    }
}

pub fn execute(command: Command, options: Options) -> Result<(), Error> {
    let options = &options;
    match command {
        Command::Approve { email, link } => approve::approve(options, &email, &link),
        Command::Run { email, link } => approve::run(options, &email, &link),
        Command::Delete {
            targets,
            permanent,
            yes,
        } => delete::delete(options, targets, permanent, yes),
        Command::SetStatus { enable, targets } => delete::set_status(options, enable, targets),
        Command::List(args) => list::list(options, args),
        Command::ShareLink { id } => share_link::share_link(options, &id),
        Command::Whoami => whoami::whoami(options),
        Command::Review(args) => policy::review(options, args),
        Command::Expire(args, expire) => policy::expire(options, args, expire),
        Command::Access(args) => access::access(options, *args),
        Command::Revoke(rooms, args) => revoke::revoke(options, *rooms, args),
        Command::Restore { from, max } => restore::restore(options, from, max),
        Command::Certify(args) => certify::certify(options, *args),
    }
}
