//! What the fuzz targets in `fuzz/` feed arbitrary input to, and nothing more: the
//! readers of what servers answer and users type, under the names of their modules.

pub mod answers {
    pub use crate::portal::answers::{
        approved_guest, is_access_denied, refusal, removal_refusal, server_message,
        success_envelope, unexpected,
    };
}
pub mod http {
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
pub mod people {
    pub use crate::portal::people::Pager;
}
pub mod record {
    pub use crate::record::{RecordKey, parse};
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
