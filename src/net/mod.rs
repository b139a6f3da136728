//! One connection to the portal: HTTP requests and what came back (`http::Reply`),
//! retries and their waits, the proxy, the URL, the TLS connector and the trust roots
//! it verifies the portal with. Nothing here knows what an answer means to DocSpace:
//! that is `portal`'s.

pub mod der;
pub mod http;
pub mod proxy;
pub mod retry;
pub mod roots;
pub mod tls;
pub mod url;
