//! How a command that changes the portal keeps its account: the write-ahead record
//! (opened and checked before the first request, an intent synced before each change,
//! its outcome after the answer), the signals that stop it between changes, and a
//! stdout that may go away. Every change command goes through these few methods of
//! its `Context`, so none can send a change the record does not announce.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use super::Context;
use crate::config::{self, Options, Recording};
use crate::error::Error;
use crate::interrupt;
use crate::net::Settings;
use crate::output::{Verbosity, terminal};
use crate::record::{self, Change, Header, Outcome, Record, RecordKey, location};

/// Whether, and where, a command keeps a record without `--record`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByDefault<'a> {
    /// The batch commands: one file per run in the state folder.
    Record,
    /// certify apply: this file (in the round's folder, beside the evidence).
    At(&'a Path),
    /// approve and run: only with `--record FILE`.
    Not,
}

impl Context {
    /// The context of `command`, a command that changes the portal (see `changing`).
    pub(super) fn for_changes(
        options: &Options,
        command: &str,
        by_default: ByDefault<'_>,
    ) -> Result<Context, Error> {
        Context::changing(options, &config::resolve(options)?, command, by_default)
    }

    /// As `new`, and before anything is sent: the signal handlers, a printer that
    /// outlives its stdout, and the record opened, checked, locked and given its
    /// header (unless `--dry-run`, `--no-record`, or approve/run without `--record`).
    pub(super) fn changing(
        options: &Options,
        settings: &Settings,
        command: &str,
        by_default: ByDefault<'_>,
    ) -> Result<Context, Error> {
        let mut ctx = Context::new(options, settings)?;
        ctx.out = ctx.out.keep_going();
        interrupt::install()
            .map_err(|err| Error::Local(format!("cannot install the signal handlers: {err}")))?;
        // None: no record; Some(None): the default file.
        let place: Option<Option<&Path>> = match (&options.record, by_default) {
            _ if ctx.dry_run => None,
            (Recording::Off, _) | (Recording::Default, ByDefault::Not) => None,
            (Recording::To(path), _) => Some(Some(path)),
            (Recording::Default, ByDefault::At(path)) => Some(Some(path)),
            (Recording::Default, ByDefault::Record) => Some(None),
        };
        if let Some(place) = place {
            let header = Header::new(&ctx.portal.origin(), command, None)?;
            let path = match place {
                Some(path) => path.to_path_buf(),
                None => location::default_path(&header)?,
            };
            let key = RecordKey::load_or_create(&location::key_path()?)?;
            let record = Record::open(&path, key, &header)?;
            if options.verbosity == Verbosity::Verbose {
                let path = record.path().display();
                terminal::notice(&format!("the record of this run: {path}"));
            }
            ctx.record = Some(RefCell::new(record));
        }
        Ok(ctx)
    }

    /// The file the run's record is written to, if it keeps one.
    pub fn record_path(&self) -> Option<PathBuf> {
        let record = self.record.as_ref()?;
        Some(record.borrow().path().to_path_buf())
    }

    /// Whether another change may be started: not after a signal, not after the
    /// record failed. The error says why not, for the items left "not attempted".
    pub fn may_change(&self) -> Result<(), Error> {
        if let Some(signal) = interrupt::received() {
            return Err(Error::Interrupted(
                signal,
                format!("interrupted by {}", signal.name()),
            ));
        }
        match &*self.halted.borrow() {
            Some(why) => Err(why.clone()),
            None => Ok(()),
        }
    }

    /// Writes down `change` before it is sent (synced); its number names the outcome.
    /// An error means: send nothing more (the run is halted).
    pub fn intent(&self, change: Change) -> Result<Option<u64>, Error> {
        let Some(record) = &self.record else {
            return Ok(None);
        };
        if let Some(why) = &*self.halted.borrow() {
            return Err(why.clone());
        }
        let written = record.borrow_mut().intent(change);
        written.map(Some).map_err(|why| self.halt(why))
    }

    /// Writes down what came of the change numbered `seq`. A failure halts the run
    /// (no next change); the change it concerns is already announced.
    pub fn outcome(&self, seq: Option<u64>, outcome: Outcome) {
        let (Some(record), Some(seq)) = (&self.record, seq) else {
            return;
        };
        if let Err(why) = record.borrow_mut().outcome(seq, outcome) {
            self.halt(why);
        }
    }

    fn halt(&self, why: Error) -> Error {
        let mut halted = self.halted.borrow_mut();
        halted.get_or_insert(why).clone()
    }

    /// The run's exit, once its summary is printed: a signal's code after a signal;
    /// the record's failure; a lost stdout is never a success.
    pub fn finish(&self, verdict: Result<(), Error>) -> Result<(), Error> {
        let verdict = match (interrupt::received(), self.halted.borrow().clone()) {
            (Some(signal), _) => Err(Error::Interrupted(
                signal,
                format!(
                    "stopped by {}: no change was started after it; each one before it \
                     is reported above (done, not confirmed or not attempted)",
                    signal.name()
                ),
            )),
            (None, Some(halted)) => match verdict {
                Err(err) if err.exit_code() > halted.exit_code() => {
                    terminal::notice(&halted.to_string());
                    Err(err)
                }
                _ => Err(halted),
            },
            (None, None) => verdict,
        };
        let Some(lost) = self.out.lost() else {
            return verdict;
        };
        let why = format!(
            "standard output was lost ({lost}): the report stops there; the summary is on \
             stderr"
        );
        match verdict {
            Ok(()) | Err(Error::OutputClosed) => Err(Error::Local(why)),
            Err(err) => {
                terminal::notice(&why);
                Err(err)
            }
        }
    }
}

/// The record of `path` as restore reads it, with the key from the state folder.
pub fn read(path: &std::path::Path) -> Result<record::Contents, Error> {
    let key = RecordKey::load(&location::key_path()?)?;
    record::read(path, &key)
}
