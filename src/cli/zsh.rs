//! The zsh completion script: `templates/completion.zsh`, with the table's commands and
//! flags filled in as `_describe` and `_arguments` specs. Autoloaded from fpath the
//! script completes; sourced (after compinit) it registers itself.

use super::{VERSION, common_flags, fill, own_flags, summary};
use crate::cli::flags::{COMMANDS, Flag, Kind, SHELLS};

pub fn script() -> String {
    let commands: Vec<String> = COMMANDS
        .iter()
        .map(|command| {
            let describe = command.summary.replace('\'', "'\\''").replace(':', "\\:");
            format!("    '{}:{describe}'", command.name)
        })
        .collect();
    let common: Vec<String> = common_flags().map(|f| format!("    {}", spec(f))).collect();
    let cases: Vec<String> = COMMANDS
        .iter()
        .map(|command| {
            let own: Vec<String> = own_flags(command.id).map(spec).collect();
            format!(
                "    {}) _arguments -s $common {} '*:argument: ' ;;",
                command.name,
                own.join(" ")
            )
        })
        .collect();
    fill(
        include_str!("templates/completion.zsh"),
        &[
            ("VERSION", VERSION),
            ("COMMANDS", &commands.join("\n")),
            ("COMMON_FLAGS", &common.join("\n")),
            ("SHELLS", &SHELLS.join(" ")),
            ("COMMAND_CASES", &cases.join("\n")),
        ],
    )
}

/// A flag's `_arguments` specs: `'--long[what]:VALUE:action'`, and the same for `-s`.
fn spec(flag: &Flag) -> String {
    let describe = summary(flag)
        .replace('\'', "'\\''")
        .replace('[', "\\[")
        .replace(']', "\\]")
        .replace(':', "\\:");
    let value = match (flag.value, flag.kind) {
        (None, _) => String::new(),
        (Some(name), Kind::File) => format!(":{name}:_files"),
        (Some(name), Kind::Choice(values)) => format!(":{name}:({})", values.join(" ")),
        (Some(name), Kind::Switch | Kind::Text | Kind::Number { .. }) => format!(":{name}: "),
    };
    let mut specs = vec![format!("'--{}[{describe}]{value}'", flag.long)];
    if let Some(c) = flag.short {
        specs.push(format!("'-{c}[{describe}]{value}'"));
    }
    specs.join(" ")
}
