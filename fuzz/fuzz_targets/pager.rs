//! Paging through whatever a portal (or a broken cache in front of it) answers: any
//! sequence of pages, with any `total`, ids and lengths, ends within the bound the first
//! `total` sets, and each id is counted once.
#![no_main]

use std::collections::HashSet;

use docspace_guest::fuzzing::people::Pager;
use libfuzzer_sys::fuzz_target;

const PAGE_SIZE: usize = 4;

fuzz_target!(|data: &[u8]| {
    let mut pager = Pager::new(PAGE_SIZE);
    let mut bytes = data.iter().copied();
    let mut pages = 0u64;
    let mut first_total = None;
    let mut counted = HashSet::new();
    while pager.next_start().is_some() {
        // A page: its length, whether it has a total and which, then its ids (a
        // small range, so that repeats are common; 255 is an entry without an id).
        let Some(header) = bytes.next() else {
            let _ = pager.take(&[], None);
            break;
        };
        let len = usize::from(header % (PAGE_SIZE as u8 + 2)).min(PAGE_SIZE);
        let total = (header & 0x80 != 0).then(|| u64::from(bytes.next().unwrap_or(0)));
        let ids: Vec<Option<u128>> = (0..len)
            .map(|_| bytes.next().unwrap_or(0))
            .map(|b| (b != 255).then_some(u128::from(b % 32)))
            .collect();
        if pages == 0 {
            first_total = Some(total);
        }
        pages += 1;
        let Ok(fresh) = pager.take(&ids, total) else {
            assert!(pager.next_start().is_none(), "broken paging ends the reading");
            break;
        };
        for (id, fresh) in ids.iter().zip(fresh) {
            if fresh {
                assert!(counted.insert(id.unwrap()), "{id:?} counted twice");
            }
        }
    }
    if let Some(Some(total)) = first_total {
        assert!(pages <= total.div_ceil(PAGE_SIZE as u64) + 1, "{pages} pages for {total}");
    }
    assert_eq!(pager.counted(), counted.len());
});
