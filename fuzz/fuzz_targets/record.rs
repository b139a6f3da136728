//! Reading a record for `restore`: any bytes end in the runs it holds or an error,
//! never a panic; and so do the same lines signed with the key, so that what follows
//! the MAC check (the kinds, fields, runs and sequence numbers) is reached too.
#![no_main]

use docspace_guest::fuzzing::record::{RecordKey, parse};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    // The seeds are signed with this key.
    let key = RecordKey::from_bytes(&[0; 32]);
    check(&key, data);
    let mut signed = Vec::with_capacity(data.len() + 128);
    for line in data.split(|&b| b == b'\n') {
        match serde_json::from_slice::<Value>(line) {
            Ok(value) if value.as_object().is_some_and(|o| !o.is_empty()) => {
                signed.extend(key.seal(&value).bytes());
            }
            _ => signed.extend(line),
        }
        signed.push(b'\n');
    }
    signed.pop();
    check(&key, &signed);
});

fn check(key: &RecordKey, data: &[u8]) {
    let Ok(contents) = parse(data, "fuzz.jsonl", key) else {
        return;
    };
    for run in &contents.runs {
        let mut last = 0;
        for entry in &run.changes {
            assert!(entry.seq > last, "changes in the order of their numbers");
            assert!(entry.line > run.line, "a change after its header");
            last = entry.seq;
        }
    }
    if let Some(torn) = &contents.torn {
        assert!(torn.starts_with("fuzz.jsonl:"), "{torn}");
    }
}
