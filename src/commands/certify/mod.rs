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

use serde_json::Value;

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

/// A JSON object of these fields, in this order: one function for every object
/// certify writes (`json!` expands a serializer at each use, and the binary is small).
/// (Inserted one by one: collecting a map would sort, and bring a sort of its own.)
fn object(fields: Vec<(&str, Value)>) -> Value {
    let mut object = serde_json::Map::new();
    for (name, value) in fields {
        object.insert(name.to_string(), value);
    }
    Value::Object(object)
}
