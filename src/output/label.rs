//! Human text made from a feature's properties (a map label, a popup
//! summary), and escaping for the markup it goes into.
//!
//! Report text is untrusted: a place or note containing `<script>` must
//! show as text wherever it is displayed, so every value is escaped before
//! it is put into KML or a Datawrapper tooltip.

use std::borrow::Cow;

use geojson::{Feature, JsonValue};

fn text<'a>(feature: &'a Feature, name: &str) -> Option<&'a str> {
    match feature.property(name) {
        Some(JsonValue::String(s)) if !s.is_empty() => Some(s),
        _ => None,
    }
}

/// A short label: the feature's own `title` or `label` if it has one, a
/// base's name, or an event's place and date ("Jurf al-Sakhar, 2024-01-24").
pub fn title(feature: &Feature) -> String {
    for given in ["title", "label", "name"] {
        if let Some(text) = text(feature, given) {
            return text.to_string();
        }
    }
    let place = text(feature, "place_name").or_else(|| text(feature, "place"));
    match (place, text(feature, "date")) {
        (Some(p), Some(d)) => format!("{p}, {d}"),
        (Some(p), None) => p.to_string(),
        (None, Some(d)) => d.to_string(),
        (None, None) => String::new(),
    }
}

/// The lines of a popup, plain text: what happened, where and how
/// precisely, casualties, and the reports it rests on.
pub fn summary(feature: &Feature) -> Vec<String> {
    let mut lines = Vec::new();
    let joined = |names: &[&str], sep: &str| {
        let parts: Vec<&str> = names.iter().filter_map(|n| text(feature, n)).collect();
        (!parts.is_empty()).then(|| parts.join(sep))
    };
    if let Some(what) = joined(&["date", "kind", "subtype"], " · ") {
        lines.push(what);
    }
    if let Some(who) = joined(&["actor", "target"], " → ") {
        lines.push(who);
    }
    for (label, low, high) in [
        ("killed", "killed_low", "killed_high"),
        ("injured", "injured_low", "injured_high"),
    ] {
        let n = |name| feature.property(name).and_then(JsonValue::as_u64);
        match (n(low), n(high)) {
            (Some(l), Some(h)) if l != h => lines.push(format!("{label}: {l}–{h}")),
            (Some(l), Some(_)) => lines.push(format!("{label}: {l}")),
            // Only a lower bound was reported ("several killed").
            (Some(l), None) => lines.push(format!("{label}: at least {l}")),
            (None, Some(h)) => lines.push(format!("{label}: up to {h}")),
            (None, None) => {}
        }
    }
    if let Some(precision) = text(feature, "precision") {
        let within = feature
            .property("uncertainty_m")
            .and_then(JsonValue::as_u64)
            .map(|m| format!(" (within {} km)", (m as f64 / 1000.0).round().max(1.0)))
            .unwrap_or_default();
        lines.push(format!("located to {precision} precision{within}"));
    }
    if let Some(place) = joined(&["admin1", "country"], ", ") {
        lines.push(place);
    }
    if let Some(sources) = text(feature, "sources").or_else(|| text(feature, "source")) {
        lines.push(format!("sources: {}", sources.replace(';', "; ")));
    }
    lines
}

/// The feature id as text (ids are strings here; a number is written as
/// JSON writes it).
pub fn feature_id(feature: &Feature) -> Option<String> {
    match &feature.id {
        Some(geojson::feature::Id::String(s)) => Some(s.clone()),
        Some(geojson::feature::Id::Number(n)) => Some(n.to_string()),
        None => None,
    }
}

/// Escapes text for the content of an XML or HTML element. Control
/// characters that XML 1.0 cannot carry at all become U+FFFD, so a stray
/// byte in a report cannot make a file unreadable.
pub fn escape_markup(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// Escapes text for a double- or single-quoted attribute value.
pub fn escape_attribute(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

/// Text with nothing to escape (most values) is borrowed as it is: a KML
/// file escapes a dozen short values a feature, and a new string for each
/// was a twentieth of a build with the defaults.
fn escape(text: &str, quotes: bool) -> Cow<'_, str> {
    let plain = |b: u8| match b {
        b'&' | b'<' | b'>' | 0xEF => false,
        b'"' | b'\'' => !quotes,
        b'\t' | b'\n' | b'\r' => true,
        b => b >= 0x20,
    };
    // 0xEF starts U+FFFE and U+FFFF (and other characters, which go the
    // long way for nothing).
    if text.bytes().all(plain) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if quotes => out.push_str("&quot;"),
            '\'' if quotes => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_is_borrowed_only_when_escaping_would_not_change_it() {
        // Every ASCII character, and the characters near the escaped ones
        // in UTF-8, each alone and among plain text.
        let mut texts: Vec<String> = (0..0x80_u8).map(|b| char::from(b).to_string()).collect();
        for c in [
            '\u{FFFD}', '\u{FFFE}', '\u{FFFF}', '\u{EFBF}', 'ﾾ', 'ج', '€', '𝄞',
        ] {
            texts.push(c.to_string());
        }
        let around: Vec<String> = texts
            .iter()
            .map(|t| format!("Jurf {t} al-Sakhar"))
            .collect();
        for text in texts.iter().chain(&around) {
            for quotes in [false, true] {
                let escaped = escape(text, quotes);
                let by_characters: String = text
                    .chars()
                    .map(|c| match c {
                        '&' => "&amp;".to_string(),
                        '<' => "&lt;".to_string(),
                        '>' => "&gt;".to_string(),
                        '"' if quotes => "&quot;".to_string(),
                        '\'' if quotes => "&#39;".to_string(),
                        '\t' | '\n' | '\r' => c.to_string(),
                        c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                            '\u{FFFD}'.to_string()
                        }
                        c => c.to_string(),
                    })
                    .collect();
                assert_eq!(escaped, by_characters, "{text:?}");
                if matches!(escaped, Cow::Borrowed(_)) {
                    assert_eq!(escaped, text.as_str());
                }
            }
        }
        assert!(matches!(
            escape_markup("Al-Asad \"base\""),
            Cow::Borrowed(_)
        ));
        assert!(matches!(
            escape_attribute("Al-Asad \"base\""),
            Cow::Owned(_)
        ));
    }

    fn feature(props: serde_json::Value) -> Feature {
        Feature {
            bbox: None,
            geometry: None,
            id: None,
            properties: props.as_object().cloned(),
            foreign_members: None,
        }
    }

    #[test]
    fn titles_name_bases_and_date_events() {
        assert_eq!(title(&feature(json!({"name": "Tower 22"}))), "Tower 22");
        let e = feature(json!({"place_name": "Jurf al-Sakhar", "date": "2024-01-24"}));
        assert_eq!(title(&e), "Jurf al-Sakhar, 2024-01-24");
    }

    #[test]
    fn summary_gives_ranges_precision_and_sources() {
        let e = feature(json!({
            "date": "2024-01-24", "kind": "strike", "subtype": "airstrike",
            "killed_low": 2, "killed_high": 8, "injured_low": null, "injured_high": 3,
            "precision": "town", "uncertainty_m": 5000, "sources": "a.txt;b.txt"
        }));
        assert_eq!(
            summary(&e),
            [
                "2024-01-24 · strike · airstrike",
                "killed: 2–8",
                "injured: up to 3",
                "located to town precision (within 5 km)",
                "sources: a.txt; b.txt"
            ]
        );
    }

    #[test]
    fn a_low_figure_alone_is_a_lower_bound() {
        let e = feature(json!({"killed_low": 2, "killed_high": null}));
        assert_eq!(summary(&e), ["killed: at least 2"]);
    }

    #[test]
    fn markup_is_escaped_and_control_characters_replaced() {
        let text = "<script>alert('x')</script> & \"q\"\u{1}";
        assert_eq!(
            escape_markup(text),
            "&lt;script&gt;alert('x')&lt;/script&gt; &amp; \"q\"\u{FFFD}"
        );
        assert_eq!(
            escape_attribute(text),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;\u{FFFD}"
        );
    }
}
