//! The fish completion script: `templates/completion.fish`, with a `complete` line for
//! each of the table's commands and flags.

use super::{VERSION, command_names, fill, summary};
use crate::cli::flags::{COMMANDS, FLAGS, Flag, Kind, SHELLS, TakenBy};

pub fn script() -> String {
    let commands: Vec<String> = COMMANDS
        .iter()
        .map(|command| {
            format!(
                "complete -c docspace-guest -n __fish_use_subcommand -a {} -d '{}'",
                command.name,
                command.summary.replace('\'', "\\'")
            )
        })
        .collect();
    let flags: Vec<String> = FLAGS.iter().map(complete_flag).collect();
    fill(
        include_str!("templates/completion.fish"),
        &[
            ("VERSION", VERSION),
            ("COMMANDS", &commands.join("\n")),
            ("SHELLS", &SHELLS.join(" ")),
            ("COMMAND_NAMES", &command_names()),
            ("FLAGS", &flags.join("\n")),
        ],
    )
}

/// `complete -c docspace-guest [-n 'the commands that take it'] -l long ... -d 'what'`.
fn complete_flag(flag: &Flag) -> String {
    let mut line = String::from("complete -c docspace-guest");
    match flag.taken_by {
        TakenBy::Connection | TakenBy::Output => {}
        TakenBy::Only(commands) => {
            let names: Vec<&str> = commands.iter().map(|id| id.command().name).collect();
            line.push_str(&format!(
                " -n '__fish_seen_subcommand_from {}'",
                names.join(" ")
            ));
        }
    }
    line.push_str(&format!(" -l {}", flag.long));
    if let Some(c) = flag.short {
        line.push_str(&format!(" -s {c}"));
    }
    match flag.kind {
        Kind::Switch => {}
        Kind::File => line.push_str(" -r -F"),
        Kind::Choice(values) => line.push_str(&format!(" -x -a '{}'", values.join(" "))),
        Kind::Text | Kind::Number { .. } => line.push_str(" -x"),
    }
    line.push_str(&format!(" -d '{}'", summary(flag).replace('\'', "\\'")));
    line
}
