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
mod net;
mod output;
mod portal;

/// What the fuzz targets in `fuzz/` feed arbitrary input to, and nothing more: the
/// readers of what servers answer and users type. Not an API.
#[doc(hidden)]
pub mod fuzzing {
    pub mod answers {
        pub use crate::portal::answers::{
            approved_guest, delete_refusal, is_access_denied, refusal, server_message,
            success_envelope, unexpected,
        };
    }
    pub mod api {
        pub use crate::net::http::Reply;
    }
    pub mod html {
        pub use crate::html::decode;
    }
    pub mod input {
        pub use crate::input::{Target, clean_secret, decode, guid, is_email, parse_list, target};
    }
    pub mod link {
        pub use crate::portal::link::{GuestLink, parse};
    }
    pub mod list {
        pub use crate::portal::people::Pager;
    }
    pub mod release {
        pub use crate::portal::release::rule_for;
    }
    pub mod retry {
        pub use crate::net::retry::{describe, retry_after_delay, until, wait};
    }
    pub mod url {
        pub use crate::net::url::Url;
    }
}
