//! The real binary against the local fake portal (tests/portal): what arrived on the
//! wire, what was printed, and the exit code. One test binary, a module per area;
//! `util` runs the binary and holds the assertions on what it printed.

mod util;

mod answers; // answers once misread: ids not GUIDs, bytes not UTF-8, roles, a proxy's 407
mod audit; // --disabled-for, re-enables, --no-rooms, review --all: the audit trail and why
mod certify; // access reviews: certify start, status, apply
mod config; // input checks, the portal address, API keys and secrets
mod config_file; // the config file: sections, precedence, what it may hold, its owners
mod delete; // delete in batches: --dry-run, --json, --permanent, interruptions
mod docs; // --help, --version, the man page, completions, the README, the module map
mod flow; // the example's run and approve
mod from_files; // the list files --from reads
mod hostile; // what hostile portals, guests, environments and files can and cannot do
mod inactive; // review and expire --inactive: the login history and its traps
mod lifecycle; // review, expire, disable, enable
mod links; // sharing links, share-link and whoami
mod list; // paging, the table, JSON lines, filters
mod networks; // 429s and Retry-After, timeouts, hang-ups, bad answers, redirects, ctrl-c
mod proxies; // HTTP(S)_PROXY, ALL_PROXY, NO_PROXY
mod readme; // every console example of README.md and docs/ runs on the demo portal
mod record; // the write-ahead record, restore, and runs cut short (signals, stdout, disk)
mod refusals; // the server's refusals: 401, 403, 400, 404
mod releases; // every DocSpace release from 3.0 to 3.7.2
mod rooms; // access, revoke, restore: rooms and their guests
mod secrets; // the key masked whatever echoes it; localhost connected by address
mod systemd; // the packaged units: verified, rated, every ExecStart= line run; tmpfiles.d
mod tls; // --ca-cert, SSL_CERT_FILE, SSL_CERT_DIR
