//! The bash completion script: `templates/completion.bash`, with the table's commands,
//! flags and values filled in.

use super::{VERSION, command_names, common_flags, fill, own_flags};
use crate::cli::flags::{COMMANDS, FLAGS, Flag, Kind, SHELLS};

pub fn script() -> String {
    let choice_cases: Vec<String> = FLAGS
        .iter()
        .filter_map(|flag| match flag.kind {
            Kind::Choice(values) => Some(format!(
                "        --{}) COMPREPLY=($(compgen -W \"{}\" -- \"$cur\")); return ;;",
                flag.long,
                values.join(" ")
            )),
            Kind::Switch | Kind::Text | Kind::Number { .. } | Kind::File => None,
        })
        .collect();
    let command_cases: Vec<String> = COMMANDS
        .iter()
        .map(|command| (command.name, names(own_flags(command.id))))
        .filter(|(_, own)| !own.is_empty())
        .map(|(name, own)| format!("        {name}) words=\"{own} $common\" ;;"))
        .collect();
    fill(
        include_str!("templates/completion.bash"),
        &[
            ("VERSION", VERSION),
            ("FILE_FLAGS", &alternatives(|kind| kind == Kind::File)),
            ("CHOICE_CASES", &choice_cases.join("\n")),
            // Text and numbers: nothing to offer, but not a command either.
            (
                "FREE_VALUE_FLAGS",
                &alternatives(|kind| matches!(kind, Kind::Text | Kind::Number { .. })),
            ),
            ("VALUED_FLAGS", &alternatives(|kind| kind != Kind::Switch)),
            ("COMMON_FLAGS", &names(common_flags())),
            ("COMMANDS", &command_names()),
            ("SHELLS", &SHELLS.join(" ")),
            ("COMMAND_CASES", &command_cases.join("\n")),
        ],
    )
}

/// The long flags of a kind, as a `case` pattern: `--a|--b`.
fn alternatives(of_kind: impl Fn(Kind) -> bool) -> String {
    let names: Vec<String> = FLAGS
        .iter()
        .filter(|flag| of_kind(flag.kind))
        .map(|flag| format!("--{}", flag.long))
        .collect();
    names.join("|")
}

/// Short and long names, for `compgen -W`: `-q --quiet`.
fn names(flags: impl Iterator<Item = &'static Flag>) -> String {
    let mut names = Vec::new();
    for flag in flags {
        if let Some(c) = flag.short {
            names.push(format!("-{c}"));
        }
        names.push(format!("--{}", flag.long));
    }
    names.join(" ")
}
