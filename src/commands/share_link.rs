//! `share-link`: a guest's short sharing link, for another admin to approve.

use serde_json::{Value, json};

use super::Context;
use super::targets::guest_id;
use crate::config::Options;
use crate::error::Error;
use crate::portal::answers;

pub fn share_link(options: &Options, id: &str) -> Result<(), Error> {
    let id = guest_id(id)?;
    let ctx = Context::open(options)?;
    let (portal, out) = (&ctx.portal, &ctx.out);
    let id = id.as_str();
    let reply = portal.sharing_link(id)?;
    if reply.status != 200 {
        return Err(answers::refusal("the sharing link", &reply));
    }
    let link = answers::success_envelope(&reply)
        .and_then(|e| {
            e.get("response")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .ok_or_else(|| {
            Error::Server("the portal answered 200 but without a link in response".into())
        })?;
    out.say(&format!("Guest sharing link for {id}: {link}"))?;
    out.say(
        "Send it to the other admin, who runs: docspace-guest approve --email EMAIL --link LINK",
    )?;
    out.quiet_line(&link)?;
    out.result(
        "share-link",
        true,
        Some(200),
        json!({ "id": id, "link": link }),
    )
}
