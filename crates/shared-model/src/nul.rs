//! NUL characters in Dapodik text.
//!
//! Text pasted into Dapodik (from Word, old exports) can carry U+0000, which JSON escapes as
//! `\u0000`. PostgreSQL stores it in neither `text` nor `jsonb`, so the district server
//! refuses such rows (on every backend alike, with the kind and index), and the helper
//! removes the escape from the Dapodik answer before parsing: the character carries no
//! meaning and a school must not be unable to send because of it.

use std::borrow::Cow;

/// Byte offsets of the `\u0000` escapes in JSON text (not `\\u0000`: an escaped backslash
/// followed by the letters `u0000`).
fn nul_escapes(json: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < json.len() {
            if json[i] != b'\\' {
                i += 1;
                continue;
            }
            let at = i;
            if json.get(at + 1..at + 6) == Some(b"u0000".as_slice()) {
                i = at + 6;
                return Some(at);
            }
            i = at + 2; // any other escape, including `\\`
        }
        None
    })
}

/// Whether JSON text contains an escaped NUL character.
pub fn has_nul_escape(json: &[u8]) -> bool {
    nul_escapes(json).next().is_some()
}

/// JSON text without its `\u0000` escapes (borrowed when there is none).
pub fn strip_nul_escapes(json: &[u8]) -> Cow<'_, [u8]> {
    let mut offsets = nul_escapes(json).peekable();
    if offsets.peek().is_none() {
        return Cow::Borrowed(json);
    }
    let mut out = Vec::with_capacity(json.len());
    let mut from = 0;
    for at in offsets {
        out.extend_from_slice(&json[from..at]);
        from = at + 6;
    }
    out.extend_from_slice(&json[from..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_only_real_nul_escapes() {
        assert!(has_nul_escape(br#"{"a":"x\u0000y"}"#));
        assert!(!has_nul_escape(br#"{"a":"x\\u0000"}"#), "escaped backslash");
        assert!(
            has_nul_escape(br#"{"a":"x\\\u0000"}"#),
            "backslash then NUL"
        );
        assert!(!has_nul_escape(&br#"{"a":"\u00001"}"#[..9]), "cut short");
        assert!(!has_nul_escape(br#"{"a":"x\u0001"}"#));
    }

    #[test]
    fn strips_them_and_keeps_everything_else() {
        let body = br#"{"nama":"Siti\u0000 Aminah","alamat":"Jl. \\u0000 \/ \"x\""}"#;
        let clean = strip_nul_escapes(body);
        assert_eq!(
            clean.as_ref(),
            br#"{"nama":"Siti Aminah","alamat":"Jl. \\u0000 \/ \"x\""}"#.as_slice()
        );
        let v: serde_json::Value = serde_json::from_slice(&clean).unwrap();
        assert_eq!(v["nama"], "Siti Aminah");
        assert!(matches!(strip_nul_escapes(b"[1,2]"), Cow::Borrowed(_)));
    }
}
