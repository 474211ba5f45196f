//! `geoevents extract`: find place mentions in reports and draft events.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use geoevents::events::EVENT_COLUMNS;
use geoevents::extract::draft::{draft_events, write_csv};
use geoevents::extract::{Extractor, Mention, MENTION_FIELDS};
use geoevents::output::OutputDir;
use geoevents::pipeline::load_place_index;
use geoevents::Error;
use serde_json::json;

use super::{plural, print_line, stdout, PlacesArg};

/// Find every mention of a place of the place table in news reports, and
/// draft event records from the sentences that report strikes or attacks.
///
/// Each FILE (`-` for standard input) is read as plain text: a UTF-8
/// byte-order mark is skipped, CRLF line ends are read as line ends, and
/// bytes that are not UTF-8 are replaced, with a warning naming the file
/// and byte offset.
///
/// Every name is found however it is transliterated ("Ain al-Asad Air
/// Base", "al-Asad Airbase", "Jurf al Saqr", "Al-Qa'im", "Anbar province",
/// "Baghdad's"), matched through the place table's spellings and the
/// geocoder's normalisation, and given a role: event_location (where a
/// strike or attack in the sentence happened), reference ("south of
/// Baghdad", "in western Iraq" after a base), dateline, or other. Names in
/// people's names and titles ("Hafez al-Asad") and in groups' names ("the
/// Islamic Resistance in Iraq") are not places. Page furniture after the
/// story (a sidebar of headlines and dates) yields no events.
///
/// With --draft-events, one row per event in the columns of
/// events/events.csv; reports of the same place and kind within a day are
/// merged. Fields the text does not give stay empty. Written whole or not
/// at all.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  geoevents extract story.txt
  geoevents extract --format json reports/*.txt > mentions.jsonl
  geoevents extract --format csv --draft-events draft.csv reports/*.txt
  curl -s https://example.org/story.txt | geoevents extract -

Exit status: 0 when every file was read; 1 when one could not be; 2 usage error.")]
pub struct Args {
    #[command(flatten)]
    places: PlacesArg,
    /// Output format of the mentions: text (one readable line each), csv, or json (JSON Lines).
    #[arg(long, value_enum, default_value_t = ExtractFormat::Text)]
    format: ExtractFormat,
    /// Also write draft event rows (CSV, the columns of events/events.csv) to FILE.
    #[arg(long, value_name = "FILE")]
    draft_events: Option<PathBuf>,
    /// Reports to read (plain text); `-` reads standard input.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<String>,
}

/// Output format of `extract`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ExtractFormat {
    /// One readable line per mention.
    Text,
    /// CSV with a header row.
    Csv,
    /// One JSON object per line (JSON Lines).
    Json,
}

pub fn run(args: Args) -> geoevents::Result<ExitCode> {
    let index = load_place_index(&args.places.places)?;
    // Every file is checked before the first is read, so a typo in the
    // last name does not come after pages of output.
    for file in args.files.iter().filter(|f| *f != "-") {
        fs::metadata(file).map_err(|e| Error::io(file, e))?;
    }
    if let Some(path) = &args.draft_events {
        check_draft_target(path)?;
    }
    if args.files.iter().filter(|f| *f == "-").count() > 1 {
        return Err(Error::io(
            "-",
            io::Error::other("standard input can be read only once"),
        ));
    }
    let mut extractor = Extractor::new(&index);
    let mut sink = match args.format {
        ExtractFormat::Csv => {
            let mut w = csv::Writer::from_writer(stdout());
            w.write_record(MENTION_FIELDS).map_err(csv_error)?;
            Sink::Csv(Box::new(w))
        }
        format => Sink::Lines(stdout(), format),
    };
    let mut documents = Vec::with_capacity(args.files.len());
    let mut mentions = 0;
    for file in &args.files {
        let bytes = read(file)?;
        let mut doc = extractor.extract(file, &bytes)?;
        for warning in &doc.warnings {
            eprintln!("geoevents: warning: {file}: {}", warning.message());
        }
        for m in &doc.mentions {
            match &mut sink {
                Sink::Csv(w) => w.write_record(csv_record(file, m)).map_err(csv_error)?,
                Sink::Lines(out, ExtractFormat::Json) => print_line(out, &json_line(file, m))?,
                Sink::Lines(out, _) => print_line(out, &text_line(file, m))?,
            }
        }
        // Only the sightings are needed for the draft: a large input's
        // mentions are not kept once written.
        mentions += doc.mentions.len();
        doc.mentions = Vec::new();
        documents.push(doc);
    }
    match &mut sink {
        Sink::Csv(w) => w.flush(),
        Sink::Lines(out, _) => out.flush(),
    }
    .map_err(|e| Error::io("<stdout>", e))?;
    let mut summary = format!(
        "geoevents: {} in {}",
        plural(mentions, "place mention"),
        plural(documents.len(), "file")
    );
    if let Some(path) = &args.draft_events {
        let rows = draft_events(&documents);
        write_draft(path, &rows)?;
        summary.push_str(&format!(
            "; {} written to {}",
            plural(rows.len(), "draft event"),
            path.display()
        ));
    }
    eprintln!("{summary}");
    Ok(ExitCode::SUCCESS)
}

fn csv_error(e: csv::Error) -> Error {
    Error::Csv {
        path: "<stdout>".into(),
        message: e.to_string(),
    }
}

fn read(file: &str) -> geoevents::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if file == "-" {
        io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io("<stdin>", e))?;
    } else {
        bytes = fs::read(file).map_err(|e| Error::io(file, e))?;
    }
    Ok(bytes)
}

/// Writes the draft through a temporary file renamed into place.
/// Refuses a `--draft-events` path that holds something other than an
/// earlier draft (a report given there by mistake would be lost), as GDAL
/// refuses to overwrite a dataset it did not write.
fn check_draft_target(path: &Path) -> geoevents::Result<()> {
    let header = EVENT_COLUMNS.join(",");
    let mut existing = Vec::new();
    match fs::File::open(path) {
        Ok(file) => {
            file.take(header.len() as u64)
                .read_to_end(&mut existing)
                .map_err(|e| Error::io(path, e))?;
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(path, e)),
    }
    if existing.is_empty() || existing == header.as_bytes() {
        return Ok(());
    }
    Err(Error::io(
        path,
        io::Error::other(
            "--draft-events writes its draft here, but the file is not an earlier draft (it does not start with the events header); choose another name or remove it",
        ),
    ))
}

fn write_draft(
    path: &Path,
    rows: &[geoevents::extract::draft::DraftEvent],
) -> geoevents::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| Error::io(path, io::Error::other("not a file name")))?
        .to_string_lossy()
        .into_owned();
    let mut output = OutputDir::create(dir)?;
    let mut file = output.file(&name)?;
    write_csv(rows, &mut file).map_err(|e| Error::Csv {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    file.flush().map_err(|e| Error::io(path, e))?;
    drop(file);
    output.commit()?;
    Ok(())
}

fn csv_record(file: &str, m: &Mention) -> [String; 11] {
    [
        file.to_string(),
        m.start.to_string(),
        m.end.to_string(),
        m.text.clone(),
        m.sentence.to_string(),
        m.place_id.clone(),
        m.place_name.clone(),
        m.match_kind.as_str().to_string(),
        format!("{:.3}", m.score),
        format!("{:.2}", m.confidence),
        m.role.as_str().to_string(),
    ]
}

fn json_line(file: &str, m: &Mention) -> String {
    json!({
        "file": file,
        "start": m.start,
        "end": m.end,
        "text": m.text,
        "sentence": m.sentence.as_ref(),
        "place_id": m.place_id,
        "place_name": m.place_name,
        "match": m.match_kind.as_str(),
        "score": m.score,
        "confidence": m.confidence,
        "role": m.role.as_str(),
    })
    .to_string()
}

fn text_line(file: &str, m: &Mention) -> String {
    format!(
        "{file}:{}-{}  {:<14}  {} ({})  {:?}  match {}, score {:.3}, confidence {:.2}",
        m.start,
        m.end,
        m.role.as_str(),
        m.place_id,
        m.place_name,
        m.text,
        m.match_kind.as_str(),
        m.score,
        m.confidence
    )
}

/// Where mentions go: CSV through one writer, text and JSON line by line.
enum Sink {
    Csv(Box<csv::Writer<io::LineWriter<io::StdoutLock<'static>>>>),
    Lines(io::LineWriter<io::StdoutLock<'static>>, ExtractFormat),
}
