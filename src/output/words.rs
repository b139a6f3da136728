//! Counted words, as a person writes them: "1 day", "2 days", "0 guests".

/// `n` and `word`, plural unless `n` is 1. The words counted are regular ("day",
/// "guest"): an "s" makes the plural.
pub fn count(n: u64, word: &str) -> String {
    match n {
        1 => format!("1 {word}"),
        n => format!("{n} {word}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn one_is_singular_the_rest_plural() {
        assert_eq!(count(1, "day"), "1 day");
        assert_eq!(count(0, "guest"), "0 guests");
        assert_eq!(count(180, "day"), "180 days");
    }
}
