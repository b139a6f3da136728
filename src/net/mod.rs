//! One connection to the portal: HTTP requests and what came back (`http::Reply`),
//! retries and their waits, the proxy, the URL, the TLS connector and the trust roots
//! it verifies the portal with. Nothing here knows what an answer means to DocSpace:
//! that is `portal`'s.

pub mod credential;
pub mod der;
pub mod http;
pub mod proxy;
pub mod retry;
pub mod roots;
pub mod tls;
pub mod url;

use std::time::Duration;

use credential::Credential;
use url::Url;

/// What one run's connection needs, resolved and checked before anything is sent.
pub struct Settings {
    pub portal: Url,
    pub credential: Credential,
    pub timeout: Duration,
    pub retries: u32,
    pub max_wait: Duration,
    /// From --ca-cert, read up front so a bad file stops the command before it sends.
    pub extra_roots: Vec<ureq::tls::Certificate<'static>>,
    /// `--verbose`: each request and response on stderr, the credential redacted.
    pub trace: bool,
}
