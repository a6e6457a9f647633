//! Turns a source file's bytes into text: UTF-8 with or without a BOM. Files
//! saved as UTF-16, files that are not UTF-8 and binary files are refused with
//! a diagnostic that shows the file's opening as the writer's editor shows it.
//! It does not look at the front matter.

use crate::diagnostic::Diagnostic;

/// The file's text without its byte-order mark, or why it is not text.
pub(super) fn decode_text(display_path: &str, bytes: &[u8]) -> Result<String, Diagnostic> {
    if let Some(kind) = utf16_kind(bytes) {
        return Err(utf16_error(display_path, bytes, kind));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let lossy = String::from_utf8_lossy(bytes);
            let at = e.valid_up_to();
            return Err(Diagnostic::at(
                display_path,
                &lossy,
                at..at + 1,
                "this file is not valid UTF-8 text",
            )
            .with_help(
                "save the file as UTF-8 in your editor (is it a binary file with a .md name?)",
            ));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).to_string();
    if let Some(nul) = text.find('\0') {
        return Err(Diagnostic::at(
            display_path,
            &text,
            nul..nul + 1,
            "this file contains a NUL byte: it looks like binary data, not Markdown",
        )
        .with_help("remove the file from content/ or save it as plain text"));
    }
    Ok(text)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Utf16 {
    LittleEndian,
    BigEndian,
}

impl Utf16 {
    fn name(self) -> &'static str {
        match self {
            Utf16::LittleEndian => "UTF-16 LE",
            Utf16::BigEndian => "UTF-16 BE",
        }
    }
}

/// UTF-16 (Windows Notepad and some editors save so): by its byte-order mark,
/// or, without one, by the zero byte beside every ASCII character of its opening.
fn utf16_kind(bytes: &[u8]) -> Option<Utf16> {
    match bytes {
        [0xff, 0xfe, ..] => return Some(Utf16::LittleEndian),
        [0xfe, 0xff, ..] => return Some(Utf16::BigEndian),
        _ => {}
    }
    let head = &bytes[..bytes.len().min(64) & !1];
    if head.len() < 4 {
        return None;
    }
    let pairs = || head.chunks_exact(2);
    if pairs().all(|p| p[0] != 0 && p[1] == 0) {
        Some(Utf16::LittleEndian)
    } else if pairs().all(|p| p[0] == 0 && p[1] != 0) {
        Some(Utf16::BigEndian)
    } else {
        None
    }
}

fn utf16_error(display_path: &str, bytes: &[u8], kind: Utf16) -> Diagnostic {
    // Shown decoded, so the writer recognises the file.
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|p| match kind {
            Utf16::BigEndian => u16::from_be_bytes([p[0], p[1]]),
            Utf16::LittleEndian => u16::from_le_bytes([p[0], p[1]]),
        })
        .collect();
    let decoded = String::from_utf16_lossy(&units);
    let decoded = decoded.trim_start_matches('\u{feff}');
    Diagnostic::at(
        display_path,
        decoded,
        0..1,
        format!("this file is {} text; huddle reads UTF-8", kind.name()),
    )
    .with_help("save the file as UTF-8 in your editor (in VS Code: click the encoding in the status bar, then \"Save with Encoding\" and \"UTF-8\")")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_is_named_with_its_first_line_decoded() {
        let mut bytes = vec![0xff, 0xfe];
        for u in "---\ntitle: A\n".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        let d = decode_text("content/a.md", &bytes).unwrap_err();
        assert!(d.message.contains("UTF-16 LE"), "{d}");
        assert_eq!(d.source_line.as_deref(), Some("---"));
        let be: Vec<u8> = "---\ntitle"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert!(
            decode_text("a", &be)
                .unwrap_err()
                .message
                .contains("UTF-16 BE")
        );
    }

    #[test]
    fn bom_is_dropped_and_binary_refused() {
        assert_eq!(decode_text("a", "\u{feff}x".as_bytes()).unwrap(), "x");
        assert!(
            decode_text("a", b"ab\0cd")
                .unwrap_err()
                .message
                .contains("NUL")
        );
        assert!(
            decode_text("a", &[b'a', 0xc3, 0x28])
                .unwrap_err()
                .message
                .contains("UTF-8")
        );
    }
}
