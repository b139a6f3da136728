//! `delete`: guests off your guest list (the accounts stay), or with `--permanent`
//! their accounts for good; `disable` and `enable`: their accounts suspended and back.
//! All three are a batch (`batch`) of the guests named.

use super::Context;
use super::batch::{self, Action, Batch, Known};
use super::recording::ByDefault;
use super::targets::{Targets, must_be_able_to_ask, targets_of};
use crate::config::Options;
use crate::error::Error;

pub fn delete(options: &Options, given: Targets, permanent: bool, yes: bool) -> Result<(), Error> {
    let targets = targets_of(&given, options)?;
    if permanent && !yes {
        must_be_able_to_ask(given.from.as_deref(), options, "--permanent")?;
    }
    let batch = Batch {
        targets,
        batch_size: given.batch_size,
        action: if permanent {
            Action::DeleteAccounts
        } else {
            Action::Remove
        },
        ask_first: permanent && !yes,
        known: Known::Nothing,
        paired: false,
        disabled: None,
    };
    let command = if permanent {
        "delete --permanent"
    } else {
        "delete"
    };
    run(options, batch, command)
}

/// `disable`, or with `enable` its undoing.
pub fn set_status(options: &Options, enable: bool, targets: Targets) -> Result<(), Error> {
    let batch = Batch {
        targets: targets_of(&targets, options)?,
        batch_size: targets.batch_size,
        action: if enable {
            Action::Enable
        } else {
            Action::Disable
        },
        ask_first: false,
        known: Known::Nothing,
        paired: false,
        disabled: None,
    };
    run(options, batch, if enable { "enable" } else { "disable" })
}

fn run(options: &Options, batch: Batch, command: &str) -> Result<(), Error> {
    let ctx = Context::for_changes(options, command, ByDefault::Record)?;
    let report = batch::apply(&ctx, batch)?;
    report.summarize(&ctx.out)?;
    ctx.finish(report.verdict())
}
