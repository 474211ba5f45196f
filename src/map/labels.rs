//! Label placement: every label goes to the first of eight positions around
//! its symbol where it overlaps no other label, no symbol and nothing
//! reserved (title, legend, scale bar, inset), and stays inside the map.
//! Labels are placed in priority order (strikes, then attacks, then bases);
//! a label that fits nowhere is left off and counted, never drawn on top of
//! another.
//!
//! Text is measured with the advance widths of the font the PNG is rendered
//! with, so the boxes are the boxes that will be drawn.

use super::projection::Rect;

/// The font every label, title and credit is set in.
pub const FONT_FAMILY: &str = "DejaVu Sans";

/// The font file, embedded so the PNG renders the same everywhere.
pub const FONT_DATA: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Measures text set in [`FONT_DATA`].
pub struct TextMeasure {
    face: ttf_parser::Face<'static>,
}

impl Default for TextMeasure {
    fn default() -> Self {
        TextMeasure {
            face: ttf_parser::Face::parse(FONT_DATA, 0).expect("the embedded font parses"),
        }
    }
}

impl TextMeasure {
    /// The advance width of `text` at `size` px. Characters the font lacks
    /// count as an em, which over- rather than under-states the box.
    pub fn width(&self, text: &str, size: f64) -> f64 {
        let em = f64::from(self.face.units_per_em());
        let units: f64 = text
            .chars()
            // Bidi isolates and marks take no room.
            .filter(|c| !matches!(*c as u32, 0x200B..=0x200F | 0x202A..=0x202E | 0x2066..=0x2069))
            .map(|c| {
                self.face
                    .glyph_index(c)
                    .and_then(|g| self.face.glyph_hor_advance(g))
                    .map_or(em, f64::from)
            })
            .sum();
        units * size / em
    }
}

/// A label to place next to a symbol at `(x, y)` of radius `r`.
#[derive(Clone, Debug)]
pub struct LabelRequest {
    /// The text.
    pub text: String,
    /// The symbol's centre.
    pub x: f64,
    /// The symbol's centre.
    pub y: f64,
    /// The symbol's radius.
    pub r: f64,
}

/// A placed label: its text, its box, and where its baseline starts.
#[derive(Clone, Debug, PartialEq)]
pub struct PlacedLabel {
    /// The text.
    pub text: String,
    /// The box the text occupies.
    pub bbox: Rect,
    /// Baseline start, x.
    pub x: f64,
    /// Baseline start, y.
    pub y: f64,
}

/// Places labels of `size` px within `bounds`, avoiding `obstacles`
/// (symbols and reserved areas) and each other. Returns the placed labels
/// and the texts that found no place.
pub fn place(
    requests: &[LabelRequest],
    size: f64,
    bounds: Rect,
    obstacles: &[Rect],
    measure: &TextMeasure,
) -> (Vec<PlacedLabel>, Vec<String>) {
    let mut placed: Vec<PlacedLabel> = Vec::new();
    let mut unplaced = Vec::new();
    let ascent = size * 0.76;
    let height = size * 1.2;
    for req in requests {
        let w = measure.width(&req.text, size);
        let gap = req.r + 3.0;
        // Right, left, then the four diagonals, then above and below:
        // the cartographic order of preference for point labels.
        let candidates = [
            (req.x + gap, req.y - height / 2.0),
            (req.x - gap - w, req.y - height / 2.0),
            (req.x + gap * 0.7, req.y - gap * 0.7 - height),
            (req.x + gap * 0.7, req.y + gap * 0.7),
            (req.x - gap * 0.7 - w, req.y - gap * 0.7 - height),
            (req.x - gap * 0.7 - w, req.y + gap * 0.7),
            (req.x - w / 2.0, req.y - gap - height),
            (req.x - w / 2.0, req.y + gap),
        ];
        let fit = candidates.iter().find_map(|&(x, y)| {
            let bbox = Rect { x, y, w, h: height };
            let free = bounds.contains(&bbox)
                && !obstacles.iter().any(|o| o.intersects(&bbox))
                && !placed.iter().any(|p| p.bbox.grow(1.0).intersects(&bbox));
            free.then_some(bbox)
        });
        match fit {
            Some(bbox) => placed.push(PlacedLabel {
                text: req.text.clone(),
                bbox,
                x: bbox.x,
                y: bbox.y + (height - size) / 2.0 + ascent,
            }),
            None => unplaced.push(req.text.clone()),
        }
    }
    (placed, unplaced)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounds() -> Rect {
        Rect {
            x: 0.0,
            y: 0.0,
            w: 400.0,
            h: 300.0,
        }
    }

    #[test]
    fn widths_come_from_the_font() {
        let m = TextMeasure::default();
        let w = m.width("Al-Asad Air Base", 13.0);
        assert!(w > 90.0 && w < 130.0, "{w}");
        assert!(m.width("WWW", 10.0) > m.width("iii", 10.0));
    }

    #[test]
    fn crowded_labels_never_overlap() {
        let m = TextMeasure::default();
        let requests: Vec<LabelRequest> = (0..12)
            .map(|i| LabelRequest {
                text: format!("Place number {i}"),
                x: 150.0 + f64::from(i % 3) * 4.0,
                y: 120.0 + f64::from(i / 3) * 4.0,
                r: 4.0,
            })
            .collect();
        let symbols: Vec<Rect> = requests
            .iter()
            .map(|r| Rect {
                x: r.x - r.r,
                y: r.y - r.r,
                w: 2.0 * r.r,
                h: 2.0 * r.r,
            })
            .collect();
        let (placed, unplaced) = place(&requests, 12.0, bounds(), &symbols, &m);
        assert_eq!(placed.len() + unplaced.len(), 12);
        assert!(!placed.is_empty() && !unplaced.is_empty());
        for (i, a) in placed.iter().enumerate() {
            assert!(bounds().contains(&a.bbox));
            assert!(symbols.iter().all(|s| !s.intersects(&a.bbox)));
            for b in &placed[i + 1..] {
                assert!(!a.bbox.intersects(&b.bbox), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn a_label_prefers_the_right_of_its_symbol() {
        let m = TextMeasure::default();
        let req = LabelRequest {
            text: "Jurf al-Sakhar".into(),
            x: 100.0,
            y: 100.0,
            r: 5.0,
        };
        let (placed, _) = place(&[req], 12.0, bounds(), &[], &m);
        assert!(placed[0].bbox.x > 100.0);
    }
}
