//! Draft event rows, in the columns of the events file, for an editor to
//! review.
//!
//! Each [`Sighting`] is one sentence reporting a strike or an attack at a
//! place. Sightings of the same place and kind merge into one row when
//! their dates are within a day of the first date of the row; sightings
//! with no date merge only with others from the same report, since nothing
//! says two undated reports describe the same event. A merged row lists
//! every report in `sources` and every sentence in `notes`; where reports
//! differ, it takes the date most of them give (the earliest on a tie),
//! the lowest low and the highest high casualty figure, and the subtype,
//! actor and place text most of them give. Fields no sentence gave stay
//! empty.

use std::collections::BTreeMap;
use std::io::Write;

use crate::events::EVENT_COLUMNS;
use crate::model::EventKind;
use crate::normalize::fold;

use super::dates::Date;
use super::details::Figure;
use super::{Document, Sighting};

/// One draft row; the fields are those of [`EVENT_COLUMNS`], in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftEvent {
    /// `YYYYMMDD-place-kind`, or `undated-place-kind`, unique in the draft.
    pub id: String,
    /// ISO date, or empty.
    pub date: String,
    /// `strike`, `attack`, or empty.
    pub kind: String,
    /// Subtype, or empty.
    pub subtype: String,
    /// Actor, or empty.
    pub actor: String,
    /// Target, or empty.
    pub target: String,
    /// The place as reported.
    pub place: String,
    /// Casualty figures, empty when not reported.
    pub killed_low: String,
    /// See `killed_low`.
    pub killed_high: String,
    /// See `killed_low`.
    pub injured_low: String,
    /// See `killed_low`.
    pub injured_high: String,
    /// Report file names, sorted, `;`-separated.
    pub sources: String,
    /// Each supporting sentence with its report and byte offset.
    pub notes: String,
    /// The place id the row was merged on (not written).
    pub place_id: String,
}

impl DraftEvent {
    /// The fields in [`EVENT_COLUMNS`] order.
    pub fn fields(&self) -> [&str; EVENT_COLUMNS.len()] {
        [
            &self.id,
            &self.date,
            &self.kind,
            &self.subtype,
            &self.actor,
            &self.target,
            &self.place,
            &self.killed_low,
            &self.killed_high,
            &self.injured_low,
            &self.injured_high,
            &self.sources,
            &self.notes,
        ]
    }
}

/// The id rule's place slug: the canonical name without diacritics,
/// apostrophes and the generic words Air Base, Airbase, Governorate and
/// Province, joined by hyphens ("Al-Asad Air Base" → `al-asad`).
pub fn place_slug(name: &str) -> String {
    let folded = fold(name);
    let words: Vec<&str> = folded.split_whitespace().collect();
    let mut kept = Vec::new();
    let mut k = 0;
    while k < words.len() {
        match (words[k], words.get(k + 1)) {
            ("air", Some(&"base")) => k += 2,
            ("airbase" | "governorate" | "province", _) => k += 1,
            (w, _) => {
                kept.push(w);
                k += 1;
            }
        }
    }
    kept.join("-")
}

/// Merges the sightings of `documents` into draft rows, sorted by date
/// (undated last), then id.
pub fn draft_events(documents: &[Document]) -> Vec<DraftEvent> {
    let mut groups: BTreeMap<(String, &str), Vec<&Sighting>> = BTreeMap::new();
    for s in documents.iter().flat_map(|d| &d.sightings) {
        let kind = s.kind.map_or("", EventKind::as_str);
        groups
            .entry((s.place_id.clone(), kind))
            .or_default()
            .push(s);
    }
    let mut rows = Vec::new();
    for ((_, kind), sightings) in groups {
        let mut dated: Vec<&Sighting> = sightings
            .iter()
            .copied()
            .filter(|s| s.details.date.is_some())
            .collect();
        dated.sort_by_key(|s| (s.details.date, s.source.clone(), s.offset));
        let mut cluster: Vec<&Sighting> = Vec::new();
        for s in dated {
            let first = cluster.first().and_then(|c| c.details.date);
            let gap = first.zip(s.details.date).map(|(a, b)| b.days() - a.days());
            if gap.is_some_and(|g| g > 1) {
                rows.push(row(kind, &cluster));
                cluster.clear();
            }
            cluster.push(s);
        }
        if !cluster.is_empty() {
            rows.push(row(kind, &cluster));
        }
        let mut undated: BTreeMap<&str, Vec<&Sighting>> = BTreeMap::new();
        for s in sightings.iter().filter(|s| s.details.date.is_none()) {
            undated.entry(s.source.as_str()).or_default().push(s);
        }
        for (_, cluster) in undated {
            rows.push(row(kind, &cluster));
        }
    }
    rows.sort_by(|a, b| {
        (a.date.is_empty(), &a.date, &a.id, &a.sources).cmp(&(
            b.date.is_empty(),
            &b.date,
            &b.id,
            &b.sources,
        ))
    });
    // Ids unique, in row order: a second row of one id gets "-2".
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for r in &mut rows {
        let n = seen.entry(r.id.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            r.id = format!("{}-{n}", r.id);
        }
    }
    rows
}

/// The most frequent non-empty value, the first seen on a tie.
fn most_common<'s>(values: impl Iterator<Item = &'s str>) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for v in values.filter(|v| !v.is_empty()) {
        match counts.iter_mut().find(|(x, _)| *x == v) {
            Some(c) => c.1 += 1,
            None => counts.push((v, 1)),
        }
    }
    let best = counts.iter().map(|c| c.1).max().unwrap_or(0);
    counts
        .into_iter()
        .find(|c| c.1 == best)
        .map(|c| c.0.to_string())
        .unwrap_or_default()
}

fn merge_figures(figures: impl Iterator<Item = Figure>) -> (String, String) {
    let figures: Vec<Figure> = figures.collect();
    let low = figures.iter().filter_map(|f| f.low).min();
    let high = figures.iter().filter_map(|f| f.high).max();
    // A low above every high (one report "at least 10", another "as many
    // as 8") leaves the high at the low.
    let high = match (low, high) {
        (Some(l), Some(h)) if l > h => Some(l),
        _ => high,
    };
    let text = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
    (text(low), text(high))
}

fn row(kind: &str, cluster: &[&Sighting]) -> DraftEvent {
    let mut dates: Vec<Date> = cluster.iter().filter_map(|s| s.details.date).collect();
    dates.sort();
    let date = {
        let mut best: Option<(Date, usize)> = None;
        for d in &dates {
            let n = dates.iter().filter(|x| *x == d).count();
            if best.is_none_or(|(_, m)| n > m) {
                best = Some((*d, n));
            }
        }
        best.map(|(d, _)| d)
    };
    let first = cluster[0];
    let slug = place_slug(&first.place_name);
    let kind_part = if kind.is_empty() { "event" } else { kind };
    let id = match date {
        Some(d) => format!("{}-{slug}-{kind_part}", d.to_string().replace('-', "")),
        None => format!("undated-{slug}-{kind_part}"),
    };
    let mut sources: Vec<&str> = cluster.iter().map(|s| s.source.as_str()).collect();
    sources.sort_unstable();
    sources.dedup();
    let (killed_low, killed_high) = merge_figures(cluster.iter().map(|s| s.details.killed));
    let (injured_low, injured_high) = merge_figures(cluster.iter().map(|s| s.details.injured));
    let notes = cluster
        .iter()
        .map(|s| {
            let mut note = format!("{} @{}: {}", s.source, s.offset, s.sentence);
            if let Some(d) = &s.details.date_note {
                note.push_str(&format!(" [{d}]"));
            }
            note
        })
        .collect::<Vec<_>>()
        .join(" | ");
    DraftEvent {
        id,
        date: date.map(|d| d.to_string()).unwrap_or_default(),
        kind: kind.to_string(),
        subtype: most_common(cluster.iter().map(|s| s.details.subtype.as_str())),
        actor: most_common(cluster.iter().map(|s| s.details.actor.as_str())),
        target: cluster
            .iter()
            .map(|s| s.details.target.as_str())
            .find(|t| !t.is_empty())
            .unwrap_or_default()
            .to_string(),
        place: most_common(cluster.iter().map(|s| s.place_text.as_str())),
        killed_low,
        killed_high,
        injured_low,
        injured_high,
        sources: sources.join(";"),
        notes,
        place_id: first.place_id.clone(),
    }
}

/// Writes the draft as CSV with the events file's header.
pub fn write_csv<W: Write>(rows: &[DraftEvent], out: W) -> csv::Result<()> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    writer.write_record(EVENT_COLUMNS)?;
    for r in rows {
        writer.write_record(r.fields())?;
    }
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_the_id_rule() {
        assert_eq!(place_slug("Al-Asad Air Base"), "al-asad");
        assert_eq!(place_slug("Al-Anbar Governorate"), "al-anbar");
        assert_eq!(place_slug("Al-Qa'im"), "al-qaim");
        assert_eq!(place_slug("Jurf al-Sakhar"), "jurf-al-sakhar");
        assert_eq!(place_slug("Erbil Airbase"), "erbil");
    }

    #[test]
    fn figures_merge_conservatively() {
        let f = |low, high| Figure { low, high };
        let merged =
            merge_figures([f(Some(8), Some(8)), f(None, Some(8)), f(Some(2), None)].into_iter());
        assert_eq!(merged, ("2".to_string(), "8".to_string()));
        assert_eq!(
            merge_figures([f(Some(10), None), f(None, Some(8))].into_iter()),
            ("10".into(), "10".into())
        );
        assert_eq!(
            merge_figures(std::iter::empty()),
            (String::new(), String::new())
        );
    }
}
