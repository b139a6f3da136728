//! DocSpace HTML-encodes `displayName` (`O&#39;Neil &amp; Co`); people read it decoded.

pub fn decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let decoded = rest
            .find(';')
            .filter(|end| *end <= 10)
            .and_then(|end| entity(&rest[1..end]).map(|c| (c, end)));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn decodes_named_and_numeric_entities() {
        assert_eq!(decode("O&#39;Neil &amp; Co &lt;x&gt;"), "O'Neil & Co <x>");
        assert_eq!(decode("&#x41;&#66;&quot;"), "AB\"");
    }

    #[test]
    fn leaves_what_is_not_an_entity() {
        assert_eq!(
            decode("a & b; c &unknown; &#xZZ; &"),
            "a & b; c &unknown; &#xZZ; &"
        );
        assert_eq!(decode("Zoë"), "Zoë");
    }
}
