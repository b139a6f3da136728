//! `whoami`: who the credential acts as, on which release, with which scopes.

use serde_json::json;

use super::Context;
use crate::config::{self, Options};
use crate::error::Error;
use crate::portal::{people, release};

/// Who the credential acts as, on which release, with which scopes: what a key needs
/// to be made no stronger than the job (README, "Privileges").
pub fn whoami(options: &Options) -> Result<(), Error> {
    let ctx = Context::open(options)?;
    let (portal, out) = (&ctx.portal, &ctx.out);
    let me = people::account(&portal.whoami()?)?;
    let version = release::reported_version(portal)?;
    let scopes = portal.key_scopes()?;
    let kind = me.kind.describe();
    let scopes_shown = match (&scopes, portal.uses_api_key()) {
        (Some(scopes), _) if scopes.is_empty() => "none".to_string(),
        (Some(scopes), _) => scopes.join(", "),
        (None, true) => "not told (keys/@self came with DocSpace 3.1)".to_string(),
        (None, false) => {
            "none: not an API key (a token acts with all of its account's rights)".to_string()
        }
    };
    out.say(&format!("{} <{}>", me.name, me.email))?;
    out.say(&format!("id: {}", me.id))?;
    out.say(&format!("type: {kind}"))?;
    out.say(&format!("key scopes: {scopes_shown}"))?;
    out.say(&format!("portal: {}", portal.origin()))?;
    out.say(&format!(
        "release: {}",
        release::describe_reported(version.as_deref())
    ))?;
    let settings = config::provenance(options)?;
    for (setting, origin) in &settings {
        out.say(&format!("setting: {setting} (from {origin})"))?;
    }
    let settings: Vec<_> = settings
        .iter()
        .map(|(setting, origin)| json!({ "setting": setting, "from": origin }))
        .collect();
    out.quiet_line(&me.id)?;
    out.result(
        "whoami",
        true,
        Some(200),
        json!({ "id": me.id, "email": me.email, "displayName": me.name, "type": kind,
                "scopes": scopes, "release": version, "settings": settings }),
    )
}
