//! The analytic tables (strike-to-base distances, unresolved events): rows
//! of typed values written to CSV, and to a GeoPackage attributes table
//! when that format is chosen.

use std::cell::{LazyCell, OnceCell};
use std::io::Write;

use super::csv_layer::write_sidecars;
use super::geojson::round3;
use super::gpkg::GeoPackage;
use super::schema::Field;
use super::value::Prop;
use super::OutputDir;
use crate::distance::{compass16, distance_range_m, Geodesy};
use crate::error::{Error, Result};
use crate::geocode::{Resolved, Unresolved};
use crate::model::{Event, Place};

/// A row's CSV cells from some column on, rendered by the first row that
/// has them and copied by the rows after it that share them: a million
/// strikes have a few thousand places, and each place text one nearest
/// base, so most of a distances row repeats.
pub type CsvTail = OnceCell<Box<[u8]>>;

/// Something a table's rows are written to, one at a time.
pub trait TableSink {
    /// Writes one row, a value per field of the table.
    fn write_row(&mut self, values: &[Prop<'_>]) -> Result<()>;
    /// [`TableSink::write_row`] for a row whose values from column `from`
    /// on are those of every row written with the same `tail`. Only CSV
    /// keeps the rendered cells.
    fn write_row_sharing(
        &mut self,
        values: &[Prop<'_>],
        from: usize,
        tail: &CsvTail,
    ) -> Result<()> {
        let _ = (from, tail);
        self.write_row(values)
    }
    /// Writes a row given as its first values and the rest's cells already
    /// rendered (by [`TableSink::write_row_sharing`]), when this output can
    /// take them so; `None` when it needs the values.
    fn write_rendered_tail(&mut self, lead: &[Prop<'_>], cells: &[u8]) -> Option<Result<()>> {
        let _ = (lead, cells);
        None
    }
    /// Completes and flushes the output.
    fn finish(self: Box<Self>) -> Result<()>;
}

/// One table written as `<name>.csv` (with its `.csvt`) and, when a
/// GeoPackage is being written, as an attributes table in it.
pub struct Table {
    sinks: Vec<Box<dyn TableSink>>,
    rows: usize,
}

impl Table {
    /// Opens the table's outputs.
    pub fn open(
        out: &mut OutputDir,
        gpkg: Option<&GeoPackage>,
        name: &str,
        fields: &[Field],
    ) -> Result<Self> {
        let file_name = format!("{name}.csv");
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        let csv = TableWriter::new(out.file(&file_name)?, &file_name, &names)?;
        write_sidecars(out, name, fields.iter().map(|f| f.ty.gdal()), None)?;
        let mut sinks: Vec<Box<dyn TableSink>> = vec![Box::new(csv)];
        if let Some(gpkg) = gpkg {
            sinks.push(Box::new(gpkg.table(name, fields)?));
        }
        Ok(Table { sinks, rows: 0 })
    }

    /// Writes a row to every output.
    pub fn write_row(&mut self, values: &[Prop<'_>]) -> Result<()> {
        for sink in &mut self.sinks {
            sink.write_row(values)?;
        }
        self.rows += 1;
        Ok(())
    }

    /// [`Table::write_row`] for a row whose values after `lead` are those
    /// of every row written with the same `tail`. `row` gives the whole
    /// row (starting with `lead`), and is called only when an output needs
    /// it: for the first row with this tail, or a GeoPackage. Most rows are
    /// then their lead and a copy.
    pub fn write_row_sharing<'v, const N: usize>(
        &mut self,
        lead: &[Prop<'v>],
        tail: &CsvTail,
        row: impl FnOnce() -> [Prop<'v>; N],
    ) -> Result<()> {
        let values = LazyCell::new(row);
        for sink in &mut self.sinks {
            if let Some(cells) = tail.get() {
                if let Some(written) = sink.write_rendered_tail(lead, cells) {
                    written?;
                    continue;
                }
            }
            sink.write_row_sharing(&values[..], lead.len(), tail)?;
        }
        self.rows += 1;
        Ok(())
    }

    /// Rows written.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Completes every output.
    pub fn finish(self) -> Result<()> {
        for sink in self.sinks {
            sink.finish()?;
        }
        Ok(())
    }
}

/// A CSV table written row by row, counting its rows.
///
/// The rows are CSV as the csv crate writes it by default (comma, `"`
/// doubled inside quotes, `\n` after each row, quotes only around a field
/// holding a comma, a quote or a line break), assembled here a row at a
/// time: through the crate's writer, field by field, the distances table
/// cost some 2000 instructions a row.
pub struct TableWriter<W: Write> {
    out: W,
    name: String,
    rows: usize,
    /// The row being assembled, and one cell of it.
    line: Vec<u8>,
    cell: Vec<u8>,
}

impl<W: Write> TableWriter<W> {
    /// Starts a table with its header; `name` is the file name used in errors.
    pub fn new(out: W, name: &str, header: &[&str]) -> Result<Self> {
        let mut table = TableWriter {
            out,
            name: name.to_string(),
            rows: 0,
            line: Vec::new(),
            cell: Vec::new(),
        };
        table.record(header)?;
        Ok(table)
    }

    fn record(&mut self, fields: &[&str]) -> Result<()> {
        self.line.clear();
        for field in fields {
            push_field(&mut self.line, field.as_bytes());
        }
        self.end_line()
    }

    /// Ends the row in `line` and writes it.
    fn end_line(&mut self) -> Result<()> {
        // The comma after the last field.
        self.line.pop();
        if self.line.is_empty() {
            // A row of one empty field would be an empty line, which
            // readers skip.
            self.line.extend_from_slice(b"\"\"");
        }
        self.line.push(b'\n');
        self.out
            .write_all(&self.line)
            .map_err(|e| Error::io(&self.name, e))
    }

    /// Writes one data row.
    pub fn write_row(&mut self, fields: &[&str]) -> Result<()> {
        self.record(fields)?;
        self.rows += 1;
        Ok(())
    }

    /// Data rows written so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Flushes and returns the writer.
    pub fn finish(mut self) -> Result<W> {
        self.out.flush().map_err(|e| Error::io(&self.name, e))?;
        Ok(self.out)
    }
}

/// Appends `field` and a comma to `line`, in quotes when it holds a comma,
/// a quote or a line break, with each quote doubled.
fn push_field(line: &mut Vec<u8>, field: &[u8]) {
    let special = |b: &u8| matches!(b, b',' | b'"' | b'\n' | b'\r');
    if !field.iter().any(special) {
        line.extend_from_slice(field);
    } else {
        line.push(b'"');
        for part in field.split_inclusive(|&b| b == b'"') {
            line.extend_from_slice(part);
            if part.ends_with(b"\"") {
                line.push(b'"');
            }
        }
        line.push(b'"');
    }
    line.push(b',');
}

impl<W: Write> TableWriter<W> {
    /// Writes a row of `lead`'s cells and then `cells`, rendered before.
    fn write_lead_and_cells(&mut self, lead: &[Prop<'_>], cells: &[u8]) -> Result<()> {
        self.line.clear();
        self.push_values(lead);
        self.line.extend_from_slice(cells);
        self.end_line()?;
        self.rows += 1;
        Ok(())
    }

    /// Appends `values` as cells to the row being assembled.
    fn push_values(&mut self, values: &[Prop<'_>]) {
        for value in values {
            self.cell.clear();
            value.write_csv_cell(&mut self.cell);
            push_field(&mut self.line, &self.cell);
        }
    }
}

impl<W: Write> TableSink for TableWriter<W> {
    fn write_row(&mut self, values: &[Prop<'_>]) -> Result<()> {
        self.line.clear();
        self.push_values(values);
        self.end_line()?;
        self.rows += 1;
        Ok(())
    }

    fn write_row_sharing(
        &mut self,
        values: &[Prop<'_>],
        from: usize,
        tail: &CsvTail,
    ) -> Result<()> {
        let (head, rest) = values.split_at(from.min(values.len()));
        if let Some(cells) = tail.get() {
            return self.write_lead_and_cells(head, cells);
        }
        self.line.clear();
        self.push_values(head);
        let start = self.line.len();
        self.push_values(rest);
        let _ = tail.set(self.line[start..].into());
        self.end_line()?;
        self.rows += 1;
        Ok(())
    }

    fn write_rendered_tail(&mut self, lead: &[Prop<'_>], cells: &[u8]) -> Option<Result<()>> {
        Some(self.write_lead_and_cells(lead, cells))
    }

    fn finish(self: Box<Self>) -> Result<()> {
        TableWriter::finish(*self).map(drop)
    }
}

/// Rounds degrees to a tenth, the precision bearings are written with.
pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Writes one `distances` row: a strike, a base, the geodesic between them
/// and whether this base is the strike's nearest. `tail` is shared by the
/// rows with the same `found`, `base`, `g` and `nearest`.
pub fn write_distance(
    table: &mut Table,
    strike: &Event,
    found: &Resolved<'_>,
    base: &Place,
    g: &Geodesy,
    nearest: bool,
    tail: Option<&CsvTail>,
) -> Result<()> {
    let lead = [Prop::Text(&strike.id), Prop::Text(&strike.date)];
    // The whole row only when an output needs it: the rounding and the
    // compass word were most of a row that copies its rendered cells.
    let row = || {
        let (min_m, max_m) = distance_range_m(
            g.distance_m,
            f64::from(found.uncertainty_m),
            f64::from(base.uncertainty_m),
        );
        let (bearing, compass) = match g.bearing_deg {
            Some(b) => (Prop::Real(round1(b)), Prop::Text(compass16(b))),
            None => (Prop::Null, Prop::Null),
        };
        [
            lead[0].clone(),
            lead[1].clone(),
            Prop::Text(&found.place.id),
            Prop::Text(found.precision.as_str()),
            Prop::Text(&base.id),
            Prop::Text(&base.name),
            Prop::Real(round3(g.distance_km())),
            Prop::Real(round3(g.distance_nmi())),
            bearing,
            compass,
            Prop::Real(round3(min_m / 1000.0)),
            Prop::Real(round3(max_m / 1000.0)),
            Prop::Bool(nearest),
        ]
    };
    match tail {
        Some(tail) => table.write_row_sharing(&lead, tail, row),
        None => table.write_row(&row()),
    }
}

/// Writes one `unresolved` row.
pub fn write_unresolved(table: &mut Table, event: &Event, why: &Unresolved<'_>) -> Result<()> {
    table.write_row(&[
        Prop::Text(&event.id),
        Prop::Int(event.line),
        Prop::Text(event.kind.as_str()),
        Prop::Text(&event.date),
        Prop::Text(&event.place),
        Prop::Text(why.reason.as_str()),
        Prop::Owned(why.candidates_text()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_written_as_the_csv_crate_writes_them() {
        let rows: Vec<Vec<&str>> = vec![
            vec!["a", "b", "c"],
            vec![""],
            vec!["", ""],
            vec!["x"],
            vec!["with, comma", "with \"quotes\"", "\"", "\"\""],
            vec!["line\nbreak", "cr\rhere", "crlf\r\n", " spaced "],
            vec!["é ünïcode", "tab\there", "#hash", "'=1+1"],
            vec![],
        ];
        let mut ours = TableWriter::new(Vec::new(), "t.csv", &["h1", "h,2", "h\"3"]).unwrap();
        let mut theirs = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        theirs.write_record(["h1", "h,2", "h\"3"]).unwrap();
        for row in &rows {
            ours.write_row(row).unwrap();
            theirs.write_record(row).unwrap();
        }
        let ours = String::from_utf8(ours.finish().unwrap()).unwrap();
        let theirs = String::from_utf8(theirs.into_inner().unwrap()).unwrap();
        assert_eq!(ours, theirs);
    }

    /// A writer whose bytes the test keeps after the table owns it.
    #[derive(Clone, Default)]
    struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// An output that needs every row's values, as a GeoPackage does.
    struct Values(std::rc::Rc<std::cell::RefCell<Vec<String>>>);

    impl TableSink for Values {
        fn write_row(&mut self, values: &[Prop<'_>]) -> Result<()> {
            let row: Vec<String> = values.iter().map(|v| v.to_json().to_string()).collect();
            self.0.borrow_mut().push(row.join("|"));
            Ok(())
        }
        fn finish(self: Box<Self>) -> Result<()> {
            Ok(())
        }
    }

    #[test]
    fn shared_tails_write_what_the_values_say() {
        let rows = [
            ["e1", "2024-01-01", "x, y", "1.5"],
            ["e2", "2024-01-02", "x, y", "1.5"],
            ["e\"3", "", "x, y", "1.5"],
        ];
        let header = ["a", "b", "c", "d"];
        let mut plain = TableWriter::new(Vec::new(), "t.csv", &header).unwrap();
        for row in &rows {
            TableSink::write_row(&mut plain, &row.map(Prop::Text)).unwrap();
        }
        let plain = plain.finish().unwrap();
        for with_values in [false, true] {
            let csv = Shared::default();
            let values = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
            let mut sinks: Vec<Box<dyn TableSink>> = vec![Box::new(
                TableWriter::new(csv.clone(), "t.csv", &header).unwrap(),
            )];
            if with_values {
                sinks.push(Box::new(Values(values.clone())));
            }
            let mut table = Table { sinks, rows: 0 };
            let tail = CsvTail::new();
            let mut asked = 0;
            for row in &rows {
                let lead = [Prop::Text(row[0]), Prop::Text(row[1])];
                let whole = || {
                    asked += 1;
                    row.map(Prop::Text)
                };
                table.write_row_sharing(&lead, &tail, whole).unwrap();
            }
            assert_eq!(tail.get().map(|t| &t[..]), Some(&b"\"x, y\",1.5,"[..]));
            assert_eq!(*csv.0.borrow(), plain);
            assert_eq!(table.rows(), rows.len());
            // The whole row is made for the first row, then only for an
            // output that needs the values.
            if with_values {
                assert_eq!(asked, rows.len());
                assert_eq!(values.borrow()[2], r#""e\"3"|""|"x, y"|"1.5""#);
            } else {
                assert_eq!(asked, 1);
            }
        }
    }
}
