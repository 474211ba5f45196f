//! The fields of every layer and table with their types, so that each format
//! declares the same field with the same name and type: a GeoPackage column
//! type, a GDAL `.csvt` type, a KML `SimpleField` type.

use crate::events::{COMPUTED_FIELDS, EVENT_COLUMNS};

/// The type of a field, as GIS software should read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// Free text.
    Text,
    /// A whole number that fits in 32 bits (counts, metres, codes).
    Integer,
    /// A floating-point number (kilometres, degrees, scores).
    Real,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// True or false.
    Boolean,
}

impl FieldType {
    /// The GeoPackage column type. `MEDIUMINT` is the 32-bit integer of the
    /// GeoPackage data types, which GDAL and QGIS read as Integer rather than
    /// Integer64.
    pub fn gpkg(self) -> &'static str {
        match self {
            FieldType::Text => "TEXT",
            FieldType::Integer => "MEDIUMINT",
            FieldType::Real => "REAL",
            FieldType::Date => "DATE",
            FieldType::Boolean => "BOOLEAN",
        }
    }

    /// The type as GDAL names it, which is also what a `.csvt` sidecar says
    /// and what `ogrinfo` and QGIS show.
    pub fn gdal(self) -> &'static str {
        match self {
            FieldType::Text => "String",
            FieldType::Integer => "Integer",
            FieldType::Real => "Real",
            FieldType::Date => "Date",
            FieldType::Boolean => "Integer(Boolean)",
        }
    }

    /// The KML `SimpleField` type. KML has no date type, so dates are text
    /// there (the Placemark's `TimeStamp` carries the date as a date).
    pub fn kml(self) -> &'static str {
        match self {
            FieldType::Text | FieldType::Date => "string",
            FieldType::Integer => "int",
            FieldType::Real => "double",
            FieldType::Boolean => "bool",
        }
    }
}

/// A named, typed field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// The name, `snake_case` for every field geoevents defines.
    pub name: String,
    /// The type.
    pub ty: FieldType,
}

impl Field {
    fn new(name: &str, ty: FieldType) -> Self {
        Field {
            name: name.to_string(),
            ty,
        }
    }
}

fn fields(list: &[(&str, FieldType)]) -> Vec<Field> {
    list.iter()
        .map(|&(name, ty)| Field::new(name, ty))
        .collect()
}

/// The simplestyle-spec properties every point layer carries, so that
/// geojson.io, GitHub and uMap style the points with no work. Their names
/// are the spec's, hyphens included: the one exception to `snake_case`.
pub const POINT_STYLE_FIELDS: [&str; 4] = ["title", "marker-color", "marker-symbol", "marker-size"];

/// The simplestyle-spec properties of lines.
const LINE_STYLE_FIELDS: [(&str, FieldType); 3] = [
    ("stroke", FieldType::Text),
    ("stroke-width", FieldType::Real),
    ("stroke-opacity", FieldType::Real),
];

/// The simplestyle-spec properties of areas.
const AREA_STYLE_FIELDS: [(&str, FieldType); 5] = [
    ("stroke", FieldType::Text),
    ("stroke-width", FieldType::Real),
    ("stroke-opacity", FieldType::Real),
    ("fill", FieldType::Text),
    ("fill-opacity", FieldType::Real),
];

/// The type of an event column or computed field.
fn event_field_type(name: &str) -> FieldType {
    match name {
        "date" => FieldType::Date,
        "killed_low" | "killed_high" | "injured_low" | "injured_high" | "geo_precision"
        | "where_prec" | "uncertainty_m" => FieldType::Integer,
        "score" | "nearest_base_km" => FieldType::Real,
        _ => FieldType::Text,
    }
}

/// Properties of an event feature, in order: the event's columns but `id`
/// (it is the feature id), the extra columns (text), the computed fields,
/// then the point style.
pub fn event_fields(extra_columns: &[String]) -> Vec<Field> {
    EVENT_COLUMNS[1..]
        .iter()
        .map(|name| Field::new(name, event_field_type(name)))
        .chain(extra_columns.iter().map(|n| Field::new(n, FieldType::Text)))
        .chain(
            COMPUTED_FIELDS
                .iter()
                .map(|name| Field::new(name, event_field_type(name))),
        )
        .collect()
}

/// Properties of the range rings layer.
pub fn ring_fields() -> Vec<Field> {
    use FieldType::*;
    let mut f = fields(&[
        ("base_id", Text),
        ("base_name", Text),
        ("radius_km", Real),
        ("label", Text),
    ]);
    f.extend(fields(&AREA_STYLE_FIELDS));
    f
}

/// Properties of the strike-to-base links layer.
pub fn link_fields() -> Vec<Field> {
    use FieldType::*;
    let mut f = fields(&[
        ("strike_id", Text),
        ("strike_date", Date),
        ("strike_precision", Text),
        ("base_id", Text),
        ("base_name", Text),
        ("nearest", Boolean),
        ("distance_km", Real),
        ("bearing_deg", Real),
        ("compass", Text),
        ("min_km", Real),
        ("max_km", Real),
        ("label", Text),
    ]);
    f.extend(fields(&LINE_STYLE_FIELDS));
    f
}

/// Properties of the uncertainty areas layer.
pub fn uncertainty_fields() -> Vec<Field> {
    use FieldType::*;
    let mut f = fields(&[
        ("event_id", Text),
        ("kind", Text),
        ("date", Date),
        ("place_name", Text),
        ("precision", Text),
        ("uncertainty_m", Integer),
        ("label", Text),
    ]);
    f.extend(fields(&AREA_STYLE_FIELDS));
    f
}

/// Properties of a base feature, in order.
pub fn base_fields() -> Vec<Field> {
    use FieldType::*;
    fields(&[
        ("name", Text),
        ("name_ar", Text),
        ("kind", Text),
        ("aliases", Text),
        ("admin1", Text),
        ("country", Text),
        ("uncertainty_m", Integer),
        ("source", Text),
        ("title", Text),
        ("marker-color", Text),
        ("marker-symbol", Text),
        ("marker-size", Text),
    ])
}

/// Columns of the strike-to-base distance table.
pub fn distance_fields() -> Vec<Field> {
    use FieldType::*;
    fields(&[
        ("strike_id", Text),
        ("strike_date", Date),
        ("strike_place_id", Text),
        ("strike_precision", Text),
        ("base_id", Text),
        ("base_name", Text),
        ("distance_km", Real),
        ("distance_nmi", Real),
        ("bearing_deg", Real),
        ("compass", Text),
        ("min_km", Real),
        ("max_km", Real),
        ("nearest", Boolean),
    ])
}

/// Columns of the table of events whose place did not resolve.
pub fn unresolved_fields() -> Vec<Field> {
    use FieldType::*;
    fields(&[
        ("event_id", Text),
        ("line", Integer),
        ("kind", Text),
        ("date", Date),
        ("place", Text),
        ("reason", Text),
        ("candidates", Text),
    ])
}

/// Names a format adds beside a layer's properties, in lower case: the
/// feature id, the GeoPackage key and geometry, the CSV coordinates, and the
/// fields GDAL's KML reader makes of a Placemark's own elements (a column of
/// the same name would be merged into them). An events file may not use
/// them, in any case, for extra columns.
pub const OUTPUT_COLUMNS: [&str; 17] = [
    "id",
    "fid",
    "geom",
    "lon",
    "lat",
    "wkt",
    "name",
    "description",
    "timestamp",
    "begin",
    "end",
    "altitudemode",
    "tessellate",
    "extrude",
    "visibility",
    "draworder",
    "icon",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_types_cover_counts_dates_and_measures() {
        let f = event_fields(&["desk".to_string()]);
        let ty = |n: &str| f.iter().find(|x| x.name == n).unwrap().ty;
        assert_eq!(ty("date"), FieldType::Date);
        assert_eq!(ty("killed_low"), FieldType::Integer);
        assert_eq!(ty("desk"), FieldType::Text);
        assert_eq!(ty("nearest_base_km"), FieldType::Real);
        assert_eq!(ty("where_prec"), FieldType::Integer);
        assert!(f.iter().all(|x| x.name != "id"));
    }
}
