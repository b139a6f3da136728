//! `certify`: an access review round. `start` writes one sheet per reviewer (the
//! rooms' owners, or the guests' inviters) and `round.json`; the reviewers decide in
//! their sheets; `status` reads them back offline; `apply` removes what they decided
//! to remove, as `revoke` does, written down first in a write-ahead record, and keeps
//! the evidence beside the sheets.

mod apply;
mod round;
mod sheet;
mod start;
mod status;

use std::path::PathBuf;

use crate::config::Options;
use crate::error::Error;

pub use apply::{ApplyArgs, NoResponse};
pub use start::{ReviewerBy, StartArgs};

#[derive(Debug)]
pub enum CertifyArgs {
    Start(StartArgs),
    Status { dir: PathBuf },
    Apply(ApplyArgs),
}

pub fn certify(options: &Options, args: CertifyArgs) -> Result<(), Error> {
    match args {
        CertifyArgs::Start(args) => start::start(options, args),
        CertifyArgs::Status { dir } => status::status(options, &dir),
        CertifyArgs::Apply(args) => apply::apply(options, args),
    }
}
