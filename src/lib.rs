//! The modules of the docspace-guest binary. `main.rs` is the program and needs only
//! `cli` (the command line), `commands` (running a command) and `error`; every other
//! module is private, so that the dead-code lint sees what nothing uses.

pub mod cli;
pub mod commands;
pub mod error;

/// How `main` writes an error: on stderr, after the tool's name, made inert.
pub use output::notice;

/// Public for the test portal (tests/portal), which writes its dates with `format_utc`.
#[doc(hidden)]
pub mod date;

mod answers;
mod api;
mod batch;
mod config;
mod der;
mod docs;
mod flags;
mod html;
mod input;
mod interrupt;
mod lifecycle;
mod link;
mod list;
mod logins;
mod output;
mod proxy;
mod record;
mod release;
mod retry;
mod revoke;
mod rooms;
mod tls;
mod trust;
mod url;

/// What the fuzz targets in `fuzz/` feed arbitrary input to, and nothing more: the
/// readers of what servers answer and users type. Not an API.
#[doc(hidden)]
pub mod fuzzing {
    pub mod answers {
        pub use crate::answers::{
            approved_guest, delete_refusal, is_access_denied, refusal, server_message,
            success_envelope, unexpected,
        };
    }
    pub mod api {
        pub use crate::api::Reply;
    }
    pub mod html {
        pub use crate::html::decode;
    }
    pub mod input {
        pub use crate::input::{Target, clean_secret, decode, guid, is_email, parse_list, target};
    }
    pub mod link {
        pub use crate::link::{GuestLink, parse};
    }
    pub mod list {
        pub use crate::list::Pager;
    }
    pub mod record {
        pub use crate::record::{RecordKey, parse};
    }
    pub mod release {
        pub use crate::release::rule_for;
    }
    pub mod retry {
        pub use crate::retry::{describe, retry_after_delay, until, wait};
    }
    pub mod url {
        pub use crate::url::Url;
    }
}
