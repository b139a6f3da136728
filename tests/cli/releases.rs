//! Every release from 3.0 to 3.7.2: what approve and delete do on each, and what a 200
//! from delete proves.

use serde_json::{Value, json};

use crate::util::{RELEASE_CHECK, Tool, api_requests, json_of, tool_as};
use fake_portal::{FakePortal, Release, Role};

/// A portal playing one release, with the two kinds of caller that remove guests.
struct Staff {
    portal: FakePortal,
    sharer: String,
    admin: String,
    admin_key: String,
    room_admin: String,
    room_key: String,
}

fn staffed(release: Release, configured: bool) -> Staff {
    let portal = FakePortal::start();
    portal.set_release(release, configured);
    let sharer = portal.add_user(Role::Admin, "Alice", "Sharer", "alice@example.com");
    let admin = portal.add_user(Role::Admin, "Dan", "Admin", "dan@example.com");
    let admin_key = portal.add_api_key(&admin, &["accounts:read", "accounts:write"]);
    let room_admin = portal.add_user(Role::RoomAdmin, "Rita", "Rooms", "rita@example.com");
    let room_key = portal.add_api_key(&room_admin, &["accounts:read", "accounts:write"]);
    Staff {
        portal,
        sharer,
        admin,
        admin_key,
        room_admin,
        room_key,
    }
}

impl Staff {
    /// A guest the sharer invited, and the full sharing link the sharer made for them.
    fn shared_guest(&self, first: &str, email: &str) -> (String, String) {
        let guest = self
            .portal
            .invite_guest(&self.sharer, first, "Guest", email);
        let link = self
            .portal
            .full_url(&self.portal.share_guest(&self.sharer, &guest));
        (guest, link)
    }

    fn tool(&self, key: &str, args: &[&str]) -> Tool {
        tool_as(&self.portal, key, args)
    }

    fn deletes(&self) -> Vec<Value> {
        api_requests(&self.portal)
            .iter()
            .filter(|r| r.method == "DELETE")
            .map(|r| json_of(&r.body)["userIds"].clone())
            .collect()
    }
}

/// How the tool names a release: "3.1.0" is also what an unconfigured one reports.
fn named(release: Release) -> String {
    match release.number() {
        "3.1.0" => "this portal's release (it does not say which)".to_string(),
        number => format!("DocSpace {number}"),
    }
}

#[test]
fn run_is_exact_on_every_release() {
    for release in Release::ALL {
        let staff = staffed(release, true);
        let (guest, link) = staff.shared_guest("Gina", "gina@example.com");
        let args = ["run", "--email", "gina@example.com", "--link", &link];
        // approve alone, with another guest.
        let (ann, ann_link) = staff.shared_guest("Ann", "ann@example.com");
        let approved = staff
            .tool(
                &staff.room_key,
                &[
                    "approve",
                    "-q",
                    "--email",
                    "ann@example.com",
                    "--link",
                    &ann_link,
                ],
            )
            .run();
        if release == Release::V3_0 {
            approved.assert_error(1, "this portal has no guest approval (404)");
        } else {
            approved.assert_exit(0);
            assert_eq!(approved.stdout, format!("{ann}\n"), "{release:?}");
        }
        let out = staff.tool(&staff.room_key, &args).run();
        if release == Release::V3_0 {
            out.assert_error(1, "this portal has no guest approval (404)");
            out.assert_stdout_has("Status Code: 404");
            assert!(staff.deletes().is_empty(), "{release:?}: nothing deleted");
            continue;
        }
        out.assert_exit(0);
        assert!(
            out.stdout
                .ends_with(&format!("Guest with ID {guest} deleted successfully.\n")),
            "{release:?}: {}",
            out.stdout
        );
        assert_eq!(staff.deletes(), vec![json!([guest])], "{release:?}");
        assert_eq!(
            staff.portal.guest_list(&staff.room_admin),
            vec![ann.clone()]
        );
        // The approval of an active guest proves the removal: the release is not asked.
        let sent = staff.portal.requests().len();
        assert_eq!(
            sent, 3,
            "{release:?}: approve, then run's approve and delete"
        );
    }
}

/// Old releases refuse DocSpace admins at delete, so a 200 to one proves the removal;
/// a 403 is explained by asking the release then, and only then.
#[test]
fn run_by_a_docspace_admin_asks_the_release_only_to_explain_a_refusal() {
    for release in Release::ALL {
        if release == Release::V3_0 {
            continue;
        }
        let staff = staffed(release, true);
        let (_, link) = staff.shared_guest("Gina", "gina@example.com");
        let args = ["run", "--email", "gina@example.com", "--link", &link];
        let out = staff.tool(&staff.admin_key, &args).run();
        let asked = staff
            .portal
            .requests()
            .iter()
            .filter(|r| r.path == RELEASE_CHECK)
            .count();
        if release.delete_skips_silently() {
            out.assert_error(4, "lets only room admins remove guests from their lists");
            out.assert_stdout_has("Status Code (delete): 403");
            assert_eq!(asked, 1, "{release:?}: asked to explain the 403");
        } else {
            out.assert_exit(0);
            assert_eq!(asked, 0, "{release:?}");
            assert_eq!(staff.portal.requests().len(), 2, "{release:?}");
        }
    }
}

#[test]
fn before_3_5_the_body_email_names_the_guest_and_the_answer_says_so() {
    for (release, approved) in [
        (Release::V3_1, "bob@example.com"),
        (Release::V3_5, "gina@example.com"),
    ] {
        let staff = staffed(release, true);
        let gina = staff
            .portal
            .invite_guest(&staff.sharer, "Gina", "Guest", "gina@example.com");
        let bob = staff
            .portal
            .invite_guest(&staff.sharer, "Bob", "Other", "bob@example.com");
        let link = staff
            .portal
            .full_url(&staff.portal.share_guest(&staff.sharer, &gina));
        // The link is Gina's; --email names Bob.
        let out = staff
            .tool(
                &staff.room_key,
                &["run", "--email", "bob@example.com", "--link", &link],
            )
            .run();
        out.assert_exit(0);
        let id = if approved == "bob@example.com" {
            &bob
        } else {
            &gina
        };
        assert!(
            out.stdout.contains(&format!("({approved})\n"))
                && out.stdout.contains(&format!("Guest with ID {id} deleted")),
            "{release:?}: {}",
            out.stdout
        );
        assert_eq!(staff.deletes(), vec![json!([id])], "{release:?}");
        let warned = out
            .stderr
            .contains("the portal approved gina@example.com, not --email bob@example.com");
        assert_eq!(
            warned,
            release == Release::V3_5,
            "{release:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn delete_reports_removed_only_what_the_portal_removed_on_every_release() {
    for release in Release::ALL {
        let staff = staffed(release, true);
        let mine = staff
            .portal
            .own_guest(&staff.room_admin, "mine@example.com");
        let disabled = staff.portal.own_guest(&staff.room_admin, "off@example.com");
        staff.portal.set_status(&disabled, 2);
        let theirs = staff.portal.someone_elses_guest("theirs@example.com");
        let out = staff
            .tool(&staff.room_key, &["delete", &mine, &theirs, &disabled])
            .run();
        out.assert_exit(5);
        out.assert_stdout_has(&format!("Guest with ID {mine} deleted successfully."));
        for other in [&theirs, &disabled] {
            assert!(
                out.stdout
                    .contains(&format!("Guest with ID {other} not deleted: ")),
                "{release:?}: {}",
                out.stdout
            );
        }
        out.assert_stdout_ends_with("1 removed, 2 failed\n");
        assert!(staff.portal.guest_list(&staff.room_admin) == vec![disabled.clone()]);
        if release.delete_skips_silently() {
            // Only the id the portal will really remove is sent, and the others say why.
            assert_eq!(staff.deletes(), vec![json!([mine])], "{release:?}");
            out.assert_stdout_has(&format!(
                    "{theirs} not deleted: it is not one of your active guests, and {} answers 200 without removing such an id; not sent",
                    named(release)
                ));
        } else {
            // All or nothing: refused whole, then id by id.
            assert_eq!(staff.deletes().len(), 4, "{release:?}");
            let paths: Vec<String> = api_requests(&staff.portal)
                .iter()
                .map(|r| r.path.clone())
                .collect();
            assert!(
                !paths
                    .iter()
                    .any(|p| p.ends_with("/@self") || p.ends_with("/filter")),
                "3.7.1+ needs no reads: {paths:?}"
            );
        }
    }
}

#[test]
fn a_docspace_admin_is_told_why_an_old_release_refuses_and_permanent_works_everywhere() {
    for release in Release::ALL {
        let staff = staffed(release, true);
        let mine = staff.portal.own_guest(&staff.admin, "mine@example.com");
        let other = staff.portal.own_guest(&staff.admin, "other@example.com");
        let out = staff
            .tool(&staff.admin_key, &["delete", &mine, &other])
            .run();
        if release == Release::V3_1 {
            // It reports "3.1.0", a placeholder too: the ids are tried one by one.
            out.assert_error(4, "none of the 2 guests were removed");
            out.assert_stdout_has(
                "such a release lets only room admins remove guests from their lists",
            );
        } else if release.delete_skips_silently() {
            out.assert_error(4, "none of the 2 guests were removed");
            out.assert_stdout_has(&format!(
                    "this portal's release (DocSpace {}) lets only room admins remove guests from their lists",
                    release.number()
                ));
            assert_eq!(
                staff.deletes().len(),
                1,
                "{release:?}: not retried id by id"
            );
        } else {
            out.assert_exit(0);
        }
        let out = staff
            .tool(&staff.admin_key, &["delete", "--permanent", "--yes", &mine])
            .run();
        out.assert_exit(0);
        out.assert_stdout_has(&format!("Guest with ID {mine} deleted permanently."));
        assert!(staff.portal.user(&mine).is_none(), "{release:?}");
    }
}

#[test]
fn a_release_the_portal_does_not_name_is_read_carefully() {
    // 3.5 and 3.7.2 deployments that configured no version both report "3.1.0".
    for release in [Release::V3_5, Release::V3_7_2] {
        let staff = staffed(release, false);
        let mine = staff
            .portal
            .own_guest(&staff.room_admin, "mine@example.com");
        let theirs = staff.portal.someone_elses_guest("theirs@example.com");
        let out = staff
            .tool(&staff.room_key, &["delete", &mine, &theirs])
            .run();
        out.assert_exit(5);
        out.assert_stdout_has(&format!("{mine} deleted successfully."));
        out.assert_stdout_has("this portal's release (it does not say which) answers 200");
        assert_eq!(staff.deletes(), vec![json!([mine])], "{release:?}");
    }
    let staff = staffed(Release::V3_5, false);
    let mine = staff.portal.own_guest(&staff.admin, "mine@example.com");
    let out = staff.tool(&staff.admin_key, &["delete", &mine]).run();
    out.assert_error(
        4,
        "such a release lets only room admins remove guests from their lists",
    );
}
