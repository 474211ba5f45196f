//! One colour scheme for every output that carries styling (KML styles,
//! Datawrapper markers), so strikes, attacks and bases look the same
//! wherever a desk opens them.
//!
//! The colours are from the Okabe–Ito palette, chosen to stay distinct under
//! the common forms of colour blindness: vermillion strikes against blue
//! attacks, with bases in black as the neutral reference.

/// How one layer is drawn and named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerStyle {
    /// The layer's name, as in file and table names.
    pub layer: &'static str,
    /// A human title for legends and folder names.
    pub title: &'static str,
    /// Marker colour, `#RRGGBB`.
    pub colour: &'static str,
    /// The Google Earth icon KML points at.
    pub kml_icon: &'static str,
}

const KML_ICONS: &str = "http://maps.google.com/mapfiles/kml/shapes/";

/// Strikes: vermillion.
pub const STRIKES: LayerStyle = LayerStyle {
    layer: "strikes",
    title: "Strikes",
    colour: "#D55E00",
    kml_icon: "placemark_circle.png",
};

/// Attacks: blue.
pub const ATTACKS: LayerStyle = LayerStyle {
    layer: "attacks",
    title: "Attacks",
    colour: "#0072B2",
    kml_icon: "placemark_circle.png",
};

/// Bases: black.
pub const BASES: LayerStyle = LayerStyle {
    layer: "bases",
    title: "Bases",
    colour: "#000000",
    kml_icon: "airports.png",
};

impl LayerStyle {
    /// The icon's full address.
    pub fn kml_icon_href(&self) -> String {
        format!("{KML_ICONS}{}", self.kml_icon)
    }

    /// The colour as KML writes it: opaque, `aabbggrr`, lower case.
    pub fn kml_colour(&self) -> String {
        let hex = self.colour.trim_start_matches('#').to_ascii_lowercase();
        let (r, g, b) = (&hex[0..2], &hex[2..4], &hex[4..6]);
        format!("ff{b}{g}{r}")
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
    }
}
