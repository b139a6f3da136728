//! The modules of the docspace-guest binary, public so that the fuzz targets in
//! `fuzz/` can reach the parsers. This is not a stable API; `main.rs` is the program.

pub mod answers;
pub mod api;
pub mod batch;
pub mod cli;
pub mod commands;
pub mod config;
pub mod date;
pub mod der;
pub mod docs;
pub mod error;
pub mod flags;
pub mod html;
pub mod input;
pub mod lifecycle;
pub mod link;
pub mod list;
pub mod output;
pub mod proxy;
pub mod release;
pub mod retry;
pub mod tls;
pub mod trust;
pub mod url;
