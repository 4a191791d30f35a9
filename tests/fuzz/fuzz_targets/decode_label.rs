//! Feeds arbitrary bytes to the label decoder, the URL extractor and the human-code parser.
//! None may panic; whatever decodes must encode back to the same text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tasdiq::domain::code::Label;
use tasdiq::domain::humancode::{HumanCode, ShortCodeKey};
use tasdiq::verify::code_from_input;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let code = code_from_input(text);
    if let Ok(label) = Label::parse(code) {
        assert_eq!(label.to_code(), code);
        assert_eq!(Label::from_bytes(&label.to_bytes()), Ok(label));
    }
    let key = ShortCodeKey::from_bytes([7; 32]);
    if let Ok(h) = HumanCode::parse(text, &key) {
        assert_eq!(HumanCode::parse(&h.encode(&key), &key), Ok(h));
    }
    let _ = HumanCode::normalise(text);
});
