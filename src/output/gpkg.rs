//! A GeoPackage 1.3 (OGC 12-128r18), QGIS's native format: one feature
//! table per layer, one attributes table per analytic table, in one SQLite
//! file.
//!
//! The encoding follows the spec and was checked against what GDAL writes
//! (docs/research/formats-gpkg-kml-datawrapper.md): the `GPKG` application
//! id and user_version 10300, the three required `gpkg_spatial_ref_sys`
//! rows, `gpkg_contents` with the layer extent, `gpkg_geometry_columns`,
//! geometries as GeoPackageBinary (header `GP`, version 0, flags 0x01 for a
//! little-endian point without envelope or 0x03 with the xy envelope for
//! lines and areas, the srs id, then WKB), and the
//! `gpkg_rtree_index` extension with the six 1.3 triggers.
//!
//! SQLite does not provide the `ST_*` functions those triggers call, so the
//! R-tree is filled from Rust as features are written and the triggers are
//! created last; GDAL and QGIS register the functions themselves, so edits
//! made there keep the index current.
//!
//! Every table of the file is written inside one transaction; layers share
//! the connection, so features can arrive interleaved (strikes, attacks) and
//! memory holds nothing but the connection.

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;

use geojson::{Feature, JsonValue};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};

use super::geometry::{grow_bbox, parts, union, wkb, GeometryKind};
use super::label::feature_id;
use super::layer::FeatureSink;
use super::schema::{Field, FieldType};
use super::tables::TableSink;
use super::value::Prop;
use crate::error::{Error, Result};

/// `application_id`: "GPKG".
pub const APPLICATION_ID: i64 = 0x4750_4B47;
/// `user_version` of GeoPackage 1.3.0.
pub const USER_VERSION: i64 = 10300;
/// The srs id of WGS 84 longitude/latitude.
pub const WGS84: i32 = 4326;

/// `last_change` when no table holds a date. GeoPackage requires the
/// timestamp; a fixed one keeps the file byte-identical across builds.
const EPOCH: &str = "1970-01-01T00:00:00.000Z";

/// WGS 84 as GDAL writes it into `gpkg_spatial_ref_sys` and `.prj` files.
pub const WGS84_WKT: &str = "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST],AUTHORITY[\"EPSG\",\"4326\"]]";

/// The core tables (spec Annex C).
const CORE_DDL: &str = "
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
CREATE TABLE gpkg_extensions (
  table_name TEXT,
  column_name TEXT,
  extension_name TEXT NOT NULL,
  definition TEXT NOT NULL,
  scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
);
";

/// The feature tables' geometry column.
const GEOMETRY_COLUMN: &str = "geom";

/// A SQL identifier, double-quoted.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A geometry as GeoPackageBinary: the header (magic `GP`, version 0,
/// flags, srs id), an envelope, then 2D little-endian WKB. Points get no
/// envelope (flags 0x01), as GDAL writes them; lines and areas get the xy
/// envelope `[minx, maxx, miny, maxy]` (flags 0x03) so readers can skip
/// them without parsing the WKB.
pub fn geometry_blob(kind: GeometryKind, parts: &[Vec<[f64; 2]>]) -> Vec<u8> {
    let envelope = match kind {
        GeometryKind::Point => None,
        _ => grow_bbox(None, parts.iter().flatten().copied()),
    };
    let mut b = Vec::with_capacity(64);
    b.extend_from_slice(b"GP\x00");
    b.push(if envelope.is_some() { 0x03 } else { 0x01 });
    b.extend_from_slice(&WGS84.to_le_bytes());
    if let Some([min_x, min_y, max_x, max_y]) = envelope {
        for v in [min_x, max_x, min_y, max_y] {
            b.extend_from_slice(&v.to_le_bytes());
        }
    }
    b.extend_from_slice(&wkb(kind, parts));
    b
}

/// A JSON property as an SQLite value.
fn sql_value(value: Option<&JsonValue>) -> Value {
    match value {
        None | Some(JsonValue::Null) => Value::Null,
        Some(JsonValue::Bool(b)) => Value::Integer(i64::from(*b)),
        Some(JsonValue::Number(n)) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Real(n.as_f64().unwrap_or(f64::NAN)),
        },
        Some(JsonValue::String(s)) => Value::Text(s.clone()),
        Some(other) => Value::Text(other.to_string()),
    }
}

struct Table {
    name: String,
    fields: Vec<Field>,
    geometry: Option<GeometryKind>,
    insert: String,
    /// The R-tree row insert (feature tables).
    rtree_insert: String,
    bbox: Option<[f64; 4]>,
}

struct Inner {
    conn: Option<Connection>,
    file: String,
    tables: Vec<Table>,
    newest_date: Option<String>,
}

impl Inner {
    fn fail(&self, e: impl std::fmt::Display) -> Error {
        Error::io(
            &self.file,
            std::io::Error::other(format!("GeoPackage: {e}")),
        )
    }

    fn conn(&self) -> Result<&Connection> {
        self.conn
            .as_ref()
            .ok_or_else(|| self.fail("written to after it was closed"))
    }

    fn exec(&self, sql: &str, params: impl rusqlite::Params) -> Result<()> {
        self.conn()?
            .execute(sql, params)
            .map(drop)
            .map_err(|e| self.fail(e))
    }

    fn batch(&self, sql: &str) -> Result<()> {
        self.conn()?.execute_batch(sql).map_err(|e| self.fail(e))
    }

    /// Runs a statement that is run once per row, compiled once.
    fn exec_cached(&self, sql: &str, params: impl rusqlite::Params) -> Result<()> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(sql).map_err(|e| self.fail(e))?;
        stmt.execute(params).map(drop).map_err(|e| self.fail(e))
    }

    /// Adds a feature's extent to the table's and to its R-tree.
    fn index(
        &mut self,
        table: usize,
        fid: i64,
        [min_x, min_y, max_x, max_y]: [f64; 4],
    ) -> Result<()> {
        let t = &mut self.tables[table];
        t.bbox = union(t.bbox, Some([min_x, min_y, max_x, max_y]));
        let t = &self.tables[table];
        self.exec_cached(&t.rtree_insert, (fid, min_x, max_x, min_y, max_y))
    }

    /// Inserts a row whose last values are the table's fields, returning its
    /// fid; remembers the newest date for `last_change`.
    fn insert(&mut self, table: usize, values: Vec<Value>) -> Result<i64> {
        let fields = &self.tables[table].fields;
        let own = &values[values.len() - fields.len()..];
        for (field, value) in fields.iter().zip(own) {
            if let (FieldType::Date, Value::Text(date)) = (field.ty, value) {
                if self
                    .newest_date
                    .as_deref()
                    .is_none_or(|d| d < date.as_str())
                {
                    self.newest_date = Some(date.clone());
                }
            }
        }
        self.exec_cached(&self.tables[table].insert, params_from_iter(values))?;
        Ok(self.conn()?.last_insert_rowid())
    }

    fn add_table(
        &mut self,
        name: &str,
        fields: &[Field],
        geometry: Option<GeometryKind>,
    ) -> Result<usize> {
        let mut columns = vec!["\"fid\" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL".to_string()];
        let mut names = Vec::new();
        if let Some(kind) = geometry {
            columns.push(format!("{} {}", quote(GEOMETRY_COLUMN), kind.name()));
            columns.push("\"id\" TEXT NOT NULL UNIQUE".to_string());
            names.extend([quote(GEOMETRY_COLUMN), quote("id")]);
        }
        for field in fields {
            columns.push(format!("{} {}", quote(&field.name), field.ty.gpkg()));
            names.push(quote(&field.name));
        }
        self.batch(&format!(
            "CREATE TABLE {} ({});",
            quote(name),
            columns.join(", ")
        ))?;
        let (data_type, srs) = if geometry.is_some() {
            ("features", WGS84)
        } else {
            ("attributes", 0)
        };
        self.exec(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, srs_id) VALUES (?1, ?2, ?1, '', ?3, ?4)",
            (name, data_type, EPOCH, srs),
        )?;
        if let Some(kind) = geometry {
            self.exec(
                "INSERT INTO gpkg_geometry_columns VALUES (?1, ?2, ?3, ?4, 0, 0)",
                (name, GEOMETRY_COLUMN, kind.name(), WGS84),
            )?;
            self.batch(&format!(
                "CREATE VIRTUAL TABLE {} USING rtree(id, minx, maxx, miny, maxy);",
                quote(&rtree_name(name))
            ))?;
            self.exec(
                "INSERT INTO gpkg_extensions VALUES (?1, ?2, 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
                (name, GEOMETRY_COLUMN),
            )?;
        }
        let placeholders = vec!["?"; names.len()].join(", ");
        self.tables.push(Table {
            name: name.to_string(),
            fields: fields.to_vec(),
            geometry,
            insert: format!(
                "INSERT INTO {} ({}) VALUES ({placeholders})",
                quote(name),
                names.join(", ")
            ),
            rtree_insert: format!(
                "INSERT INTO {} VALUES (?1, ?2, ?3, ?4, ?5)",
                quote(&rtree_name(name))
            ),
            bbox: None,
        });
        Ok(self.tables.len() - 1)
    }

    fn finish(&mut self) -> Result<()> {
        let changed = match &self.newest_date {
            Some(date) => format!("{date}T00:00:00.000Z"),
            None => EPOCH.to_string(),
        };
        for table in &self.tables {
            let [min_x, min_y, max_x, max_y] = match table.bbox {
                Some(b) => b.map(Some),
                None => [None; 4],
            };
            self.exec(
                "UPDATE gpkg_contents SET last_change = ?1, min_x = ?2, min_y = ?3, max_x = ?4, max_y = ?5 WHERE table_name = ?6",
                (&changed, min_x, min_y, max_x, max_y, &table.name),
            )?;
            if table.geometry.is_some() {
                self.batch(&rtree_triggers(&table.name))?;
            }
        }
        self.batch("COMMIT;")?;
        if let Some(conn) = self.conn.take() {
            conn.close().map_err(|(_, e)| self.fail(e))?;
        }
        Ok(())
    }
}

fn rtree_name(table: &str) -> String {
    format!("rtree_{table}_{GEOMETRY_COLUMN}")
}

/// The six triggers of the 1.3 `gpkg_rtree_index` extension (Annex F.3),
/// as GDAL writes them for a 1.3 file.
fn rtree_triggers(table: &str) -> String {
    let t = quote(table);
    let r = quote(&rtree_name(table));
    let name = |suffix: &str| quote(&format!("{}_{suffix}", rtree_name(table)));
    let g = quote(GEOMETRY_COLUMN);
    let upsert = format!(
        "INSERT OR REPLACE INTO {r} VALUES (NEW.\"fid\",ST_MinX(NEW.{g}), ST_MaxX(NEW.{g}),ST_MinY(NEW.{g}), ST_MaxY(NEW.{g}));"
    );
    [
        format!("CREATE TRIGGER {} AFTER INSERT ON {t} WHEN (new.{g} NOT NULL AND NOT ST_IsEmpty(NEW.{g})) BEGIN {upsert} END;", name("insert")),
        format!("CREATE TRIGGER {} AFTER UPDATE OF {g} ON {t} WHEN OLD.\"fid\" = NEW.\"fid\" AND (NEW.{g} NOTNULL AND NOT ST_IsEmpty(NEW.{g})) BEGIN {upsert} END;", name("update1")),
        format!("CREATE TRIGGER {} AFTER UPDATE OF {g} ON {t} WHEN OLD.\"fid\" = NEW.\"fid\" AND (NEW.{g} ISNULL OR ST_IsEmpty(NEW.{g})) BEGIN DELETE FROM {r} WHERE id = OLD.\"fid\"; END;", name("update2")),
        format!("CREATE TRIGGER {} AFTER UPDATE ON {t} WHEN OLD.\"fid\" != NEW.\"fid\" AND (NEW.{g} NOTNULL AND NOT ST_IsEmpty(NEW.{g})) BEGIN DELETE FROM {r} WHERE id = OLD.\"fid\"; {upsert} END;", name("update3")),
        format!("CREATE TRIGGER {} AFTER UPDATE ON {t} WHEN OLD.\"fid\" != NEW.\"fid\" AND (NEW.{g} ISNULL OR ST_IsEmpty(NEW.{g})) BEGIN DELETE FROM {r} WHERE id IN (OLD.\"fid\", NEW.\"fid\"); END;", name("update4")),
        format!("CREATE TRIGGER {} AFTER DELETE ON {t} WHEN old.{g} NOT NULL BEGIN DELETE FROM {r} WHERE id = OLD.\"fid\"; END;", name("delete")),
    ]
    .join("\n")
}

/// A GeoPackage being written. Tables are added with [`GeoPackage::layer`]
/// and [`GeoPackage::table`]; [`GeoPackage::finish`] completes the file
/// once every table's writer has finished.
pub struct GeoPackage {
    inner: Rc<RefCell<Inner>>,
}

impl GeoPackage {
    /// Creates the file at `path` (which must not exist); `file` is the name
    /// used in errors.
    pub fn create(path: &Path, file: &str) -> Result<Self> {
        let conn = Connection::open(path)
            .map_err(|e| Error::io(file, std::io::Error::other(format!("GeoPackage: {e}"))))?;
        let inner = Inner {
            conn: Some(conn),
            file: file.to_string(),
            tables: Vec::new(),
            newest_date: None,
        };
        // The file is a temporary one that is deleted on failure, so
        // SQLite's journal and syncs would buy nothing.
        inner.batch(&format!(
            "PRAGMA application_id = {APPLICATION_ID};
             PRAGMA user_version = {USER_VERSION};
             PRAGMA journal_mode = OFF;
             PRAGMA synchronous = OFF;
             PRAGMA foreign_keys = ON;
             BEGIN;
             {CORE_DDL}"
        ))?;
        for (name, id, definition, description) in [
            (
                "Undefined Cartesian SRS",
                -1,
                "undefined",
                "undefined Cartesian coordinate reference system",
            ),
            (
                "Undefined geographic SRS",
                0,
                "undefined",
                "undefined geographic coordinate reference system",
            ),
            (
                "WGS 84 geodetic",
                WGS84,
                WGS84_WKT,
                "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid",
            ),
        ] {
            let organization = if id == WGS84 { "EPSG" } else { "NONE" };
            inner.exec(
                "INSERT INTO gpkg_spatial_ref_sys VALUES (?1, ?2, ?3, ?2, ?4, ?5)",
                (name, id, organization, definition, description),
            )?;
        }
        Ok(GeoPackage {
            inner: Rc::new(RefCell::new(inner)),
        })
    }

    /// Adds a feature table of `kind` geometries; its writer takes features
    /// whose properties are `fields`.
    pub fn layer(&self, name: &str, fields: &[Field], kind: GeometryKind) -> Result<GpkgLayer> {
        let table = self
            .inner
            .borrow_mut()
            .add_table(name, fields, Some(kind))?;
        Ok(GpkgLayer {
            inner: Rc::clone(&self.inner),
            table,
        })
    }

    /// Adds an attributes table (no geometry) with columns `fields`.
    pub fn table(&self, name: &str, fields: &[Field]) -> Result<GpkgTable> {
        let table = self.inner.borrow_mut().add_table(name, fields, None)?;
        Ok(GpkgTable {
            inner: Rc::clone(&self.inner),
            table,
        })
    }

    /// Writes each table's extent and the index triggers, commits and
    /// closes the file.
    pub fn finish(self) -> Result<()> {
        self.inner.borrow_mut().finish()
    }
}

/// Writes the features of one layer into its table.
pub struct GpkgLayer {
    inner: Rc<RefCell<Inner>>,
    table: usize,
}

impl FeatureSink for GpkgLayer {
    fn write(&mut self, feature: &Feature) -> Result<()> {
        let mut inner = self.inner.borrow_mut();
        let geometry = parts(feature);
        let id = feature_id(feature).map_or(Value::Null, Value::Text);
        let mut values = Vec::with_capacity(inner.tables[self.table].fields.len() + 2);
        values.push(match &geometry {
            Some((kind, parts)) => Value::Blob(geometry_blob(*kind, parts)),
            None => Value::Null,
        });
        values.push(id);
        for field in &inner.tables[self.table].fields {
            values.push(sql_value(feature.property(&field.name)));
        }
        let fid = inner.insert(self.table, values)?;
        match geometry.and_then(|(_, parts)| grow_bbox(None, parts.into_iter().flatten())) {
            Some(extent) => inner.index(self.table, fid, extent),
            None => Ok(()),
        }
    }

    fn finish(self: Box<Self>) -> Result<()> {
        Ok(())
    }
}

/// Writes the rows of one attributes table.
pub struct GpkgTable {
    inner: Rc<RefCell<Inner>>,
    table: usize,
}

impl TableSink for GpkgTable {
    fn write_row(&mut self, values: &[Prop<'_>]) -> Result<()> {
        let values = values
            .iter()
            .map(|v| sql_value(Some(&v.to_json())))
            .collect();
        self.inner.borrow_mut().insert(self.table, values).map(drop)
    }

    fn finish(self: Box<Self>) -> Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn point_blob_matches_what_gdal_writes() {
        // `ogr2ogr -f GPKG` wrote this for POINT(44.2139 32.8667).
        let hex: String = geometry_blob(GeometryKind::Point, &[vec![[44.2139, 32.8667]]])
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        assert_eq!(
            hex,
            "47500001E61000000101000000A54E4013611B4640BBB88D06F06E4040"
        );
    }

    #[test]
    fn lines_carry_an_xy_envelope() {
        let b = geometry_blob(GeometryKind::LineString, &[vec![[1.0, 2.0], [3.0, -4.0]]]);
        assert_eq!(&b[..8], b"GP\x00\x03\xE6\x10\x00\x00");
        let env: Vec<f64> = b[8..40]
            .chunks(8)
            .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
            .collect();
        assert_eq!(env, [1.0, 3.0, -4.0, 2.0], "minx, maxx, miny, maxy");
        assert_eq!(&b[40..45], &[1, 2, 0, 0, 0], "WKB LineString");
    }
}
