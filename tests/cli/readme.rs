//! Every runnable example of the documentation runs: each `$ docspace-guest …` line of a
//! ```console block in README.md and docs/*.md, against a freshly seeded demo portal
//! (tests/portal/seed.rs) with DOCSPACE_URL and DOCSPACE_API_KEY set as `make
//! demo-portal`'s export lines say. Examples that need a real portal, a file or an id
//! go in ```sh blocks, which are not run.

use fake_portal::FakePortal;

use crate::docs::documents;
use crate::util::{flow, json_of, tool_for};

/// One `$ docspace-guest …` line: where it is ("README.md:71") and its words after the
/// program's name.
struct Example {
    place: String,
    line: String,
    args: Vec<String>,
}

/// The console examples of one document, or what is wrong with one of its lines.
fn examples(path: &str, text: &str) -> Vec<Result<Example, String>> {
    let mut found = Vec::new();
    let mut in_console = false;
    for (number, line) in text.lines().enumerate() {
        let place = format!("{path}:{}", number + 1);
        let fence = line.trim_start();
        if fence.starts_with("```") {
            in_console = !in_console && fence == "```console";
            continue;
        }
        let Some(command) = line.strip_prefix("$ ").filter(|_| in_console) else {
            continue;
        };
        found.push(
            words(command)
                .and_then(|words| match words.split_first() {
                    Some((program, args)) if program == "docspace-guest" => Ok(args.to_vec()),
                    _ => Err("a console example runs docspace-guest only".to_string()),
                })
                .map(|args| Example {
                    place: place.clone(),
                    line: line.to_string(),
                    args,
                })
                .map_err(|why| format!("{place}: {line:?}: {why}")),
        );
    }
    found
}

/// The words of a shell command line with simple quoting: '…' as it is, "…" with \" and
/// \\ inside, a backslash outside quotes escaping the next character. Pipes,
/// redirections, lists, substitutions, variables, globs and comments are refused: the
/// line is run without a shell.
fn words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => words.extend(word.take()),
            '\'' => {
                let word = word.get_or_insert_default();
                loop {
                    match chars.next() {
                        None => return Err("an unterminated ' quote".to_string()),
                        Some('\'') => break,
                        Some(c) => word.push(c),
                    }
                }
            }
            '"' => {
                let word = word.get_or_insert_default();
                loop {
                    match chars.next() {
                        None => return Err("an unterminated \" quote".to_string()),
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => word.push(c),
                            Some(c) => word.extend(['\\', c]),
                            None => return Err("an unterminated \" quote".to_string()),
                        },
                        Some('$' | '`') => return Err(not_a_shell(c)),
                        Some(c) => word.push(c),
                    }
                }
            }
            '\\' => match chars.next() {
                Some(c) => word.get_or_insert_default().push(c),
                None => return Err("a trailing backslash".to_string()),
            },
            '|' | '>' | '<' | ';' | '&' | '$' | '`' | '(' | ')' | '*' | '?' => {
                return Err(not_a_shell(c));
            }
            // A comment, or the home directory, only where a word starts.
            '#' | '~' if word.is_none() => return Err(not_a_shell(c)),
            c => word.get_or_insert_default().push(c),
        }
    }
    words.extend(word);
    Ok(words)
}

fn not_a_shell(c: char) -> String {
    format!(
        "{c:?} needs a shell: console examples are run without one (no pipes, redirections, \
         variables or globs); show such a line in a ```sh block"
    )
}

/// Runs one example against a portal of its own and says what went wrong, if anything.
fn failure(example: &Example) -> Option<String> {
    let demo = FakePortal::seeded();
    let args: Vec<&str> = example.args.iter().map(String::as_str).collect();
    let outcome = tool_for(&demo, &args).run();
    let why = if outcome.code != 0 {
        format!("exit code {}", outcome.code)
    } else if outcome.stderr.contains("panicked") {
        "a panic".to_string()
    } else if ["unknown option", "invalid option", "unknown command"]
        .iter()
        .any(|refusal| outcome.stderr.contains(refusal))
    {
        "a refused option or command".to_string()
    } else {
        return None;
    };
    Some(format!(
        "{}: {}: {why}\n--- stdout\n{}--- stderr\n{}",
        example.place, example.line, outcome.stdout, outcome.stderr
    ))
}

#[test]
fn every_console_example_of_the_documentation_runs() {
    let mut failures = Vec::new();
    let mut run = 0;
    let mut in_readme = 0;
    for (path, text) in documents() {
        for example in examples(&path, &text) {
            match example {
                Ok(example) => {
                    run += 1;
                    in_readme += usize::from(path == "README.md");
                    failures.extend(failure(&example));
                }
                Err(why) => failures.push(why),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // One for each read command at least; fewer means the blocks were not found.
    assert!(
        in_readme >= 8,
        "only {in_readme} console examples in README.md"
    );
    assert!(run >= in_readme);
}

/// The examples runner tells an example that fails from one that works: the seed's
/// guests are found, a removed command or flag, and a broken line, are not.
#[test]
fn a_failing_or_unrunnable_example_is_named_with_its_line() {
    let text = "intro\n```console\n$ docspace-guest access --email pedro@partner.example\n\
                $ docspace-guest list --no-such-flag\n$ docspace-guest frobnicate\n```\n\
                ```sh\n$ docspace-guest not-run-in-sh\n```\n```console\n\
                $ docspace-guest list -q | wc -l\n$ ls\n```\n";
    let found = examples("X.md", text);
    assert_eq!(found.len(), 5);
    let example = |i: usize| found[i].as_ref().unwrap();
    assert_eq!(failure(example(0)), None);
    let flag = failure(example(1)).unwrap();
    assert!(
        flag.starts_with("X.md:4: $ docspace-guest list --no-such-flag: exit code 2"),
        "{flag}"
    );
    assert!(failure(example(2)).unwrap().starts_with("X.md:5: "));
    let pipe = found[3].as_ref().err().unwrap();
    assert!(
        pipe.starts_with("X.md:11: ") && pipe.contains("needs a shell"),
        "{pipe}"
    );
    let other = found[4].as_ref().err().unwrap();
    assert!(other.contains("runs docspace-guest only"), "{other}");
}

#[test]
fn example_lines_are_split_as_a_shell_splits_simple_quoting() {
    let split = |line: &str| words(line).unwrap();
    assert_eq!(
        split(r#"docspace-guest list --search 'O'"'"'Neil & Co'  -q"#),
        ["docspace-guest", "list", "--search", "O'Neil & Co", "-q"]
    );
    assert_eq!(
        split(r#"a "two words" "say \"hi\" \\ \n" it\ self ''"#),
        ["a", "two words", r#"say "hi" \ \n"#, "it self", ""]
    );
    for broken in [
        "a 'open",
        "a \"open",
        "a \\",
        "a > out",
        "a $HOME",
        "a \"$(b)\"",
    ] {
        assert!(words(broken).is_err(), "{broken}");
    }
}

/// What a command's --json lines say, one object a line.
fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines().map(json_of).collect()
}

fn text(value: &serde_json::Value) -> String {
    value.as_str().unwrap_or_default().to_string()
}

/// The demo portal holds what the documents promise: every rule of a review selects
/// someone, for each reason; guests in every state; an archived room and one with
/// external links; and `make demo`'s flow works. The days are counted from now.
#[test]
fn the_demo_portal_shows_every_rule_state_and_room() {
    let demo = FakePortal::seeded();
    let policy = [
        "review",
        "--older-than",
        "90",
        "--pending-older-than",
        "30",
        "--inviter-gone",
        "--inactive",
        "60",
        "--disabled",
        "--json",
    ];
    let review = tool_for(&demo, &policy).run();
    review.assert_exit(0);
    let reasons: Vec<(String, String)> = json_lines(&review.stdout)
        .iter()
        .flat_map(|row| row["reasons"].as_array().cloned().unwrap_or_default())
        .map(|reason| (text(&reason["rule"]), text(&reason["detail"])))
        .collect();
    for rule in [
        "older-than",
        "pending-older-than",
        "inviter-gone",
        "inactive",
        "disabled",
    ] {
        assert!(
            reasons.iter().any(|(r, _)| r == rule),
            "no guest selected by --{rule}: {reasons:?}"
        );
    }
    for detail in ["pending for 45 days", "inviter deleted", "inviter disabled"] {
        assert!(
            reasons.iter().any(|(_, d)| d.contains(detail)),
            "no guest selected as {detail:?}: {reasons:?}"
        );
    }
    let list = tool_for(&demo, &["list", "--json"]).run();
    let states: Vec<String> = json_lines(&list.assert_exit(0).stdout)
        .iter()
        .filter(|row| row["op"] == "list")
        .map(|row| text(&row["state"]))
        .collect();
    assert!(states.len() >= 12, "{states:?}");
    for state in ["active", "pending", "disabled"] {
        assert!(states.iter().any(|s| s == state), "{states:?}");
    }
    let access = tool_for(&demo, &["access", "--json"]).run();
    let rooms: Vec<serde_json::Value> = json_lines(&access.assert_exit(0).stdout)
        .into_iter()
        .filter(|row| row["op"] == "access")
        .map(|row| row["room"].clone())
        .collect();
    assert!(
        rooms.iter().any(|room| room["archived"] == true),
        "{rooms:?}"
    );
    assert!(
        rooms.iter().any(|room| room["sharedExternal"] == true),
        "{rooms:?}"
    );
    let link = demo.portal.short_url(&demo.link);
    flow(&demo, "run", &link, &[])
        .run()
        .assert_exit(0)
        .assert_stdout_has("deleted successfully.");
}
