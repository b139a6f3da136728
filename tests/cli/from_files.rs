//! The lists --from reads: comments, blanks and duplicates; what spreadsheets, editors and
//! tickets write; and the lines refused, by file and line, before anything is sent.

use serde_json::json;

use crate::util::{crowd, json_of, write_temp};

#[test]
fn a_from_file_skips_comments_blanks_and_duplicates() {
    let crowd = crowd(3);
    let text = format!(
        "# guests to remove\n\n  {}  \n{}\n# again:\n{}\ng0002@example.com\n",
        crowd.guests[0],
        crowd.guests[1].to_uppercase(),
        crowd.guests[0]
    );
    let file = write_temp("from", &text);
    let out = crowd
        .tool(&["delete", "--from", file.to_str().unwrap()])
        .run();
    out.assert_exit(0);
    out.assert_stdout_ends_with("3 removed, 0 failed\n");
    let deletes = crowd.requests_to("DELETE", "/api/2.0/people/guests");
    assert_eq!(json_of(&deletes[0].body)["userIds"], json!(crowd.guests));
}

#[test]
fn lists_from_spreadsheets_editors_and_tickets_are_read() {
    let crowd = crowd(8);
    let g = &crowd.guests;
    // Excel's CSV (UTF-8 with a BOM, CRLF, a title, quotes, empty columns), a ticket's
    // "Name <email>", a registry-style GUID, non-breaking and zero-width spaces, a
    // comment after a value, and an old Mac's CR line end.
    let text = format!(
        "\u{FEFF}Email,,\r\n\"{}\",,\r\n{};\r\n\t{}\u{A0}\r\nGuest Five <g0004@example.com> # ticket 4711\r\n{{{}}}\r\n\u{200B}{}  # left in June\r{}\r\n",
        g[0],
        g[1].to_uppercase(),
        g[2],
        g[5],
        g[6],
        g[7]
    );
    let file = write_temp("excel.csv", &text);
    let out = crowd
        .tool(&["delete", "--from", file.to_str().unwrap()])
        .run();
    out.assert_exit(0);
    out.assert_stdout_ends_with("7 removed, 0 failed\n");
    // Notepad's "Unicode": UTF-16LE with a BOM.
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in format!("{}\r\n", g[3]).encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    let file = write_temp("notepad.txt", utf16);
    let out = crowd
        .tool(&["delete", "--from", file.to_str().unwrap()])
        .run();
    out.assert_exit(0);
    assert!(crowd.portal.guest_list(&crowd.admin).is_empty());
}

#[test]
fn list_files_that_cannot_be_read_right_are_refused_by_line() {
    let crowd = crowd(2);
    let g = &crowd.guests;
    let refused = |name: &str, bytes: Vec<u8>, needle: &str| {
        let file = write_temp(name, bytes);
        let shown = file.to_str().unwrap().to_string();
        crowd
            .tool(&["delete", "--from", &shown])
            .run()
            .assert_usage_error(&format!("--from {shown}{needle}"));
    };
    // Latin-1 from an old spreadsheet: "josé@example.com" on line 2.
    let mut latin1 = format!("{}\njos", g[0]).into_bytes();
    latin1.extend([0xE9]);
    latin1.extend(b"@example.com\n");
    refused(
        "latin1.txt",
        latin1,
        ":2: is not UTF-8 text (save the file as UTF-8)",
    );
    refused(
        "two-columns.csv",
        format!("{},jane@example.com\n", g[0]).into_bytes(),
        ":1: '",
    );
    refused(
        "zwsp.txt",
        format!("{}\nja\u{200B}ne@example.com\n", g[0]).into_bytes(),
        ":2: the value holds an invisible character (U+200B)",
    );
    refused(
        "utf16-no-bom.txt",
        g[0].encode_utf16().flat_map(u16::to_le_bytes).collect(),
        ": is not a text file",
    );
    // A title is skipped only on the first line.
    refused(
        "late-title.txt",
        format!("{}\nemail\n", g[0]).into_bytes(),
        ":2: 'email' is neither",
    );
    assert!(crowd.portal.requests().is_empty());
}

#[test]
fn a_malformed_line_names_file_and_line_and_nothing_is_sent() {
    let crowd = crowd(2);
    let file = write_temp("bad", format!("{}\n# ok\n\nnot-an-id\n", crowd.guests[0]));
    let shown = file.to_str().unwrap();
    crowd
        .tool(&["delete", "--from", shown])
        .run()
        .assert_usage_error(&format!("{shown}:4: 'not-an-id'"));
    crowd
        .tool(&["delete", "--from", "-"])
        .stdin(&format!("{}\nbad@\n", crowd.guests[0]))
        .run()
        .assert_usage_error("stdin:2:");
    crowd
        .tool(&["delete", "jane@example.com"])
        .run()
        .assert_usage_error("use --email");
    crowd
        .tool(&["delete", &crowd.guests[0], "--batch-size", "0"])
        .run()
        .assert_usage_error("--batch-size");
    crowd
        .tool(&["delete", "--from", "/nonexistent/file"])
        .run()
        .assert_usage_error("/nonexistent/file");
    assert!(crowd.portal.requests().is_empty());
}
