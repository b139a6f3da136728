//! Every command and flag, defined once. The parser (`parse`) accepts a flag only where
//! this table says a command takes it, and `--help`, the man page and the shell
//! completions (`help`, `man`, `bash`, `zsh`, `fish`) are written from the same table,
//! so none of them can drift from what the tool really does.
//!
//! Commands and flags are named by enums, not by strings: the parser (`parse`) matches
//! on them without a catch-all arm, so a command or flag added here and not handled
//! there does not compile. A row missing for a new variant leaves it never
//! constructed, which the dead-code lint reports.

/// Every flag, one variant each; `FLAGS` holds its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagId {
    Config,
    Portal,
    Url,
    ApiKeyFile,
    AllowHttp,
    Timeout,
    Retries,
    MaxWait,
    CaCert,
    Json,
    DryRun,
    Quiet,
    Verbose,
    Help,
    Version,
    Email,
    Link,
    From,
    BatchSize,
    Permanent,
    Search,
    Inviter,
    Status,
    OlderThan,
    PendingOlderThan,
    InviterGone,
    Disabled,
    DisabledFor,
    Inactive,
    NoRooms,
    All,
    Keep,
    Action,
    Max,
    Yes,
    Room,
    AllRooms,
    Record,
    NoRecord,
    DropFormRoles,
    Csv,
    Out,
    Reviewer,
    FallbackReviewer,
    RecommendInactive,
    Due,
    NoResponse,
    Sheet,
}

/// Every command, one variant each; `COMMANDS` holds its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandId {
    Approve,
    Delete,
    Run,
    List,
    ShareLink,
    Whoami,
    Review,
    Expire,
    Disable,
    Enable,
    Access,
    Revoke,
    Restore,
    Certify,
    Help,
    Completions,
    Man,
}

/// What a flag's value is, for the parser's checks and the shell's completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// No value.
    Switch,
    Text,
    /// A whole number from `min` to `max`. `default` is what the tool uses when the
    /// flag is not given; the help shows it where its text says `{default}`.
    Number {
        min: u64,
        max: u64,
        default: Option<u64>,
    },
    /// A path; `-` reads stdin where the help says so.
    File,
    Choice(&'static [&'static str]),
}

/// Which commands take a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TakenBy {
    /// Every command: where the portal is and how to reach it.
    Connection,
    /// Every command: what is printed.
    Output,
    Only(&'static [CommandId]),
}

/// Whether a config file may give a flag (`config_file`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InFile {
    /// Where the portal is and how to reach it, and --keep.
    Yes,
    /// A rule of review's and expire's policy. The rules make one policy: when the
    /// command line names any, the file's are not used at all.
    Rule,
    /// Only on the command line: what gets destroyed (--yes, --max, --action...),
    /// which guests, what is printed, and the file and section themselves.
    No,
}

pub struct Flag {
    pub id: FlagId,
    pub long: &'static str,
    pub short: Option<char>,
    /// The value's name in help, e.g. `URL`; `None` for a switch.
    pub value: Option<&'static str>,
    pub kind: Kind,
    pub taken_by: TakenBy,
    pub in_file: InFile,
    /// Lines of help, as `--help` prints them after the flag; `{default}` stands for
    /// the default of a number. `help()` gives the text with it filled in.
    pub help: &'static str,
}

impl FlagId {
    pub fn flag(self) -> &'static Flag {
        FLAGS
            .iter()
            .find(|flag| flag.id == self)
            .expect("every flag has a row in FLAGS")
    }

    /// The number the tool uses when this flag is not given.
    pub fn default_number(self) -> u64 {
        self.flag()
            .default_value()
            .expect("the flag has a default in FLAGS")
    }
}

impl Flag {
    pub fn takes(&self, command: CommandId) -> bool {
        match self.taken_by {
            TakenBy::Connection | TakenBy::Output => true,
            TakenBy::Only(commands) => commands.contains(&command),
        }
    }

    /// Whether this flag belongs to `command` alone or to a few commands, not to all.
    pub fn is_own_of(&self, command: CommandId) -> bool {
        matches!(self.taken_by, TakenBy::Only(commands) if commands.contains(&command))
    }

    /// `--url URL`, `-q, --quiet`.
    pub fn synopsis(&self) -> String {
        let short = self.short.map_or("    ".to_string(), |c| format!("-{c}, "));
        match self.value {
            Some(value) => format!("{short}--{} {value}", self.long),
            None => format!("{short}--{}", self.long),
        }
    }

    /// The number the tool uses when this flag is not given, if it has one.
    pub fn default_value(&self) -> Option<u64> {
        match self.kind {
            Kind::Number { default, .. } => default,
            Kind::Switch | Kind::Text | Kind::File | Kind::Choice(_) => None,
        }
    }

    /// The help text, with the default filled in.
    pub fn help(&self) -> String {
        match self.default_value() {
            Some(n) => self.help.replace("{default}", &n.to_string()),
            None => self.help.to_string(),
        }
    }
}

pub struct CommandDef {
    pub id: CommandId,
    pub name: &'static str,
    /// One line, for the command list.
    pub summary: &'static str,
    pub usage: &'static str,
    /// What the command does, before its options.
    pub about: &'static str,
    /// What it prints and other notes, after its options.
    pub after: &'static str,
}

impl CommandId {
    pub fn command(self) -> &'static CommandDef {
        COMMANDS
            .iter()
            .find(|command| command.id == self)
            .expect("every command has a row in COMMANDS")
    }
}

const DELETE_TARGETS: &[CommandId] = &[CommandId::Delete, CommandId::Disable, CommandId::Enable];
const POLICY: &[CommandId] = &[CommandId::Review, CommandId::Expire];
const ROOMS: &[CommandId] = &[CommandId::Access, CommandId::Revoke, CommandId::Certify];
/// The commands that change the portal: they take --record and --no-record (certify:
/// only its step apply).
const RECORDED: &[CommandId] = &[
    CommandId::Approve,
    CommandId::Run,
    CommandId::Delete,
    CommandId::Disable,
    CommandId::Enable,
    CommandId::Expire,
    CommandId::Revoke,
    CommandId::Restore,
    CommandId::Certify,
];
pub const ACTIONS: &[&str] = &["remove", "disable", "delete", "revoke"];
pub const STATUSES: &[&str] = &["active", "disabled", "pending"];
pub const SHELLS: &[&str] = &["bash", "zsh", "fish"];
pub const REVIEWERS: &[&str] = &["owner", "inviter"];
pub const NO_RESPONSES: &[&str] = &["keep", "remove", "recommendation"];
const CERTIFY: &[CommandId] = &[CommandId::Certify];

pub const FLAGS: &[Flag] = &[
    Flag {
        id: FlagId::Config,
        long: "config",
        short: None,
        value: Some("FILE"),
        kind: Kind::File,
        taken_by: TakenBy::Connection,
        in_file: InFile::No,
        help: "Read flags from FILE, one a line, in [NAME] sections\n\
               [env: DOCSPACE_GUEST_CONFIG; default: the first of\n\
               ~/.config/docspace-guest/config, /etc/docspace-guest/config]",
    },
    Flag {
        id: FlagId::Portal,
        long: "portal",
        short: None,
        value: Some("NAME"),
        kind: Kind::Text,
        taken_by: TakenBy::Connection,
        in_file: InFile::No,
        help: "Use the config file's [NAME] section [env:\n\
               DOCSPACE_GUEST_PORTAL, which pins it]",
    },
    Flag {
        id: FlagId::Url,
        long: "url",
        short: None,
        value: Some("URL"),
        kind: Kind::Text,
        taken_by: TakenBy::Connection,
        in_file: InFile::Yes,
        help: "Portal address, e.g. https://portal.example.com\n\
               [env: DOCSPACE_URL, or DOCSPACE_API_HOST]",
    },
    Flag {
        id: FlagId::ApiKeyFile,
        long: "api-key-file",
        short: None,
        value: Some("PATH"),
        kind: Kind::File,
        taken_by: TakenBy::Connection,
        in_file: InFile::Yes,
        help: "Read the API key or token from PATH ('-' = stdin): the\n\
               key alone on a line; # comments, spaces, quotes, CRLF,\n\
               a BOM and UTF-16 are fine [default: env DOCSPACE_API_KEY]",
    },
    Flag {
        id: FlagId::AllowHttp,
        long: "allow-http",
        short: None,
        value: None,
        kind: Kind::Switch,
        taken_by: TakenBy::Connection,
        in_file: InFile::Yes,
        help: "Allow http:// to a host that is not loopback",
    },
    Flag {
        id: FlagId::Timeout,
        long: "timeout",
        short: None,
        value: Some("SECS"),
        kind: Kind::Number {
            min: 1,
            max: 86_400,
            default: Some(30),
        },
        taken_by: TakenBy::Connection,
        in_file: InFile::Yes,
        help: "Give up on a request after SECS seconds [default: {default}]",
    },
    Flag {
        id: FlagId::Retries,
        long: "retries",
        short: None,
        value: Some("N"),
        kind: Kind::Number {
            min: 0,
            max: 10,
            default: Some(3),
        },
        taken_by: TakenBy::Connection,
        in_file: InFile::Yes,
        help: "Try again after 429, 502, 503, 504 or a lost connection\n\
               up to N times [default: {default}]",
    },
    Flag {
        id: FlagId::MaxWait,
        long: "max-wait",
        short: None,
        value: Some("SECS"),
        kind: Kind::Number {
            min: 1,
            max: 3600,
            default: Some(60),
        },
        taken_by: TakenBy::Connection,
        in_file: InFile::Yes,
        help: "The longest wait before a retry [default: {default}]. The wait\n\
               is what Retry-After asks, else 0.5 s, 1 s, 2 s... with\n\
               jitter. When Retry-After asks for longer than SECS, the\n\
               tool stops at once (exit 6) and says until when",
    },
    Flag {
        id: FlagId::CaCert,
        long: "ca-cert",
        short: None,
        value: Some("PATH"),
        kind: Kind::File,
        taken_by: TakenBy::Connection,
        in_file: InFile::Yes,
        help: "Also trust the CA certificates in PATH (PEM), e.g. a\n\
               company or self-hosted CA. Trusted besides: the built-in\n\
               Mozilla roots and the system's (SSL_CERT_FILE, or the\n\
               distribution's bundle; SSL_CERT_DIR's hash-named files)",
    },
    Flag {
        id: FlagId::Json,
        long: "json",
        short: None,
        value: None,
        kind: Kind::Switch,
        taken_by: TakenBy::Output,
        in_file: InFile::No,
        help: "One JSON object per line on stdout (op, ok, status, data)",
    },
    Flag {
        id: FlagId::DryRun,
        long: "dry-run",
        short: None,
        value: None,
        kind: Kind::Switch,
        taken_by: TakenBy::Output,
        in_file: InFile::No,
        help: "Look up and check everything, print the writes, send none",
    },
    Flag {
        id: FlagId::Quiet,
        long: "quiet",
        short: Some('q'),
        value: None,
        kind: Kind::Switch,
        taken_by: TakenBy::Output,
        in_file: InFile::No,
        help: "Print only the result (ids, the link)",
    },
    Flag {
        id: FlagId::Verbose,
        long: "verbose",
        short: Some('v'),
        value: None,
        kind: Kind::Switch,
        taken_by: TakenBy::Output,
        in_file: InFile::No,
        help: "Trace each request and response on stderr (credential\nredacted)",
    },
    Flag {
        id: FlagId::Help,
        long: "help",
        short: Some('h'),
        value: None,
        kind: Kind::Switch,
        taken_by: TakenBy::Output,
        in_file: InFile::No,
        help: "Show this help (or a command's: docspace-guest delete --help)",
    },
    Flag {
        id: FlagId::Version,
        long: "version",
        short: Some('V'),
        value: None,
        kind: Kind::Switch,
        taken_by: TakenBy::Output,
        in_file: InFile::No,
        help: "Show the version",
    },
    Flag {
        id: FlagId::Email,
        long: "email",
        short: None,
        value: Some("EMAIL"),
        kind: Kind::Text,
        taken_by: TakenBy::Only(&[
            CommandId::Approve,
            CommandId::Run,
            CommandId::Delete,
            CommandId::Disable,
            CommandId::Enable,
            CommandId::Access,
            CommandId::Revoke,
        ]),
        in_file: InFile::No,
        help: "approve, run: the guest's email address (checked for form;\n\
               a warning if the approved guest has another). delete,\n\
               disable, enable, access, revoke: a guest by email\n\
               (repeatable), looked up",
    },
    Flag {
        id: FlagId::Link,
        long: "link",
        short: None,
        value: Some("LINK"),
        kind: Kind::Text,
        taken_by: TakenBy::Only(&[CommandId::Approve, CommandId::Run]),
        in_file: InFile::No,
        help: "The guest sharing link, in any of these forms:\n\
               \x20 https://portal.example.com/s/AbCdEfGhIjKlMnO   (short)\n\
               \x20 https://portal.example.com/confirm/GuestShareLink?type=...\n\
               \x20 type=GuestShareLink&key=...&encemail=...&uid=...\n\
               A short link is resolved without sending the credential.",
    },
    Flag {
        id: FlagId::From,
        long: "from",
        short: None,
        value: Some("FILE"),
        kind: Kind::File,
        taken_by: TakenBy::Only(&[
            CommandId::Delete,
            CommandId::Disable,
            CommandId::Enable,
            CommandId::Access,
            CommandId::Revoke,
            CommandId::Restore,
        ]),
        in_file: InFile::No,
        help: "restore: a record (--record, docs/record.md). The others:\n\
               IDs or email addresses, one per line ('-' = stdin);\n\
               blank lines and # comments are skipped. Spreadsheet and\n\
               Windows files work: UTF-8 (BOM or not) or UTF-16 with a\n\
               BOM, CRLF, quotes, a one-column CSV with a title line,\n\
               'Name <email>', {GUID}. Other lines stop the command\n\
               with FILE:LINE and the reason",
    },
    Flag {
        id: FlagId::BatchSize,
        long: "batch-size",
        short: None,
        value: Some("N"),
        kind: Kind::Number {
            min: 1,
            max: 1000,
            default: Some(100),
        },
        taken_by: TakenBy::Only(DELETE_TARGETS),
        in_file: InFile::Yes,
        help: "Ids per request [default: {default}]",
    },
    Flag {
        id: FlagId::Permanent,
        long: "permanent",
        short: None,
        value: None,
        kind: Kind::Switch,
        taken_by: TakenBy::Only(&[CommandId::Delete]),
        in_file: InFile::No,
        help: "Delete the guest accounts themselves: disable them, then\n\
               delete them. DocSpace admins only. Their rooms and files\n\
               pass to you. Cannot be undone.",
    },
    Flag {
        id: FlagId::Search,
        long: "search",
        short: None,
        value: Some("TEXT"),
        kind: Kind::Text,
        taken_by: TakenBy::Only(&[CommandId::List]),
        in_file: InFile::No,
        help: "Only guests whose name or email contains TEXT",
    },
    Flag {
        id: FlagId::Inviter,
        long: "inviter",
        short: None,
        value: Some("ID"),
        kind: Kind::Text,
        taken_by: TakenBy::Only(&[CommandId::List]),
        in_file: InFile::No,
        help: "Only guests invited by the user with this ID",
    },
    Flag {
        id: FlagId::Status,
        long: "status",
        short: None,
        value: Some("STATUS"),
        kind: Kind::Choice(STATUSES),
        taken_by: TakenBy::Only(&[CommandId::List]),
        in_file: InFile::No,
        help: "active, disabled or pending",
    },
    Flag {
        id: FlagId::OlderThan,
        long: "older-than",
        short: None,
        value: Some("DAYS"),
        kind: Kind::Number {
            min: 1,
            max: 36_500,
            default: None,
        },
        taken_by: TakenBy::Only(POLICY),
        in_file: InFile::Rule,
        help: "Policy: registered more than DAYS days ago",
    },
    Flag {
        id: FlagId::PendingOlderThan,
        long: "pending-older-than",
        short: None,
        value: Some("DAYS"),
        kind: Kind::Number {
            min: 1,
            max: 36_500,
            default: None,
        },
        taken_by: TakenBy::Only(POLICY),
        in_file: InFile::Rule,
        help: "Policy: invited more than DAYS days ago, never signed up",
    },
    Flag {
        id: FlagId::InviterGone,
        long: "inviter-gone",
        short: None,
        value: None,
        kind: Kind::Switch,
        taken_by: TakenBy::Only(POLICY),
        in_file: InFile::Rule,
        help: "Policy: the inviting user was deleted or is disabled\n\
               (needs a DocSpace admin's credential)",
    },
    Flag {
        id: FlagId::Disabled,
        long: "disabled",
        short: None,
        value: None,
        kind: Kind::Switch,
        taken_by: TakenBy::Only(POLICY),
        in_file: InFile::Rule,
        help: "Policy: disabled, at any time (by hand yesterday too;\n\
               --disabled-for DAYS knows when). Needs a DocSpace admin",
    },
    Flag {
        id: FlagId::DisabledFor,
        long: "disabled-for",
        short: None,
        value: Some("DAYS"),
        kind: Kind::Number {
            min: 1,
            max: 36_500,
            default: None,
        },
        taken_by: TakenBy::Only(POLICY),
        in_file: InFile::Rule,
        help: "Policy: disabled more than DAYS days ago, from the portal's\n\
               audit trail (the second stage of a clean-up). Needs a\n\
               DocSpace admin and a plan with an audit trail",
    },
    Flag {
        id: FlagId::Inactive,
        long: "inactive",
        short: None,
        value: Some("DAYS"),
        // Portals keep at most 180 days of login history.
        kind: Kind::Number {
            min: 1,
            max: 180,
            default: None,
        },
        taken_by: TakenBy::Only(POLICY),
        in_file: InFile::Rule,
        help: "Policy: no sign-in in the last DAYS days (registered\n\
               before), from the portal's login history. Needs a\n\
               DocSpace admin and a plan with login history; a guest\n\
               re-enabled inside the window is spared",
    },
    Flag {
        id: FlagId::NoRooms,
        long: "no-rooms",
        short: None,
        value: None,
        kind: Kind::Switch,
        taken_by: TakenBy::Only(POLICY),
        in_file: InFile::Rule,
        help: "Policy: a direct member of no room, archived ones included\n\
               (external links and personal shares are not seen). Needs\n\
               a DocSpace admin",
    },
    Flag {
        id: FlagId::All,
        long: "all",
        short: None,
        value: None,
        kind: Kind::Switch,
        taken_by: TakenBy::Only(&[CommandId::Review]),
        in_file: InFile::No,
        help: "List every guest: the rule that selected it, or why each\n\
               rule did not",
    },
    Flag {
        id: FlagId::Keep,
        long: "keep",
        short: None,
        value: Some("FILE"),
        kind: Kind::File,
        taken_by: TakenBy::Only(POLICY),
        in_file: InFile::Yes,
        help: "Guests never selected: one ID or email per line, read as\n\
               --from is ('-' = stdin)",
    },
    Flag {
        id: FlagId::Action,
        long: "action",
        short: None,
        value: Some("ACTION"),
        kind: Kind::Choice(ACTIONS),
        taken_by: TakenBy::Only(&[CommandId::Expire]),
        in_file: InFile::No,
        help: "remove: take them off your guest list, as delete does;\n\
               disable: suspend their accounts (enable undoes it);\n\
               delete: delete their accounts for good, as delete\n\
               --permanent (needs --yes, or a terminal to ask on);\n\
               revoke: take them out of every room, as revoke\n\
               --all-rooms does (the accounts stay)",
    },
    Flag {
        id: FlagId::Max,
        long: "max",
        short: None,
        value: Some("N"),
        kind: Kind::Number {
            min: 0,
            max: 1_000_000,
            default: Some(50),
        },
        taken_by: TakenBy::Only(&[
            CommandId::Expire,
            CommandId::Revoke,
            CommandId::Restore,
            CommandId::Certify,
        ]),
        in_file: InFile::No,
        help: "Change nothing and exit 2 when the policy selects more\n\
               than N guests (revoke, certify apply: would remove more\n\
               than N room memberships; restore: would put back more\n\
               than N) [default: {default}; 0 = no limit]",
    },
    Flag {
        id: FlagId::Yes,
        long: "yes",
        short: None,
        value: None,
        kind: Kind::Switch,
        taken_by: TakenBy::Only(&[CommandId::Delete, CommandId::Expire]),
        in_file: InFile::No,
        help: "Do not ask before --permanent or --action delete (needed\n\
               without a terminal)",
    },
    Flag {
        id: FlagId::Room,
        long: "room",
        short: None,
        value: Some("ID"),
        kind: Kind::Number {
            min: 1,
            max: 2_147_483_647,
            default: None,
        },
        taken_by: TakenBy::Only(ROOMS),
        in_file: InFile::No,
        help: "A room by its ID (repeatable): access lists its guests,\n\
               revoke takes the guests out of it, certify start reviews it",
    },
    Flag {
        id: FlagId::AllRooms,
        long: "all-rooms",
        short: None,
        value: None,
        kind: Kind::Switch,
        taken_by: TakenBy::Only(&[CommandId::Revoke]),
        in_file: InFile::No,
        help: "Every room the guests are direct members of, as access\n\
               lists them",
    },
    Flag {
        id: FlagId::Record,
        long: "record",
        short: None,
        value: Some("FILE"),
        kind: Kind::File,
        taken_by: TakenBy::Only(RECORDED),
        in_file: InFile::No,
        help: "Write the run's record to FILE (appended, 0600): each\n\
               change before it is sent, then its outcome, for restore\n\
               --from FILE. Without it the batch commands write one to\n\
               $STATE_DIRECTORY or $XDG_STATE_HOME (see docs/record.md);\n\
               approve and run keep one only with it; certify apply, in DIR",
    },
    Flag {
        id: FlagId::NoRecord,
        long: "no-record",
        short: None,
        value: None,
        kind: Kind::Switch,
        taken_by: TakenBy::Only(RECORDED),
        in_file: InFile::No,
        help: "Keep no record of the run (restore cannot undo it)",
    },
    Flag {
        id: FlagId::DropFormRoles,
        long: "drop-form-roles",
        short: None,
        value: None,
        kind: Kind::Switch,
        taken_by: TakenBy::Only(&[CommandId::Revoke]),
        in_file: InFile::No,
        help: "Remove a guest who holds a form role in a virtual data\n\
               room too (force: true); without it such a guest stays",
    },
    Flag {
        id: FlagId::Csv,
        long: "csv",
        short: None,
        value: None,
        kind: Kind::Switch,
        taken_by: TakenBy::Only(&[CommandId::List, CommandId::Review, CommandId::Access]),
        in_file: InFile::No,
        help: "CSV (RFC 4180) with a header row, for a spreadsheet; a\n\
               cell starting with = + - @, a tab or a CR gets a leading '\n\
               so that it shows as text (--json stays exact)",
    },
    Flag {
        id: FlagId::Out,
        long: "out",
        short: None,
        value: Some("DIR"),
        kind: Kind::File,
        taken_by: TakenBy::Only(CERTIFY),
        in_file: InFile::No,
        help: "certify start: the round's folder (created; refused if\n\
               it holds anything): a sheet per reviewer, round.json",
    },
    Flag {
        id: FlagId::Reviewer,
        long: "reviewer",
        short: None,
        value: Some("WHO"),
        kind: Kind::Choice(REVIEWERS),
        taken_by: TakenBy::Only(CERTIFY),
        in_file: InFile::No,
        help: "certify start: who reviews a membership: the room's\n\
               owner, or the guest's inviter [default: owner]",
    },
    Flag {
        id: FlagId::FallbackReviewer,
        long: "fallback-reviewer",
        short: None,
        value: Some("EMAIL"),
        kind: Kind::Text,
        taken_by: TakenBy::Only(CERTIFY),
        in_file: InFile::No,
        help: "certify start: the reviewer where that person is you,\n\
               deleted, disabled or unknown [default: you]",
    },
    Flag {
        id: FlagId::RecommendInactive,
        long: "recommend-inactive",
        short: None,
        value: Some("DAYS"),
        kind: Kind::Number {
            min: 1,
            max: 180,
            default: Some(30),
        },
        taken_by: TakenBy::Only(CERTIFY),
        in_file: InFile::No,
        help: "certify start: recommend remove for a guest with no\n\
               sign-in in DAYS days (the rules of --inactive)\n\
               [default: {default}]",
    },
    Flag {
        id: FlagId::Due,
        long: "due",
        short: None,
        value: Some("DATE"),
        kind: Kind::Text,
        taken_by: TakenBy::Only(CERTIFY),
        in_file: InFile::No,
        help: "certify start: the date (YYYY-MM-DD) the sheets are due,\n\
               written into them and round.json",
    },
    Flag {
        id: FlagId::NoResponse,
        long: "no-response",
        short: None,
        value: Some("WHAT"),
        kind: Kind::Choice(NO_RESPONSES),
        taken_by: TakenBy::Only(CERTIFY),
        in_file: InFile::No,
        help: "certify apply (required): what an undecided row means:\n\
               keep, remove, or the recommendation (empty: keep)",
    },
    Flag {
        id: FlagId::Sheet,
        long: "sheet",
        short: None,
        value: Some("FILE"),
        kind: Kind::File,
        taken_by: TakenBy::Only(CERTIFY),
        in_file: InFile::No,
        help: "certify apply: only this sheet of the round (repeatable),\n\
               e.g. a room owner applying their own with their own key",
    },
];

pub const COMMANDS: &[CommandDef] = &[
    CommandDef {
        id: CommandId::Approve,
        name: "approve",
        summary: "Approve a guest who was shared with you through a guest sharing link",
        usage: "docspace-guest approve --email EMAIL --link LINK [OPTIONS]",
        about: "Another admin shares a guest with you by sending a guest sharing link\n\
                (docspace-guest share-link). DocSpace knows the guest by that link, not by the\n\
                email (DocSpace 3.1 to 3.4: by the email): the link is required.",
        after: "Prints the status code, the raw answer, the guest's name and email and id.\n\
                With --quiet: only the guest's id.",
    },
    CommandDef {
        id: CommandId::Delete,
        name: "delete",
        summary: "Remove guests from your guest list (the accounts stay), or --permanent",
        usage: "docspace-guest delete [ID...] [--email ADDR]... [--from FILE] [OPTIONS]",
        about: "Removes the guests from your guest list and revokes the shares you gave them.\n\
                The guest accounts stay on the portal (see --permanent).",
        after: "Everything is checked before anything is sent. The portal (3.7.1 and later)\n\
                refuses a whole request with 403 if any id in it is not one of your active\n\
                guests; the tool then retries that request's ids one by one, so every guest that\n\
                can be removed is. Older portals answer 200 and skip such ids silently: there the\n\
                tool first reads your active guests and sends only those, reporting the others\n\
                as not removed. Each guest's line is printed as soon as the portal confirms it,\n\
                then a summary: 'N removed, M failed'. Exit 0 when all were removed, 5 when some\n\
                were, 4 when all were refused for permission, 6 when the portal asked to wait.",
    },
    CommandDef {
        id: CommandId::Run,
        name: "run",
        summary: "Approve a guest from their sharing link, then remove them",
        usage: "docspace-guest run --email EMAIL --link LINK [OPTIONS]",
        about: "Approves the guest as approve does, then removes that guest from your guest\n\
                list as delete does, printing both answers. If the approval fails, nothing is\n\
                deleted. --email and --link are as for approve.",
        after: "",
    },
    CommandDef {
        id: CommandId::List,
        name: "list",
        summary: "List the guests you can see",
        usage: "docspace-guest list [--search TEXT] [--inviter ID] [--status STATUS] [OPTIONS]",
        about: "DocSpace admins see every guest; room admins see their own.",
        after: "Prints a table (id, email, name, status, registered). With --quiet only the\n\
                ids, one per line, ready for: docspace-guest delete --from -\n\
                With --json one object per guest.",
    },
    CommandDef {
        id: CommandId::ShareLink,
        name: "share-link",
        summary: "Get a guest's sharing link, for another admin to approve",
        usage: "docspace-guest share-link ID [OPTIONS]",
        about: "Prints the short link (https://<portal>/s/...) that another admin passes to\n\
                docspace-guest approve --link. Links are valid for 7 days.",
        after: "",
    },
    CommandDef {
        id: CommandId::Whoami,
        name: "whoami",
        summary: "Show who the credential acts as",
        usage: "docspace-guest whoami [OPTIONS]",
        about: "Prints the name, email, id and type (DocSpace admin, room admin, user, guest)\n\
                of the account behind the credential, an API key's scopes, and the portal's\n\
                release: a cheap check of a cron job's set-up, and of a key made no stronger\n\
                than its job. Approving and removing guests take a DocSpace admin or room admin.",
        after: "",
    },
    CommandDef {
        id: CommandId::Review,
        name: "review",
        summary: "Show which guests a clean-up policy selects, and why (read-only)",
        usage: "docspace-guest review POLICY... [--keep FILE] [OPTIONS]",
        about: "Reads the guests (and, for --inviter-gone, the disabled users; for --inactive,\n\
                the login history, once) and changes nothing. A guest is selected when it\n\
                matches any rule of the policy (at least one is needed).",
        after: "Days count in UTC from this machine's clock. A guest whose registration date\n\
                cannot be read is listed as not evaluated and never selected. Prints a table\n\
                (ID, EMAIL, NAME, STATUS, REGISTERED, INVITER, WHY) and a count; with --quiet\n\
                only the selected ids, ready for: docspace-guest disable --from -\n\
                --inactive adds LAST SIGN-IN: a date, 'none since' the cutoff, 'never', or\n\
                'unknown' where the history does not reach back (not evaluated, never\n\
                selected). A portal without login history selects no one by it; expire\n\
                then exits 1 before any change; so does --disabled-for without an audit\n\
                trail. --all lists every guest, with why each rule did not select it.",
    },
    CommandDef {
        id: CommandId::Expire,
        name: "expire",
        summary: "Disable, remove or delete the guests a policy selects (for cron)",
        usage: "docspace-guest expire POLICY... --action ACTION [--keep FILE] [--max N] [--yes]",
        about: "Selects guests as review does (same policy and --keep), prints them, then\n\
                changes them as --action says.",
        after: "Everything is read and the policy evaluated before the first write. disable and\n\
                delete take a DocSpace admin. One line per guest as the portal confirms it, a\n\
                summary, and the exit codes of delete (0, 4, 5, 6). A weekly cron clean-up:\n\
                \x20 docspace-guest expire --disabled-for 7 --action delete --yes\n\
                \x20 docspace-guest expire --older-than 180 --inviter-gone --action disable",
    },
    CommandDef {
        id: CommandId::Disable,
        name: "disable",
        summary: "Suspend guest accounts (reversible with enable)",
        usage: "docspace-guest disable [ID...] [--email ADDR]... [--from FILE] [OPTIONS]",
        about: "Disables the accounts (PUT /api/2.0/people/status/2); enable undoes it. Guests\n\
                are named as for delete; only guests are touched. Takes a DocSpace admin.",
        after: "One line per guest the portal confirms disabled, then 'N disabled, M failed';\n\
                exit codes as for delete.",
    },
    CommandDef {
        id: CommandId::Enable,
        name: "enable",
        summary: "Undo a disable",
        usage: "docspace-guest enable [ID...] [--email ADDR]... [--from FILE] [OPTIONS]",
        about: "Enables the accounts again (PUT /api/2.0/people/status/1). A guest who never\n\
                signed up becomes pending again. Guests are named as for delete; only guests\n\
                are touched. Takes a DocSpace admin.",
        after: "Exit codes as for delete.",
    },
    CommandDef {
        id: CommandId::Access,
        name: "access",
        summary: "Show the rooms guests can open, or the guests of rooms (read-only)",
        usage: "docspace-guest access [ID...] [--email ADDR]... [--from FILE] [--room ID]... [OPTIONS]",
        about: "For each guest (named as for delete), every room they are a direct member of,\n\
                active or archived, with their role, the room's owner and whether the room is\n\
                archived. With --room, the guests who are members of those rooms. With neither,\n\
                the whole map: every room you can see and the guests in it, a page at a time.\n\
                Direct memberships only: rooms with external links (anyone holding the link\n\
                gets in) are flagged, and shares inside personal documents cannot be listed.",
        after: "A room admin sees only their own rooms (the tool says so); a DocSpace admin\n\
                sees every room. Prints a table (GUEST, EMAIL, NAME, ROOM, TITLE, ROLE, OWNER,\n\
                STATE, LINKS); --json one object per guest and room; --csv for a spreadsheet.",
    },
    CommandDef {
        id: CommandId::Revoke,
        name: "revoke",
        summary: "Take guests out of rooms, proven room by room (--room ID or --all-rooms)",
        usage: "docspace-guest revoke [ID...] [--email ADDR]... [--from FILE] (--room ID... | --all-rooms) [OPTIONS]",
        about: "Takes the guests out of the rooms: one request per room, with every guest of\n\
                that room in it (PUT files/rooms/ID/share, access 0, notify false). The\n\
                accounts stay; restore --from undoes it from the run's record.",
        after: "A membership is reported removed only when the portal's answer no longer lists\n\
                the guest in the room; otherwise it is reported not removed, with the reason\n\
                (an archived room, a caller who is not the room's owner or room manager, a\n\
                guest not on a room admin's list, a form role in a virtual data room, not a\n\
                member). One line per guest and room as the portal confirms it, a summary, and\n\
                the exit codes of delete (0, 4, 5, 6).",
    },
    CommandDef {
        id: CommandId::Restore,
        name: "restore",
        summary: "Undo what a record says was changed: room memberships and disables",
        usage: "docspace-guest restore --from FILE [--max N] [OPTIONS]",
        about: "Reads a record (docs/record.md) and checks the portal first: a guest removed\n\
                from a room is added back with the recorded role (notify false) unless it is\n\
                a member again; a guest disabled is enabled unless it is active. A change\n\
                whose outcome is unknown is put back only if the portal shows it was made.\n\
                Removals from a guest list and permanent deletions are listed as not undoable.",
        after: "Only guests the caller can see are put back (a room admin sees those on\n\
                their own guest list), never a member's role changed. A record of another\n\
                portal, or with a line the tool did not write, is refused before anything is\n\
                sent (a torn last line is skipped with a warning). Exit codes as for delete.",
    },
    CommandDef {
        id: CommandId::Certify,
        name: "certify",
        summary: "Access reviews: room owners decide in sheets; the tool applies the decisions",
        usage: "docspace-guest certify start --out DIR [OPTIONS] | status DIR | apply DIR --no-response keep|remove|recommendation [OPTIONS]",
        about: "An access review round. start reads the map once and writes into DIR one CSV\n\
                sheet per reviewer (the room's owner, or --reviewer inviter) and round.json;\n\
                status reads the returned sheets offline; apply removes what the reviewers\n\
                decided to remove, as revoke does, each written down first in the record\n\
                (restore --from it undoes), and writes the evidence into DIR.",
        after: "status: exit 0 when every returned sheet reads cleanly, 2 otherwise (each\n\
                problem as FILE:LINE). apply: any problem of status, another portal, or more\n\
                than --max removals is exit 2 with nothing sent; rows the caller cannot apply\n\
                and roles changed since the start are not removed (exit 5).",
    },
    CommandDef {
        id: CommandId::Help,
        name: "help",
        summary: "Show the help of a command: docspace-guest help delete",
        usage: "docspace-guest help [COMMAND]",
        about: "Prints the help of COMMAND, or without one the help of the tool: the same as\n\
                docspace-guest COMMAND --help.",
        after: "",
    },
    CommandDef {
        id: CommandId::Completions,
        name: "completions",
        summary: "Print the shell completion script: completions bash|zsh|fish",
        usage: "docspace-guest completions bash|zsh|fish",
        about: "Prints the completion script for the shell. Packages install them; by hand:\n\
                \x20 docspace-guest completions bash > /etc/bash_completion.d/docspace-guest",
        after: "",
    },
    CommandDef {
        id: CommandId::Man,
        name: "man",
        summary: "Print the manual page (roff), as packages install it",
        usage: "docspace-guest man",
        about: "Prints docspace-guest(1): every command, option, environment variable, file\n\
                rule and exit code. To read it without installing: docspace-guest man | man -l -",
        after: "",
    },
];

pub const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "DOCSPACE_URL",
        "The portal address, when --url is not given.",
    ),
    (
        "DOCSPACE_API_HOST",
        "The same, under the official samples' name.",
    ),
    (
        "DOCSPACE_API_KEY",
        "The API key or token, when --api-key-file is not given. Spaces, line ends and \
         one pair of quotes around it are dropped.",
    ),
    (
        "DOCSPACE_GUEST_CONFIG",
        "The config file, when --config is not given.",
    ),
    (
        "DOCSPACE_GUEST_PORTAL",
        "The config file's section, as --portal; it pins it: a different --portal is \
         refused.",
    ),
    (
        "XDG_CONFIG_HOME, HOME",
        "Where the user's config file is: $XDG_CONFIG_HOME/docspace-guest/config, by \
         default ~/.config/docspace-guest/config.",
    ),
    (
        "HTTPS_PROXY, HTTP_PROXY, ALL_PROXY",
        "The proxy for https:// and http:// portals; the scheme's own variable wins over \
         ALL_PROXY. Proxy passwords are never printed.",
    ),
    (
        "NO_PROXY",
        "Hosts reached without the proxy: entries are trimmed and match the host and its \
         subdomains; * matches all.",
    ),
    (
        "SSL_CERT_FILE, SSL_CERT_DIR",
        "The system's trusted CAs, as OpenSSL reads them (the hash-named files of the \
         directory); without them, the distribution's bundle. The built-in Mozilla roots \
         and --ca-cert are trusted too.",
    ),
];

/// The rules of the files the tool reads, for the manual.
pub const FILE_RULES: &[(&str, &str)] = &[
    (
        "--from FILE, --keep FILE",
        "One guest ID (a GUID, any case, braces allowed) or email address per line. Blank \
         lines, # comment lines and comments after a value are skipped. UTF-8 with or \
         without a BOM and UTF-16 with a BOM are read; LF, CRLF and CR line ends; spaces, \
         tabs, non-breaking and zero-width spaces around a value; a value in quotes, with \
         the trailing commas or semicolons of a one-column CSV export; a column title \
         (email, id, user id...) on the first line; 'Name <email>'. Text that is not \
         UTF-8, several columns, an invisible character inside a value, or anything that \
         is neither an ID nor an email stops the command with FILE:LINE and the reason \
         (exit 2), before anything is sent.",
    ),
    (
        "--config FILE",
        "One flag per line, its value after = or a space, to the end of the line; the \
         leading -- may be left out; # comment lines and blank lines. [NAME] starts the \
         section --portal NAME chooses. Precedence: the command line, the environment, \
         the section, the file's top, the default. Only the connection's flags, \
         --batch-size, --keep and the policy's rules may be given, and the rules only \
         when the command line names none; never a key, only api-key-file. Read only \
         when it and every directory above it are owned by root or the caller and \
         writable by no one else (exit 2 otherwise). See docs/configuration.md.",
    ),
    (
        "--api-key-file PATH",
        "The key alone on one line; # comment lines, blank lines, spaces and quotes \
         around it, CRLF, a BOM and UTF-16 are fine. A second value or an env file's \
         NAME=value line is refused with the line number; the key is never shown. Keep \
         the file readable by its owner only (chmod 600): the tool warns otherwise.",
    ),
];

pub const EXAMPLES: &[(&str, &str)] = &[
    (
        "Approve a guest shared with you, then remove it:",
        "docspace-guest run --email jane@example.com --link https://portal.example.com/s/AbCdEfGhIjKlMnO",
    ),
    (
        "Remove the guests a spreadsheet lists, from cron, with the key in a file:",
        "docspace-guest delete --from leavers.csv --api-key-file /etc/docspace-guest/key",
    ),
    (
        "Remove the guests whose name or email says contractor:",
        "docspace-guest list -q --search contractor | docspace-guest delete --from -",
    ),
    (
        "See which guests a policy would expire, and why:",
        "docspace-guest review --older-than 180 --pending-older-than 30 --inviter-gone",
    ),
    (
        "A weekly two-stage clean-up of the config file's portal [acme] (its keep file and policy):",
        "docspace-guest expire --portal acme --disabled-for 7 --action delete --yes\n\
         docspace-guest expire --portal acme --action disable",
    ),
    ("Check a cron job's credential:", "docspace-guest whoami"),
];

pub fn flag_by_long(long: &str) -> Option<&'static Flag> {
    FLAGS.iter().find(|f| f.long == long)
}

pub fn flag_by_short(short: char) -> Option<&'static Flag> {
    FLAGS.iter().find(|f| f.short == Some(short))
}

pub fn command(name: &str) -> Option<&'static CommandDef> {
    COMMANDS.iter().find(|c| c.name == name)
}
