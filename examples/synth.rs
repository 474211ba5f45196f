//! Writes a synthetic events file for benchmarks.
//!
//! ```sh
//! cargo run --release --example synth -- --events 1000000 --seed 7 --out /tmp/events-1m.csv
//! ```
//!
//! The file has the exact header of `events/events.csv` and rows that look
//! like curated events: place texts drawn from every name, alias and Arabic
//! name of the place table, with the variants reports use (case, `al-`/`Al `/
//! `Al-` swaps, hyphen/space swaps, a dropped or doubled letter in about 5 %,
//! relation phrases such as "near X" or "20 km south of X" in about 10 %),
//! about 2 % invented names that no place is close to, dates from 2023-10-01
//! to 2024-02-29, strikes and attacks about 60/40, subtypes from the
//! vocabulary of `events/README.md`, mostly empty casualty figures (low ≤
//! high when both are given), `report-N.txt` sources, and short notes with
//! commas and quotes (so the CSV quoting is exercised).
//!
//! The output is a pure function of the seed and the place table: the
//! generator is the SplitMix64 of `benches/common/rng.rs`, not `rand`. Rows
//! are streamed, so ten million of them take a few megabytes of memory.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use geoevents::events::EVENT_COLUMNS;
use geoevents::geocode::{PlaceIndex, UnresolvedReason};
use geoevents::normalize::{edit_distance, normalize};
use geoevents::places::read_places;

#[path = "../benches/common/rng.rs"]
mod rng;
use rng::Rng;

/// Write a synthetic events CSV for benchmarks.
#[derive(Parser)]
#[command(name = "synth")]
struct Args {
    /// How many events to write.
    #[arg(long, default_value_t = 1000)]
    events: u64,
    /// Seed of the generator: the same seed and place table give the same file.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The place table whose names the place texts are drawn from.
    #[arg(long, value_name = "FILE", default_value = "places/places.csv")]
    places: PathBuf,
    /// Where to write the CSV (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

const STRIKE_SUBTYPES: &[(u32, &str)] = &[
    (70, "airstrike"),
    (20, "drone strike"),
    (10, "gunship strike"),
];
const ATTACK_SUBTYPES: &[(u32, &str)] = &[
    (35, "rocket"),
    (35, "drone"),
    (15, "rocket and drone"),
    (10, "ballistic missile"),
    (5, "ballistic missile and rocket"),
];
const STRIKE_ACTORS: &[&str] = &[
    "United States (CENTCOM)",
    "United States (US military)",
    "United States",
];
const ATTACK_ACTORS: &[&str] = &[
    "Kataib Hezbollah",
    "Iran-backed militias",
    "Islamic Resistance in Iraq",
    "Harakat al-Nujaba",
    "unknown",
];
const STRIKE_TARGETS: &[&str] = &[
    "Kataib Hezbollah operations center",
    "militia weapons storage facility",
    "Kataib Hezbollah and other Iran-affiliated militia facilities (headquarters, storage, training)",
    "militia vehicle and personnel",
    "command and control node",
    "one-way attack UAV launch site",
];
const ATTACK_TARGETS: &[&str] = &[
    "US and coalition forces",
    "US forces, no damage reported",
    "coalition base perimeter",
    "US and Iraqi forces",
    "logistics convoy",
];
/// Note templates: `{n}` becomes a number, `{s}` a source file name.
const NOTES: &[&str] = &[
    "",
    "",
    "No group claimed responsibility.",
    "Reported by {n} outlets; casualty figures disputed, low and high kept.",
    "Pentagon: \"a close-range ballistic missile\", no injuries.",
    "'Immediately following the attack', per {s}.",
    "DATE: 'early on Wednesday' vs \"Tuesday night\"; the earlier date kept.",
    "Strike at {n}:15 local time, damage assessment ongoing",
    "PLACE: \"near\" governs both names, as in {s}; province-level.",
    "KILLED: \"several\" (officials), \"{n}\" (militia statement) - low under the plural rule.",
    "Drone shot down, debris fell outside the wire.",
    "Multiple rockets, \"minor damage to infrastructure\", {n} reports.",
];
/// Relation phrases: `{}` is the place text, `{d}` a direction, `{n}` km.
const RELATIONS: &[&str] = &[
    "near {}",
    "near {}",
    "outskirts of {}",
    "outside {}",
    "the {} area",
    "{n} km {d} of {}",
    "{n}km {d} of {}",
    "{d} of {}",
    "close to {}",
];
const DIRECTIONS: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "north-east",
    "north-west",
    "south-east",
    "southwest",
];
const ARTICLES: &[&str] = &["al-", "Al ", "Al-", "al "];
/// Syllables of invented place names: Arabic-looking, none of the table's.
const SYLLABLES: &[&str] = &[
    "zar", "qiv", "tob", "nush", "vel", "krim", "dox", "pelt", "yuz", "gorv", "fenk", "jub", "wox",
    "sniv", "trap", "ulk", "brez", "hov", "kest", "mipp",
];

/// The days 2023-10-01 ..= 2024-02-29 as `YYYY-MM-DD`.
fn campaign_dates() -> Vec<String> {
    let months = [
        (2023, 10, 31),
        (2023, 11, 30),
        (2023, 12, 31),
        (2024, 1, 31),
        (2024, 2, 29),
    ];
    let mut dates = Vec::new();
    for (y, m, days) in months {
        for d in 1..=days {
            dates.push(format!("{y:04}-{m:02}-{d:02}"));
        }
    }
    dates
}

/// Invented names that resolve to no place and are at least three edits
/// from every normalised spelling of the table.
fn invented_names(rng: &mut Rng, index: &PlaceIndex, keys: &[String], count: usize) -> Vec<String> {
    let mut names = Vec::with_capacity(count);
    let mut tries = 0;
    while names.len() < count && tries < count * 100 {
        tries += 1;
        let words = 1 + rng.below(2);
        let mut name = String::new();
        for w in 0..words {
            if w > 0 {
                name.push(' ');
            }
            for s in 0..2 + rng.below(2) {
                let syl = rng.pick(SYLLABLES);
                if s == 0 {
                    let mut c = syl.chars();
                    let first = c.next().unwrap();
                    name.extend(first.to_uppercase());
                    name.push_str(c.as_str());
                } else {
                    name.push_str(syl);
                }
            }
        }
        let key = normalize(&name);
        let far = keys.iter().all(|k| edit_distance(&key, k) >= 3);
        let unknown =
            matches!(index.resolve(&name), Err(u) if u.reason == UnresolvedReason::Unknown);
        if far && unknown && !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// A realistic variant of a spelling.
fn perturb(rng: &mut Rng, spelling: &str, out: &mut String) {
    out.clear();
    out.push_str(spelling);
    // The article: swap its spelling, or put one on a name without it.
    if rng.chance(0.15) && out.is_ascii() {
        let lower = out.to_ascii_lowercase();
        let at = ["al-", "al "]
            .iter()
            .filter_map(|a| {
                lower
                    .match_indices(a)
                    .map(|(i, _)| i)
                    .find(|&i| i == 0 || lower.as_bytes()[i - 1] == b' ')
            })
            .min();
        let article = *rng.pick(ARTICLES);
        match at {
            Some(i) => out.replace_range(i..i + 3, article),
            None if rng.chance(0.3) => out.insert_str(0, article),
            None => {}
        }
    }
    // Hyphens and spaces.
    if rng.chance(0.10) {
        if out.contains('-') {
            *out = out.replace('-', " ");
        } else if let Some(i) = out.find(' ') {
            out.replace_range(i..i + 1, "-");
        }
    }
    // Case.
    if rng.chance(0.15) {
        *out = match rng.below(3) {
            0 => out.to_lowercase(),
            1 => out.to_uppercase(),
            _ => title_case(out),
        };
    }
    // A dropped or doubled letter.
    if rng.chance(0.05) {
        let letters: Vec<(usize, char)> = out
            .char_indices()
            .skip(1)
            .filter(|(_, c)| c.is_alphabetic())
            .collect();
        if !letters.is_empty() {
            let (i, c) = *rng.pick(&letters);
            if rng.chance(0.5) {
                out.remove(i);
            } else {
                out.insert(i, c);
            }
        }
    }
    // A relation phrase.
    if rng.chance(0.10) {
        let template = rng.pick(RELATIONS);
        let n = 5 + 5 * rng.below(8);
        let direction = *rng.pick(DIRECTIONS);
        let phrase = template
            .replace("{n}", &n.to_string())
            .replace("{d}", direction)
            .replace("{}", out);
        *out = phrase;
    }
}

fn title_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut start = true;
    for c in text.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = c == ' ' || c == '-';
    }
    out
}

fn fill_note(rng: &mut Rng, template: &str, out: &mut String) {
    out.clear();
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let (hole, after) = rest[i..].split_at(3);
        match hole {
            "{n}" => out.push_str(&(1 + rng.below(23)).to_string()),
            "{s}" => out.push_str(&format!("report-{}.txt", 1 + rng.below(500))),
            other => out.push_str(other),
        }
        rest = after;
    }
    out.push_str(rest);
}

/// A casualty pair: mostly not reported; low ≤ high when both are given.
fn casualties(rng: &mut Rng, scale: u64) -> (String, String) {
    match rng.below(4) {
        0 | 1 => (String::new(), String::new()),
        2 => {
            let low = rng.below(scale);
            let high = low + rng.below(scale / 2 + 1);
            (low.to_string(), high.to_string())
        }
        _ => (rng.below(scale).to_string(), String::new()),
    }
}

fn run(args: &Args) -> Result<(u64, usize), String> {
    let file = File::open(&args.places).map_err(|e| format!("{}: {e}", args.places.display()))?;
    let places = read_places(&args.places, file).map_err(|e| e.to_string())?;
    let mut spellings: Vec<String> = Vec::new();
    for place in &places {
        spellings.push(place.name.clone());
        spellings.extend(place.aliases.iter().cloned());
        if !place.name_ar.is_empty() {
            spellings.push(place.name_ar.clone());
        }
    }
    let keys: Vec<String> = spellings.iter().map(|s| normalize(s)).collect();
    let index = PlaceIndex::new(places);
    let mut rng = Rng(args.seed);
    let invented = invented_names(&mut rng, &index, &keys, 200);
    if invented.is_empty() {
        return Err("could not invent a name that no place is close to".into());
    }
    let dates = campaign_dates();

    let sink: Box<dyn Write> = if args.out.as_os_str() == "-" {
        Box::new(io::stdout().lock())
    } else {
        Box::new(File::create(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?)
    };
    let mut csv = csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, sink));
    let io_err = |e: csv::Error| format!("{}: {e}", args.out.display());
    csv.write_record(EVENT_COLUMNS).map_err(io_err)?;

    let mut id = String::new();
    let mut place = String::new();
    let mut sources = String::new();
    let mut notes = String::new();
    for n in 1..=args.events {
        use std::fmt::Write as _;
        id.clear();
        write!(id, "syn-{n:07}").unwrap();
        let date = rng.pick(&dates);
        let strike = rng.chance(0.6);
        let (kind, subtype, actor, target) = if strike {
            (
                "strike",
                *rng.weighted(STRIKE_SUBTYPES),
                *rng.pick(STRIKE_ACTORS),
                *rng.pick(STRIKE_TARGETS),
            )
        } else {
            (
                "attack",
                *rng.weighted(ATTACK_SUBTYPES),
                *rng.pick(ATTACK_ACTORS),
                *rng.pick(ATTACK_TARGETS),
            )
        };
        if rng.chance(0.02) {
            place.clear();
            place.push_str(rng.pick(&invented).as_str());
        } else {
            let spelling = rng.pick(&spellings);
            perturb(&mut rng, spelling, &mut place);
        }
        let (killed_low, killed_high, injured_low, injured_high) = if rng.chance(0.25) {
            let k = casualties(&mut rng, 20);
            let i = casualties(&mut rng, 30);
            (k.0, k.1, i.0, i.1)
        } else {
            Default::default()
        };
        sources.clear();
        for s in 0..1 + rng.below(3) {
            if s > 0 {
                sources.push(';');
            }
            write!(sources, "report-{}.txt", 1 + rng.below(500)).unwrap();
        }
        let template = rng.pick(NOTES);
        fill_note(&mut rng, template, &mut notes);
        csv.write_record([
            id.as_str(),
            date,
            kind,
            subtype,
            actor,
            target,
            place.as_str(),
            &killed_low,
            &killed_high,
            &injured_low,
            &injured_high,
            &sources,
            &notes,
        ])
        .map_err(io_err)?;
    }
    let mut inner = csv.into_inner().map_err(|e| e.to_string())?;
    inner.flush().map_err(|e| e.to_string())?;
    Ok((args.events, spellings.len()))
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok((events, spellings)) => {
            eprintln!(
                "synth: wrote {events} events to {} (seed {}, {spellings} spellings of {})",
                args.out.display(),
                args.seed,
                args.places.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("synth: error: {e}");
            ExitCode::FAILURE
        }
    }
}
