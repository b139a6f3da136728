//! The modules of the docspace-guest binary. `main.rs` is the program and needs only
//! `cli` (the command line), `commands` (running a command) and `error`; every other
//! module is private, so that the dead-code lint sees what nothing uses.

pub mod cli;
pub mod commands;
pub mod error;

/// How `main` writes an error: on stderr, after the tool's name, made inert.
pub use output::terminal::notice;

/// Public for the test portal (tests/portal), which writes its dates with `format_utc`.
#[doc(hidden)]
pub mod date;

mod config;
mod html;
mod input;
mod interrupt;
mod net;
mod output;
mod portal;
mod record;

/// What the fuzz targets in `fuzz/` feed arbitrary input to. Not an API.
#[doc(hidden)]
pub mod fuzzing;
