//! One colour scheme for every output that carries styling (KML styles,
//! Datawrapper markers), so strikes, attacks and bases look the same
//! wherever a desk opens them.
//!
//! The colours are from the Okabe–Ito palette, chosen to stay distinct under
//! the common forms of colour blindness: vermillion strikes against blue
//! attacks, with bases in black as the neutral reference. The analytic
//! layers reuse them: rings in the bases' black, links in the strikes'
//! vermillion, uncertainty areas in the colour of their event's kind.

use super::geometry::GeometryKind;

/// How one layer is drawn and named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerStyle {
    /// The layer's name, as in file and table names.
    pub layer: &'static str,
    /// A human title for legends and folder names.
    pub title: &'static str,
    /// Marker colour, `#RRGGBB`.
    pub colour: &'static str,
    /// The Google Earth icon KML points at (point layers).
    pub kml_icon: &'static str,
    /// The geometry of every feature of the layer.
    pub geometry: GeometryKind,
    /// simplestyle `marker-symbol`: a Maki icon name (point layers).
    pub marker_symbol: &'static str,
    /// simplestyle `marker-size` (point layers).
    pub marker_size: &'static str,
}

const KML_ICONS: &str = "http://maps.google.com/mapfiles/kml/shapes/";

/// Strikes: vermillion.
pub const STRIKES: LayerStyle = LayerStyle {
    layer: "strikes",
    title: "Strikes",
    colour: "#D55E00",
    kml_icon: "placemark_circle.png",
    geometry: GeometryKind::Point,
    marker_symbol: "danger",
    marker_size: "medium",
};

/// Attacks: blue.
pub const ATTACKS: LayerStyle = LayerStyle {
    layer: "attacks",
    title: "Attacks",
    colour: "#0072B2",
    kml_icon: "placemark_circle.png",
    geometry: GeometryKind::Point,
    marker_symbol: "rocket",
    marker_size: "medium",
};

/// Bases: black.
pub const BASES: LayerStyle = LayerStyle {
    layer: "bases",
    title: "Bases",
    colour: "#000000",
    kml_icon: "airports.png",
    geometry: GeometryKind::Point,
    marker_symbol: "airfield",
    marker_size: "small",
};

/// Range rings around the bases: black outlines.
pub const RINGS: LayerStyle = LayerStyle {
    layer: "rings",
    title: "Range rings",
    colour: "#000000",
    kml_icon: "",
    geometry: GeometryKind::Polygon,
    marker_symbol: "",
    marker_size: "",
};

/// Strike-to-base links: vermillion lines.
pub const LINKS: LayerStyle = LayerStyle {
    layer: "links",
    title: "Strike-to-base links",
    colour: "#D55E00",
    kml_icon: "",
    geometry: GeometryKind::LineString,
    marker_symbol: "",
    marker_size: "",
};

/// Uncertainty areas of events located coarser than a site.
pub const UNCERTAINTY: LayerStyle = LayerStyle {
    layer: "uncertainty",
    title: "Location uncertainty",
    colour: "#999999",
    kml_icon: "",
    geometry: GeometryKind::Polygon,
    marker_symbol: "",
    marker_size: "",
};

/// Opacity of an area's fill where areas are filled (uncertainty).
pub const AREA_FILL_OPACITY: f64 = 0.15;

impl LayerStyle {
    /// The icon's full address.
    pub fn kml_icon_href(&self) -> String {
        format!("{KML_ICONS}{}", self.kml_icon)
    }

    /// The colour as KML writes it: opaque, `aabbggrr`, lower case.
    pub fn kml_colour(&self) -> String {
        kml_colour(self.colour, 1.0)
    }
}

/// A `#RRGGBB` colour with an opacity as KML writes it, `aabbggrr`.
pub fn kml_colour(colour: &str, opacity: f64) -> String {
    let hex = colour.trim_start_matches('#').to_ascii_lowercase();
    let (r, g, b) = (&hex[0..2], &hex[2..4], &hex[4..6]);
    let alpha = (opacity.clamp(0.0, 1.0) * 255.0).round() as u8;
    format!("{alpha:02x}{b}{g}{r}")
}

impl LayerStyle {
    /// The colour of an event of `kind` (`strike` or `attack`).
    pub fn for_event_kind(kind: &str) -> &'static LayerStyle {
        if kind == "attack" {
            &ATTACKS
        } else {
            &STRIKES
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kml_colours_are_alpha_blue_green_red() {
        assert_eq!(STRIKES.kml_colour(), "ff005ed5");
        assert_eq!(ATTACKS.kml_colour(), "ffb27200");
        assert_eq!(BASES.kml_colour(), "ff000000");
        assert_eq!(kml_colour("#D55E00", AREA_FILL_OPACITY), "26005ed5");
    }
}
