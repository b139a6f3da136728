//! What the portal's release means for removing guests. From 3.7.1 a 200 from
//! `DELETE /people/guests` proves every id was removed (any bad id refuses the whole
//! call); before, ids that are not the caller's active guests are skipped with the same
//! 200, and only room admins may call it. `settings/version/build` tells the release,
//! but reads "3.1.0" (or "1.0.0") on a deployment that configured none, so only a
//! release it names at 3.7.1 or later is taken at its word.

use serde_json::Value;

use crate::error::Error;
use crate::portal::Portal;
use crate::portal::answers;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemovalRule {
    /// 3.7.1 and later: a 200 covers every id sent.
    AllOrNothing,
    /// Older, or not known: a 200 proves nothing about an id that was not one of the
    /// caller's active guests. `release` is the version the portal reported, when it
    /// is not a placeholder.
    MaySkip { release: Option<String> },
}

impl RemovalRule {
    /// "DocSpace 3.5.0" or "a DocSpace release that does not say which".
    pub fn describe(&self) -> String {
        match self {
            RemovalRule::MaySkip {
                release: Some(release),
            } => format!("DocSpace {release}"),
            _ => "this portal's release (it does not say which)".to_string(),
        }
    }
}

/// One anonymous request. An answer that names no version is "not known", which is
/// treated as an old release: the careful reading costs a few requests, never a
/// wrong report.
pub fn removal_rule(portal: &Portal) -> Result<RemovalRule, Error> {
    Ok(rule_for(reported_version(portal)?.as_deref()))
}

/// The release as the portal reports it (one anonymous request); `None` when its
/// answer names none.
pub fn reported_version(portal: &Portal) -> Result<Option<String>, Error> {
    let reply = portal.release()?;
    Ok(answers::success_envelope(&reply)
        .filter(|_| reply.status == 200)
        .and_then(|e| {
            e.pointer("/response/docSpace")
                .and_then(Value::as_str)
                .map(|v| v.trim().to_string())
        }))
}

/// For people: "DocSpace 3.7.2", or what the portal said and why it is no proof.
pub fn describe_reported(version: Option<&str>) -> String {
    match (version, rule_for(version)) {
        (None, _) => "not told (the portal's answer names no version)".to_string(),
        (Some(v), RemovalRule::MaySkip { release: None }) => {
            format!(
                "not named (the portal reports {v:?}, which deployments without a version also report)"
            )
        }
        (Some(v), _) => format!("DocSpace {v}"),
    }
}

pub fn rule_for(version: Option<&str>) -> RemovalRule {
    let Some((text, number)) = version.and_then(|v| parse(v).map(|n| (v.trim(), n))) else {
        return RemovalRule::MaySkip { release: None };
    };
    if number >= (3, 7, 1) {
        return RemovalRule::AllOrNothing;
    }
    // The placeholders of a deployment that configured no version.
    let named = !matches!(number, (3, 1, 0) | (1, 0, 0));
    RemovalRule::MaySkip {
        release: named.then(|| text.to_string()),
    }
}

/// "3.7.2" or "3.7.2.1234": the first three numbers.
fn parse(text: &str) -> Option<(u32, u32, u32)> {
    let mut parts = text.trim().split('.').map(|p| p.parse::<u32>().ok());
    let major = parts.next()??;
    let minor = parts.next()??;
    let patch = parts.next().unwrap_or(Some(0))?;
    Some((major, minor, patch))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_named_release_from_3_7_1_is_all_or_nothing() {
        assert_eq!(rule_for(Some("3.7.1")), RemovalRule::AllOrNothing);
        assert_eq!(rule_for(Some("3.7.2.1503")), RemovalRule::AllOrNothing);
        assert_eq!(rule_for(Some("4.0")), RemovalRule::AllOrNothing);
        assert_eq!(
            rule_for(Some("3.7.0")),
            RemovalRule::MaySkip {
                release: Some("3.7.0".into())
            }
        );
        for unknown in [Some("3.1.0"), Some("1.0.0"), Some("x"), Some(""), None] {
            assert_eq!(
                rule_for(unknown),
                RemovalRule::MaySkip { release: None },
                "{unknown:?}"
            );
        }
    }
}
